"""Downloads, zips and feedback pages as the learner pages, the admin and the
exchange API send them (courses/http.py), and the reads behind them."""

import io
import zipfile
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from courses.core.http import attachment, attachment_response
from courses.grading.downloads import feedback_response
from courses.grading.models import Assignment, SubmissionFeedback, SubmissionFile
from tests.grading.test_gradebook import (
    enrol,
    make_assignment,
    make_submission,
)

pytestmark = pytest.mark.django_db


def saved_name(header: str) -> str:
    """The file name a browser saves, read back from a Content-Disposition."""
    kind, _sep, name = header.partition("; ")
    assert kind == "attachment"
    if name.startswith("filename*=utf-8''"):
        return unquote(name.removeprefix("filename*=utf-8''"))
    return name.removeprefix('filename="').removesuffix('"')


# The header ------------------------------------------------------------------------


def test_a_korean_file_name_is_saved_as_written():
    name = "데이터분석-기초-성적표.csv"
    response = attachment(HttpResponse(b"a,b"), name)

    header = response["Content-Disposition"]
    assert header.isascii()  # RFC 5987: percent-encoded UTF-8
    assert saved_name(header) == name


def test_quotes_and_line_breaks_in_a_name_cannot_end_or_add_a_header():
    name = 'notes"; filename="evil.exe\r\nSet-Cookie: session=stolen.html'
    response = attachment_response(b"x", filename=name, content_type="text/plain")

    header = response["Content-Disposition"]
    assert "\r" not in header and "\n" not in header
    assert header.count('"') == 0  # the name is encoded, never quoted as is
    assert saved_name(header) == name
    assert not response.has_header("Set-Cookie")


def test_a_plain_ascii_name_reads_exactly_as_before():
    response = attachment_response(
        b"a,b", filename="gradebook-ds101-20261204.csv", content_type="text/csv"
    )

    assert response["Content-Type"] == "text/csv"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="gradebook-ds101-20261204.csv"'
    )


def test_a_feedback_page_downloaded_keeps_its_sandbox_and_a_safe_name():
    record = SimpleNamespace(
        path='ps1 "final"\r\n.html', file=ContentFile(b"<p>3 / 6</p>")
    )
    response = feedback_response(record, download=True)

    assert response.content == b"<p>3 / 6</p>"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert saved_name(response["Content-Disposition"]) == record.path


# The learner's attempts and feedback -----------------------------------------------


@pytest.fixture
def assignment(cohort_factory, learner, other_learner):
    cohort = cohort_factory()
    enrol(cohort, learner, other_learner)
    return make_assignment(cohort, "ps1", max_attempts=3)


def store_file(submission, path: str, data: bytes, model=SubmissionFile):
    record = model(
        submission=submission, path=path, size=len(data), sha256=model.digest(data)
    )
    record.file.save(path, ContentFile(data), save=False)
    record.save()
    return record


def test_a_learner_downloads_their_attempt_as_a_zip_named_as_before(
    client_for, learner, other_learner, assignment
):
    store_file(make_submission(assignment, learner), "ps1.ipynb", b"{}")
    url = reverse("courses:submission_download", args=[assignment.pk, 1])

    response = client_for(learner).get(url)

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="ps1-attempt-1.zip"'
    assert zipfile.ZipFile(io.BytesIO(response.content)).read("ps1.ipynb") == b"{}"
    assert client_for(other_learner).get(url).status_code == 404


def test_a_learner_reads_only_their_own_feedback_and_only_once_released(
    client_for, learner, other_learner, assignment
):
    submission = make_submission(assignment, learner)
    store_file(submission, "ps1.html", b"<p>8 / 10</p>", model=SubmissionFeedback)
    url = reverse("courses:feedback", args=[assignment.pk, 1, "ps1.html"])
    client = client_for(learner)

    assert client.get(url).status_code == 404  # not released yet
    submission.feedback_released_at = timezone.now()
    submission.save(update_fields=["feedback_released_at"])
    page = client.get(url)

    assert page.content == b"<p>8 / 10</p>"
    assert page["Content-Security-Policy"].startswith("sandbox")
    assert client_for(other_learner).get(url).status_code == 404


def test_the_assignment_page_counts_the_attempts_left_and_states_the_late_rule(
    client_for, learner, assignment, english_ui
):
    make_submission(assignment, learner)
    assignment.late_policy = Assignment.LatePolicy.REFUSE
    assignment.save(update_fields=["late_policy"])

    page = client_for(learner).get(reverse("courses:assignment", args=[assignment.pk]))

    assert page.context["attempts_left"] == 2
    assert "Not accepted" in page.content.decode()


def test_no_attempts_are_left_below_zero():
    assert Assignment(max_attempts=3).attempts_left(5) == 0
    assert Assignment(max_attempts=3).attempts_left(1) == 2


def test_staff_download_an_attempt_named_for_its_learner_and_others_find_nothing(
    english_admin_client_for, instructor, cohort_factory, learner, user_factory, roles
):
    cohort = cohort_factory(instructors=[instructor])
    enrol(cohort, learner)
    submission = make_submission(make_assignment(cohort, "ps1"), learner, attempt=2)
    store_file(submission, "ps1.ipynb", b"{}")
    stranger = user_factory(username="stranger-instructor")
    stranger.groups.add(*instructor.groups.all())
    url = reverse("submission_download", args=[submission.pk])

    response = english_admin_client_for(instructor).get(url)

    name = f"ps1-{learner.username}-2.zip"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert zipfile.ZipFile(io.BytesIO(response.content)).namelist() == ["ps1.ipynb"]
    assert english_admin_client_for(stranger).get(url).status_code == 404
