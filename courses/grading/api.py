"""nbgrader's exchange, served to labs: list, fetch, submit, own submissions.

Each endpoint authenticates the lab's hub token (``HubToken``), then calls one
selector or service; every refusal is a ServiceError mapped to a 4xx in
``courses.api``. The contract: docs/exchange-api.md.
"""

from django.http import Http404, HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import APIKeyHeader

from courses.core.archives import archive_read
from courses.core.errors import ServiceError
from courses.core.http import limit_upload, zip_response
from courses.grading.downloads import feedback_response, submission_zip_response
from courses.grading.models import Submission
from courses.grading.selectors.assignments import (
    assignment_released_to,
    assignments_released_to,
    attempt_of,
    release_files,
    release_notebooks,
    released_feedback_page,
    submissions_of,
)
from courses.grading.services.submissions import ERROR_NOT_FOUND, submission_create
from courses.lab.services import lab_identity
from lms.middleware import person_time_zone
from lms.ratelimit import rate_limit


class HubToken(APIKeyHeader):
    """``Authorization: token <the lab's JUPYTERHUB_API_TOKEN>``."""

    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None):
        scheme, _sep, token = (key or "").partition(" ")
        if scheme.lower() != "token":
            return None
        person = lab_identity(token=token.strip())
        if person is not None:
            # Labs send no Accept-Language: answer in the person's own language.
            translation.activate(person.language)
            if zone := person_time_zone(person):
                timezone.activate(zone)  # TimeZoneMiddleware resets it after
        return person


router = Router(auth=HubToken(), tags=["exchange"])
# Counted before the token is checked, so guessing tokens is limited too.
router.add_decorator(rate_limit("exchange"), mode="view")
API_PREFIX = "/api/exchange"


class SubmissionOut(Schema):
    attempt: int
    timestamp: str
    submitted_at: str
    late: bool
    late_by_seconds: int
    status: str
    notebooks: list[str]
    feedback: dict[str, dict[str, str]]
    warnings: list[str]


class AssignmentOut(Schema):
    course_id: str
    assignment_id: str
    title: str
    released_at: str
    due_at: str | None
    late_policy: str
    max_attempts: int
    attempts_left: int
    notebooks: list[str]
    submissions: list[SubmissionOut]


class AssignmentList(Schema):
    assignments: list[AssignmentOut]


def _submission_out(submission: Submission, paths=None) -> dict:
    if paths is None:
        paths = [f.path for f in submission.files.all()]
    return {
        "attempt": submission.attempt,
        "timestamp": submission.nbgrader_timestamp,
        "submitted_at": submission.submitted_at.isoformat(),
        "late": submission.is_late,
        "late_by_seconds": int(submission.late_by.total_seconds()),
        "status": submission.status,
        "notebooks": sorted(
            path.removesuffix(".ipynb") for path in paths if path.endswith(".ipynb")
        ),
        "feedback": _feedback_out(submission),
        "warnings": submission.warnings,
    }


def _feedback_out(submission: Submission) -> dict[str, dict[str, str]]:
    if submission.feedback_released_at is None:
        return {}
    base = (
        f"{API_PREFIX}/courses/{submission.assignment.cohort.lab_course_id}"
        f"/assignments/{submission.assignment.name}/feedback/{submission.attempt}"
    )
    return {
        page.path.removesuffix(".html"): {
            "sha256": page.sha256,
            "url": f"{base}/{page.path}",
        }
        for page in submission.feedback.all()
    }


def _assignment_out(assignment, user) -> dict:
    submissions = submissions_of(user=user, assignment=assignment)
    return {
        "course_id": assignment.cohort.lab_course_id,
        "assignment_id": assignment.name,
        "title": assignment.title,
        "released_at": assignment.release_at.isoformat(),
        "due_at": assignment.due_at.isoformat() if assignment.due_at else None,
        "late_policy": assignment.late_policy,
        "max_attempts": assignment.max_attempts,
        "attempts_left": assignment.attempts_left(len(submissions)),
        "notebooks": release_notebooks(assignment=assignment),
        "submissions": [_submission_out(s) for s in submissions],
    }


def _released(request: HttpRequest, course_id: str, assignment_id: str):
    assignment = assignment_released_to(
        user=request.auth, course_id=course_id, name=assignment_id
    )
    if assignment is None:
        raise ServiceError(
            _("No released assignment %(a)s in course %(c)s for you.")
            % {"a": assignment_id, "c": course_id},
            code=ERROR_NOT_FOUND,
        )
    return assignment


@router.get("/assignments", response=AssignmentList, summary="Released assignments")
def assignment_list(request: HttpRequest, course_id: str = ""):
    assignments = assignments_released_to(user=request.auth, course_id=course_id)
    return {"assignments": [_assignment_out(a, request.auth) for a in assignments]}


@router.get(
    "/courses/{course_id}/assignments/{assignment_id}/release",
    summary="Download the student version (zip)",
)
def assignment_release(request: HttpRequest, course_id: str, assignment_id: str):
    assignment = _released(request, course_id, assignment_id)
    files = release_files(assignment=assignment)
    return zip_response(files, filename=f"{assignment.name}.zip")


@router.post(
    "/courses/{course_id}/assignments/{assignment_id}/submissions",
    response={200: SubmissionOut, 201: SubmissionOut},
    summary="Submit an attempt (multipart field 'archive': a zip)",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "archive": {"type": "string", "format": "binary"}
                        },
                        "required": ["archive"],
                    }
                }
            }
        }
    },
)
def submission_post(request: HttpRequest, course_id: str, assignment_id: str):
    # Refuse an oversized body before reading it, and stop reading at the limit.
    limit_upload(request)
    assignment = _released(request, course_id, assignment_id)
    upload = request.FILES.get("archive")
    if upload is None:
        raise ServiceError(
            _("Send the assignment as a zip in the field 'archive'."),
            code="bad_archive",
        )
    files = archive_read(upload)
    outcome = submission_create(
        user=request.auth,
        assignment=assignment,
        files=files,
        source=Submission.Source.LAB,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    paths = list(files) if outcome.created else None  # a replay reads its own
    return Status(
        201 if outcome.created else 200, _submission_out(outcome.submission, paths)
    )


@router.get(
    "/courses/{course_id}/assignments/{assignment_id}/submissions/{attempt}",
    summary="Download one of your attempts (zip)",
)
def submission_download(
    request: HttpRequest, course_id: str, assignment_id: str, attempt: int
):
    submission = attempt_of(
        user=request.auth,
        assignment=_released(request, course_id, assignment_id),
        attempt=attempt,
    )
    if submission is None:
        raise Http404
    return submission_zip_response(submission)


@router.get(
    "/courses/{course_id}/assignments/{assignment_id}/feedback/{attempt}/{page}",
    summary="Download a released feedback page (HTML) of one of your attempts",
)
def feedback_download(
    request: HttpRequest, course_id: str, assignment_id: str, attempt: int, page: str
):
    record = released_feedback_page(
        user=request.auth,
        assignment=_released(request, course_id, assignment_id),
        attempt=attempt,
        path=page,
    )
    if record is None:
        raise Http404
    return feedback_response(record)
