"""The claims the LMS gives the lab (JupyterHub) when it signs a person in."""

from allauth.idp.oidc.adapter import DefaultOIDCAdapter
from django.utils.translation import gettext_lazy as _

from courses.jupyter.names import GROUPS_CLAIM, HUB_CLIENT_ID
from courses.lab.activity import lab_activity_record
from courses.lab.selectors import lab_groups_for


class OIDCAdapter(DefaultOIDCAdapter):
    scope_display = {
        **DefaultOIDCAdapter.scope_display,
        GROUPS_CLAIM: _("Your courses and teaching (lab groups)"),
    }

    def get_claims(self, purpose, user, client, scopes, email=None, **kwargs):
        if client.pk == HUB_CLIENT_ID:
            # The hub asks at each sign-in and token refresh: the person uses the lab.
            lab_activity_record(user=user)
        claims = super().get_claims(purpose, user, client, scopes, email, **kwargs)
        if "email" in scopes and "email" not in claims and user.email:
            # Accounts made in the admin may lack allauth's EmailAddress row.
            claims.update(email=user.email, email_verified=False)
        if "profile" in scopes:
            # The lab handle: stable, and valid as a hub and system user name.
            claims["preferred_username"] = user.username
            claims["name"] = user.get_full_name()
        if GROUPS_CLAIM in scopes:
            claims[GROUPS_CLAIM] = sorted(lab_groups_for(user))
        return claims
