"""Grading in the Wagtail admin: progress, regrading, grading by hand, feedback
release, extensions and the cohort gradebook, for each role.

GRADING_ENABLED is False in the test settings: sending work back to grading
only changes its status, and nothing grades it.
"""

import csv
import datetime as dt
import decimal
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from courses.core.roles import INSTRUCTORS
from courses.grading.models import (
    Extension,
    Submission,
    SubmissionFeedback,
    SubmissionScore,
)
from courses.grading.services import feedback as feedback_services
from tests.grading.test_gradebook import (
    enrol,
    make_assignment,
    make_submission,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_ui")]
Status = Submission.Status
D = decimal.Decimal


@pytest.fixture
def client_for(english_admin_client_for):
    return english_admin_client_for


@pytest.fixture
def cohort(cohort_factory, instructor):
    return cohort_factory(instructors=[instructor])


@pytest.fixture
def assignment(cohort, learner, other_learner):
    enrol(cohort, learner, other_learner)
    return make_assignment(cohort, "ps1", due_in_days=-2)


@pytest.fixture
def graded(assignment, learner):
    """The learner's counted attempt: graded, one question waiting for a person."""
    make_submission(assignment, learner, attempt=1, status=Status.FAILED)
    submission = make_submission(
        assignment, learner, attempt=2, status=Status.MANUAL, score=D(3)
    )
    for cell, score, needs in (("test_squares", D(3), False), ("explain", None, True)):
        SubmissionScore.objects.create(
            submission=submission,
            notebook="ps1",
            cell=cell,
            cell_type="code" if score is not None else "markdown",
            score=score,
            auto_score=score,
            max_score=D(4) if score is not None else D(2),
            needs_manual_grade=needs,
            failed_tests=False,
        )
    return submission


@pytest.fixture
def outsider(user_factory, roles, cohort_factory):
    """An instructor who teaches another cohort of the same institution."""
    person = user_factory(username="elsewhere")
    person.groups.add(Group.objects.get(name=INSTRUCTORS))
    cohort_factory(instructors=[person])
    return person


class EnqueueRecorder:
    """Stands in for a task: records what would be queued."""

    def __init__(self):
        self.calls = []

    def enqueue(self, *args):
        self.calls.append(args)


@pytest.fixture
def feedback_queue(monkeypatch):
    recorder = EnqueueRecorder()
    monkeypatch.setattr(feedback_services, "make_feedback", recorder)
    return recorder


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# The assignment page ---------------------------------------------------------------


def test_assignment_page_shows_progress_counts_and_each_learners_counted_attempt(
    client_for, instructor, assignment, graded, other_learner
):
    make_submission(assignment, other_learner, status=Status.RECEIVED)

    response = client_for(instructor).get(
        reverse("assignment:inspect", args=[assignment.pk])
    )

    page = response.content.decode()
    progress = response.context["progress"]
    assert progress.counted["manual"] == 1 and progress.counted["failed"] == 0
    assert progress.everything["failed"] == 1 and progress.busy
    assert '<progress max="3" value="2"' in page
    assert reverse("assignment_progress", args=[assignment.pk]) in page
    attempts = response.context["attempts"]
    assert {(s.user, s.attempt) for s in attempts} == {
        (graded.user, 2),
        (other_learner, 1),
    }
    assert reverse("submission:inspect", args=[graded.pk]) in page
    assert "Grade all again" in page and "Release feedback to everyone" in page


def test_progress_endpoint_answers_json_for_the_bar(
    client_for, instructor, assignment, graded
):
    response = client_for(instructor).get(
        reverse("assignment_progress", args=[assignment.pk])
    )

    assert response.json() == {
        "counted": {"received": 0, "grading": 0, "graded": 0, "manual": 1, "failed": 0},
        "all": {"received": 0, "grading": 0, "graded": 0, "manual": 1, "failed": 1},
        "total": 2,
        "done": 2,
        "percent": 100,
        "busy": False,
    }


def test_grade_all_again_asks_first_then_sends_every_attempt_back(
    client_for, instructor, assignment, graded
):
    client = client_for(instructor)
    url = reverse("assignment_regrade", args=[assignment.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Grade all 2 submissions" in " ".join(confirm.content.decode().split())
    assert Submission.objects.get(pk=graded.pk).status == Status.MANUAL

    response = client.post(url, follow=True)

    statuses = set(assignment.submissions.values_list("status", flat=True))
    assert statuses == {Status.RECEIVED}
    assert "2 submissions go back to grading." in messages_of(response)


def test_release_feedback_to_everyone_queues_the_counted_graded_attempts(
    client_for,
    instructor,
    assignment,
    graded,
    other_learner,
    feedback_queue,
    django_capture_on_commit_callbacks,
):
    make_submission(assignment, other_learner, status=Status.FAILED)
    url = reverse("assignment_feedback_release", args=[assignment.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(instructor).post(url, follow=True)

    assert feedback_queue.calls == [([graded.pk],)]
    assert any("Feedback for 1 learner" in m for m in messages_of(response))


def test_extensions_are_listed_on_the_assignment_page(
    client_for, instructor, assignment, learner
):
    Extension.objects.create(
        assignment=assignment,
        user=learner,
        due_at=timezone.now() + dt.timedelta(days=3),
        reason="Hospital stay",
    )

    page = client_for(instructor).get(
        reverse("assignment:inspect", args=[assignment.pk])
    )

    assert "Hospital stay" in page.content.decode()


# The submission page ---------------------------------------------------------------


def test_submission_page_shows_question_scores_and_a_field_for_each(
    client_for, instructor, graded
):
    page = client_for(instructor).get(reverse("submission:inspect", args=[graded.pk]))

    html = page.content.decode()
    assert "test_squares" in html and "explain" in html
    assert html.count('type="number"') == 2
    assert reverse("submission_grade_by_hand", args=[graded.pk]) in html
    assert "needs grading by hand" in html


def test_a_failed_submission_shows_why(client_for, instructor, assignment, learner):
    failed = make_submission(
        assignment, learner, status=Status.FAILED, grading_error="Kernel died: OOM"
    )

    html = client_for(instructor).get(reverse("submission:inspect", args=[failed.pk]))

    assert "Kernel died: OOM" in html.content.decode()
    assert "Save the scores given by hand" not in html.content.decode()


def test_an_earlier_attempt_says_a_later_one_counts(
    client_for, instructor, assignment, graded
):
    first = assignment.submissions.get(user=graded.user, attempt=1)

    html = client_for(instructor).get(reverse("submission:inspect", args=[first.pk]))

    assert "A later attempt of this learner counts" in html.content.decode()


def test_grading_by_hand_saves_through_the_service(client_for, instructor, graded):
    explain = graded.scores.get(cell="explain")
    squares = graded.scores.get(cell="test_squares")

    client_for(instructor).post(
        reverse("submission_grade_by_hand", args=[graded.pk]),
        {f"score_{explain.pk}": "1.5", f"score_{squares.pk}": ""},
    )

    graded.refresh_from_db()
    explain.refresh_from_db()
    squares.refresh_from_db()
    assert explain.manual_score == D("1.5") and not explain.needs_manual_grade
    assert squares.manual_score is None and squares.score == 3
    assert graded.status == Status.GRADED and graded.score == D("4.5")


def test_a_score_above_the_maximum_is_refused(client_for, instructor, graded):
    explain = graded.scores.get(cell="explain")

    response = client_for(instructor).post(
        reverse("submission_grade_by_hand", args=[graded.pk]),
        {f"score_{explain.pk}": "5"},
        follow=True,
    )

    explain.refresh_from_db()
    assert explain.manual_score is None and explain.needs_manual_grade
    assert any("explain" in m and "2" in m for m in messages_of(response))


def test_grade_again_sends_one_submission_back(client_for, instructor, graded):
    response = client_for(instructor).post(
        reverse("submission_regrade", args=[graded.pk]), follow=True
    )

    graded.refresh_from_db()
    assert graded.status == Status.RECEIVED
    assert "This submission goes back to grading." in messages_of(response)
    other = graded.assignment.submissions.get(attempt=1)
    assert other.status == Status.FAILED


def test_release_feedback_to_one_learner_queues_only_theirs(
    client_for,
    instructor,
    assignment,
    graded,
    other_learner,
    feedback_queue,
    django_capture_on_commit_callbacks,
):
    make_submission(assignment, other_learner)
    first = assignment.submissions.get(user=graded.user, attempt=1)

    with django_capture_on_commit_callbacks(execute=True):
        client_for(instructor).post(
            reverse("submission_feedback_release", args=[first.pk])
        )

    # Their counted attempt (the last), never the other learner's.
    assert feedback_queue.calls == [([graded.pk],)]


def test_released_feedback_pages_open_sandboxed_from_the_submission_page(
    client_for, instructor, graded
):
    data = b"<html><body>Your score: 3 / 6</body></html>"
    record = SubmissionFeedback(
        submission=graded,
        path="ps1.html",
        size=len(data),
        sha256=SubmissionFeedback.digest(data),
    )
    record.file.save("ps1.html", ContentFile(data), save=False)
    record.save()
    client = client_for(instructor)

    html = client.get(reverse("submission:inspect", args=[graded.pk]))
    url = reverse("submission_feedback_page", args=[graded.pk, record.pk])
    page = client.get(url)

    assert url in html.content.decode()
    assert page.content == data
    assert page["Content-Security-Policy"].startswith("sandbox")


# Extensions ----------------------------------------------------------------------


def test_the_extension_form_offers_only_the_cohorts_learners(
    client_for, instructor, assignment, learner, user_factory, cohort_factory
):
    stranger = user_factory(username="stranger")
    enrol(cohort_factory(), stranger)

    form = client_for(instructor).get(
        reverse("assignment_extension_grant", args=[assignment.pk])
    )

    choices = list(form.context["form"].fields["learner"].queryset)
    assert learner in choices and stranger not in choices


def test_granting_an_extension_reprices_the_learners_late_attempt(
    client_for, instructor, assignment, learner
):
    late = make_submission(
        assignment, learner, penalty=D(10), late_by=dt.timedelta(hours=5)
    )
    Submission.objects.filter(pk=late.pk).update(
        submitted_at=assignment.due_at + dt.timedelta(hours=5)
    )
    due = timezone.localtime() + dt.timedelta(days=2)

    response = client_for(instructor).post(
        reverse("assignment_extension_grant", args=[assignment.pk]),
        {
            "learner": learner.pk,
            "due_at": due.strftime("%Y-%m-%d %H:%M"),
            "reason": "Illness",
        },
        follow=True,
    )

    extension = Extension.objects.get(assignment=assignment, user=learner)
    late.refresh_from_db()
    assert extension.reason == "Illness" and extension.granted_by == instructor
    assert late.penalty == 0 and not late.is_late
    assert any("may now submit until" in m for m in messages_of(response))


def test_an_extension_before_the_due_date_is_refused_on_the_field(
    client_for, instructor, assignment, learner
):
    early = timezone.localtime(assignment.due_at) - dt.timedelta(days=1)

    response = client_for(instructor).post(
        reverse("assignment_extension_grant", args=[assignment.pk]),
        {"learner": learner.pk, "due_at": early.strftime("%Y-%m-%d %H:%M")},
    )

    assert response.status_code == 200
    [error] = response.context["form"].errors["due_at"]
    assert "after the assignment's due date" in error
    assert not Extension.objects.exists()


# The gradebook ---------------------------------------------------------------------


@pytest.fixture
def gradebook_cohort(cohort, assignment, learner, other_learner):
    ps2 = make_assignment(cohort, "ps2", due_in_days=-1, weight=3)
    make_submission(assignment, learner, score=D(8))
    make_submission(
        ps2, learner, score=D(5), penalty=D(20), late_by=dt.timedelta(hours=2)
    )
    return cohort


def test_gradebook_page_csv_and_xlsx_hold_the_same_table(
    client_for, staff_member, gradebook_cohort, learner, other_learner
):
    client = client_for(staff_member)

    page = client.get(reverse("cohort_gradebook", args=[gradebook_cohort.pk]))
    csv_response = client.get(
        reverse("cohort_gradebook_csv", args=[gradebook_cohort.pk])
    )
    xlsx_response = client.get(
        reverse("cohort_gradebook_xlsx", args=[gradebook_cohort.pk])
    )

    headers, table = page.context["headers"], page.context["table"]
    shown = [[str(v) for v in row] for row in table]
    assert csv_response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows == [headers, *shown]
    by_email = {row[1]: row for row in rows[1:]}
    mine = by_email[learner.email]
    assert mine[2:7] == ["8.00", "10.00", "no", "0.00", "Graded"]
    assert mine[7:12] == ["4.00", "10.00", "yes", "20.00", "Graded"]
    assert mine[-1] == "50.00"  # (1 × 0.8 + 3 × 0.4) / 4
    theirs = by_email[other_learner.email]
    assert theirs[6] == "Missing (counts 0)" and theirs[-1] == "0.00"
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_response.content)).active
    cells = list(sheet.values)
    assert list(cells[0]) == headers
    book = {row[1]: row for row in cells[1:]}
    assert book[learner.email][2] == 8 and book[learner.email][-1] == 50


def test_gradebook_headers_are_korean_in_the_korean_admin(
    client, staff_member, gradebook_cohort
):
    client.force_login(staff_member)  # no language chosen: the admin's Korean

    response = client.get(reverse("cohort_gradebook_csv", args=[gradebook_cohort.pk]))

    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert "이름" in header and "ps1" in header and "가중 총점" in header


def test_text_that_looks_like_a_formula_stays_text(
    client_for, staff_member, gradebook_cohort, learner
):
    learner.full_name = '=HYPERLINK("http://evil.example","x")'
    learner.save()
    client = client_for(staff_member)

    text = client.get(
        reverse("cohort_gradebook_csv", args=[gradebook_cohort.pk])
    ).content.decode("utf-8-sig")
    book = client.get(reverse("cohort_gradebook_xlsx", args=[gradebook_cohort.pk]))

    assert "'=HYPERLINK" in text
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2)]
    named = next(c for c in names if "HYPERLINK" in str(c.value))
    assert named.data_type == "s"


def test_the_cohort_edit_page_links_to_the_gradebook(
    client_for, instructor, gradebook_cohort
):
    page = client_for(instructor).get(
        reverse("cohort:edit", args=[gradebook_cohort.pk])
    )

    assert reverse("cohort_gradebook", args=[gradebook_cohort.pk]) in (
        page.content.decode()
    )


# Who may do what -------------------------------------------------------------------


def _views(assignment, submission, feedback_id):
    a, s, c = assignment.pk, submission.pk, assignment.cohort_id
    return [
        ("get", reverse("assignment:inspect", args=[a])),
        ("get", reverse("assignment_progress", args=[a])),
        ("get", reverse("assignment_regrade", args=[a])),
        ("post", reverse("assignment_regrade", args=[a])),
        ("post", reverse("assignment_feedback_release", args=[a])),
        ("get", reverse("assignment_extension_grant", args=[a])),
        ("post", reverse("assignment_extension_grant", args=[a])),
        ("get", reverse("submission:inspect", args=[s])),
        ("post", reverse("submission_regrade", args=[s])),
        ("post", reverse("submission_feedback_release", args=[s])),
        ("post", reverse("submission_grade_by_hand", args=[s])),
        ("get", reverse("submission_feedback_page", args=[s, feedback_id])),
        ("get", reverse("cohort_gradebook", args=[c])),
        ("get", reverse("cohort_gradebook_csv", args=[c])),
        ("get", reverse("cohort_gradebook_xlsx", args=[c])),
    ]


@pytest.fixture
def every_view(graded):
    record = SubmissionFeedback(submission=graded, path="ps1.html", size=1, sha256="")
    record.file.save("ps1.html", ContentFile(b"x"), save=False)
    record.save()
    return _views(graded.assignment, graded, record.pk)


def test_instructors_of_other_cohorts_find_nothing_and_change_nothing(
    client_for, outsider, every_view, graded
):
    client = client_for(outsider)

    for method, url in every_view:
        assert getattr(client, method)(url).status_code == 404, url

    graded.refresh_from_db()
    assert graded.status == Status.MANUAL and not Extension.objects.exists()


def test_staff_of_another_institution_find_nothing(
    client_for, staff_member, every_view, graded, institution
):
    institution.staff.remove(staff_member)
    client = client_for(staff_member)

    for method, url in every_view:
        assert getattr(client, method)(url).status_code == 404, url


def test_learners_are_kept_out_of_the_admin(client_for, learner, every_view, graded):
    client = client_for(learner)

    for method, url in every_view:
        response = getattr(client, method)(url)
        assert response.status_code == 403, url  # lms.accounts.admin_door

    graded.refresh_from_db()
    assert graded.status == Status.MANUAL


@pytest.mark.parametrize("who", ["instructor", "staff_member", "admin_user"])
def test_the_cohorts_instructor_staff_and_administrators_may_open_every_page(
    client_for, every_view, who, request
):
    client = client_for(request.getfixturevalue(who))

    for method, url in every_view:
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_actions_are_post_only(client_for, instructor, every_view):
    client = client_for(instructor)

    for method, url in every_view:
        if method == "post" and "regrade" not in url and "extensions" not in url:
            assert client.get(url).status_code == 405, url


def test_the_formgrader_button_is_for_the_cohorts_instructors(
    client_for, instructor, staff_member, gradebook_cohort
):
    url = reverse("cohort_formgrader", args=[gradebook_cohort.pk])
    page = reverse("cohort_gradebook", args=[gradebook_cohort.pk])

    assert url in client_for(instructor).get(page).content.decode()
    assert url not in client_for(staff_member).get(page).content.decode()


def test_staff_who_do_not_teach_the_cohort_are_told_who_grades_there(
    client_for, staff_member, gradebook_cohort
):
    response = client_for(staff_member).get(
        reverse("cohort_formgrader", args=[gradebook_cohort.pk]), follow=True
    )

    assert response.redirect_chain[-1][0] == reverse(
        "cohort_gradebook", args=[gradebook_cohort.pk]
    )
    assert messages_of(response) == [
        "Only the cohort's instructors grade in its formgrader."
    ]


def test_the_formgrader_of_another_cohort_does_not_exist(
    client_for, outsider, gradebook_cohort
):
    url = reverse("cohort_formgrader", args=[gradebook_cohort.pk])
    assert client_for(outsider).get(url).status_code == 404


def test_without_a_lab_the_formgrader_says_so(
    client_for, instructor, gradebook_cohort, settings
):
    settings.HUB_URL = settings.HUB_API_URL = ""
    response = client_for(instructor).get(
        reverse("cohort_formgrader", args=[gradebook_cohort.pk]), follow=True
    )

    assert messages_of(response) == ["No lab is configured (HUB_URL is empty)."]


def _listing_text(response) -> str:
    """The submissions listing's rows as text (the last table of the page:
    the keyboard shortcuts dialog has tables of its own)."""
    body = response.content.decode().rsplit("<tbody", 1)[1].split("</tbody>")[0]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


@pytest.fixture
def listed(assignment, learner, other_learner):
    """Two attempts a Korean morning (Seoul) after the UTC evening: one late."""
    evening = dt.datetime(2026, 3, 2, 15, 30, tzinfo=dt.UTC)
    make_submission(assignment, learner, late_by=dt.timedelta(hours=3))
    make_submission(assignment, other_learner)
    Submission.objects.update(submitted_at=evening)
    return assignment


def test_the_submissions_listing_says_yes_or_no_in_korean_and_seoul_time(
    client, instructor, listed, learner, other_learner
):
    client.force_login(instructor)  # no language chosen: the admin's Korean

    response = client.get(reverse("submission:index"))

    text = _listing_text(response)
    assert "True" not in text and "False" not in text
    assert " 예 " in text and " 아니요 " in text
    assert "2026년 3월 3일 오전 12:30" in text


def test_the_submissions_listing_says_yes_or_no_in_english(
    client_for, instructor, listed
):
    response = client_for(instructor).get(reverse("submission:index"))

    text = _listing_text(response)
    assert "True" not in text and "False" not in text
    assert " Yes " in text and " No " in text
    assert "March 3, 2026" in text


def test_the_submission_page_says_how_late_in_words(
    client_for, instructor, listed, learner
):
    late = Submission.objects.get(user=learner)

    response = client_for(instructor).get(reverse("submission:inspect", args=[late.pk]))

    assert "yes, by 3\xa0hours" in response.content.decode()
