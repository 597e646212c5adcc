"""Re-evaluate every valid completion the rule issued against the rule as it
stands now: ``manage.py completion_reevaluate``. Those that no longer pass, or
are not decided, are revoked with the reason "rule re-evaluated" (their
certificates and any track completion resting on them too); nothing is deleted.

Idempotent, and safe to run twice at once (row locks). ``--language en`` prints
the summary in English (default: the site's language).
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.completion.services.reevaluate import (
    ReevaluationOutcome,
    completion_reevaluate,
)


def summary(outcome: ReevaluationOutcome) -> str:
    """One sentence saying what was checked and what was revoked."""
    o = outcome
    # ngettext spelled out each time: makemessages finds only literal calls.
    revoked = [
        ngettext("%(n)d completion", "%(n)d completions", o.completions)
        % {"n": o.completions},
        ngettext(
            "%(n)d course certificate", "%(n)d course certificates", o.certificates
        )
        % {"n": o.certificates},
        ngettext(
            "%(n)d track completion", "%(n)d track completions", o.track_completions
        )
        % {"n": o.track_completions},
        ngettext(
            "%(n)d track certificate",
            "%(n)d track certificates",
            o.track_certificates,
        )
        % {"n": o.track_certificates},
    ]
    checked = ngettext("%(n)d completion", "%(n)d completions", o.checked) % {
        "n": o.checked
    }
    return _("Re-evaluated %(checked)s: revoked %(revoked)s.") % {
        "checked": checked,
        "revoked": ", ".join(revoked),
    }


class Command(BaseCommand):
    help = (
        "Revoke (reason 'rule re-evaluated') every completion issued by the rule "
        "that does not pass and is not decided under the rule as it stands now."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="Language of the summary.",
        )

    def handle(self, *args, language: str, **options) -> None:
        outcome = completion_reevaluate()
        with translation.override(language):
            self.stdout.write(summary(outcome))
