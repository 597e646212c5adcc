from django import template

from lms.accounts.admin_door import admin_return_url

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_return(context) -> str:
    """The admin page to go back to after setting up MFA (see ``admin_door``)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    return admin_return_url(request)
