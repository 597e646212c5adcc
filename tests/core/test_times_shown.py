"""Times are shown as people read them: in the reader's zone (Seoul unless they
chose another) and their language's format, never as ISO strings; machines get
ISO in ``<time datetime="…">``."""

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from courses.lab import services as lab
from courses.lab.admin_views import _shown_time

pytestmark = pytest.mark.django_db

# 15:30 UTC on 1 March is 00:30 on 2 March in Seoul.
INSTANT = dt.datetime(2026, 3, 1, 15, 30, tzinfo=dt.UTC)
SEOUL = {
    "en": "March 2, 2026, 12:30 a.m.",
    "ko": "2026년 3월 2일 오전 12:30",
}
MACHINE = 'datetime="2026-03-02T00:30:00+09:00"'


class FakeHub:
    def users(self) -> list[dict]:
        return [
            {
                "name": "learner-a",
                "servers": {"": {}},
                "last_activity": "2026-03-01T15:30:00.000000Z",
            },
            {"name": "never-used", "servers": {}, "last_activity": None},
        ]


@pytest.fixture
def admin_client(request, admin_user, client_for, english_admin_client_for):
    """The admin in ``request.param``: English by choice, Korean by default."""
    make = english_admin_client_for if request.param == "en" else client_for
    return request.param, make(admin_user)


@pytest.mark.parametrize("admin_client", ["en", "ko"], indirect=True)
def test_the_labs_page_shows_last_activity_in_seoul_time(
    monkeypatch, admin_client, learner
):
    language, client = admin_client
    monkeypatch.setattr(lab, "hub_client", FakeHub)

    page = client.get(reverse("lab_servers")).content.decode()

    assert SEOUL[language] in page and MACHINE in page
    assert "2026-03-01T15:30" not in page


def test_the_labs_page_parses_the_hubs_time_at_the_boundary(monkeypatch):
    monkeypatch.setattr(lab, "hub_client", FakeHub)

    active, never = lab.lab_servers()

    assert active.last_activity == INSTANT and never.last_activity is None


@pytest.mark.parametrize("admin_client", ["en", "ko"], indirect=True)
def test_the_audit_trail_shows_changes_in_seoul_time(admin_client, cohort_factory):
    language, client = admin_client
    cohort_factory()
    LogEntry.objects.update(timestamp=INSTANT)

    page = client.get(reverse("audit_trail")).content.decode()

    assert SEOUL[language] in page and MACHINE in page
    assert "2026-03-02 00:30:00" not in page


@pytest.mark.parametrize(("language", "no"), [("en", "no"), ("ko", "아니요")])
def test_the_audit_trail_says_booleans_as_words(language, no):
    from courses.reporting.admin_audit import _shown

    with translation.override(language):
        assert (_shown("False"), _shown(None), _shown("42")) == (no, "—", "42")


@pytest.mark.parametrize("language", ["en", "ko"])
def test_attempts_and_extensions_show_seoul_time_and_readable_lateness(language):
    attempt = SimpleNamespace(
        pk=1,
        user="Kim",
        attempt=2,
        submitted_at=INSTANT,
        is_late=True,
        late_by=dt.timedelta(days=1, hours=2, minutes=3, seconds=4),
        get_status_display="graded",
        score=None,
        penalty=0,
        final_score=None,
        feedback_released_at=INSTANT,
    )
    extension = SimpleNamespace(
        user_id=1, user="Kim", due_at=INSTANT, created_at=INSTANT, reason=""
    )

    with translation.override(language):
        html = render_to_string(
            "courses/admin/includes/counted_attempts.html", {"attempts": [attempt]}
        ) + render_to_string(
            "courses/admin/includes/extensions.html",
            {"extensions": [extension], "object": SimpleNamespace(pk=1)},
        )

    assert html.count(SEOUL[language]) == 4 and html.count(MACHINE) == 4
    late = {"en": "yes, by 1\xa0day, 2\xa0hours", "ko": "1일, 2시간"}
    assert late[language] in html and "2:03:04" not in html


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_extension_message_shows_seoul_time(language):
    with translation.override(language):
        assert _shown_time(INSTANT) == SEOUL[language]


# Templates may print an ISO instant only for machines, in <time datetime="…">.
MACHINE_ONLY = re.compile(r"""datetime=["']\{\{[^}]*$""")
ISO_IN_TEMPLATES = re.compile(r"""\|\s*date\s*:\s*["']c["']|\.isoformat""")


def template_files() -> list[Path]:
    root = Path(settings.BASE_DIR)
    folders = [
        p
        for p in root.glob("**/templates")
        if ".venv" not in p.parts and "node_modules" not in p.parts
    ]
    return [f for folder in folders for f in folder.rglob("*") if f.is_file()]


def test_no_template_prints_an_iso_timestamp_for_people():
    printed = []
    for path in template_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for found in ISO_IN_TEMPLATES.finditer(text):
            line_start = text.rfind("\n", 0, found.start()) + 1
            if not MACHINE_ONLY.search(text[line_start : found.start()]):
                line = text.count("\n", 0, found.start()) + 1
                printed.append(f"{path}:{line}")

    assert len(template_files()) > 40  # the search found the templates
    assert printed == []


@pytest.fixture
def late_attempt(cohort_factory, learner):
    from courses.grading.models import Assignment, Submission

    assignment = Assignment.objects.create(
        cohort=cohort_factory(),
        name="ps1",
        title="PS1",
        state=Assignment.State.READY,
        release_at=INSTANT - dt.timedelta(days=7),
        due_at=INSTANT,
    )
    return Submission.objects.create(
        assignment=assignment,
        user=learner,
        attempt=1,
        submitted_at=INSTANT + dt.timedelta(days=1),
        late_by=dt.timedelta(days=1),
        source=Submission.Source.LAB,
        status=Submission.Status.RECEIVED,
    )


@pytest.mark.parametrize("admin_client", ["en", "ko"], indirect=True)
def test_assignment_and_submission_pages_show_seoul_time_and_words(
    admin_client, late_attempt
):
    language, client = admin_client
    day_after = {"en": "March 3, 2026, 12:30 a.m.", "ko": "2026년 3월 3일 오전 12:30"}
    yes = {"en": "Yes", "ko": "예"}

    listing = client.get(reverse("submission:index")).content.decode()
    inspect = client.get(
        reverse("submission:inspect", args=[late_attempt.pk])
    ).content.decode()
    assignment = client.get(
        reverse("assignment:inspect", args=[late_attempt.assignment_id])
    ).content.decode()

    assert day_after[language] in listing and day_after[language] in inspect
    assert re.search(rf"<td[^>]*>\s*{yes[language]}\s*</td>", listing)
    assert "True" not in re.sub(r"<script.*?</script>", "", listing, flags=re.S)
    assert SEOUL[language] in assignment and day_after[language] in assignment
