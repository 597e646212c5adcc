"""Reads of assignments and submissions, each limited to what the person may see."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from courses.enrollment.models import Enrollment
from courses.grading.models import (
    Assignment,
    AssignmentFile,
    Extension,
    Submission,
    SubmissionFeedback,
)


def _read_all(records) -> dict[str, bytes]:
    files = {}
    for record in records:
        with record.file.open("rb") as handle:
            files[record.path] = handle.read()
    return files


def release_files(*, assignment: Assignment) -> dict[str, bytes]:
    """The student version's files, by relative path."""
    return _read_all(assignment.files.filter(kind=AssignmentFile.Kind.RELEASE))


def source_files(*, assignment: Assignment) -> dict[str, bytes]:
    """The instructor's nbgrader sources, by relative path."""
    return _read_all(assignment.files.filter(kind=AssignmentFile.Kind.SOURCE))


def submission_files(*, submission: Submission) -> dict[str, bytes]:
    return _read_all(submission.files.all())


def assignments_released_to(*, user, course_id: str = "") -> QuerySet[Assignment]:
    """Released assignments of the cohorts where ``user`` is enrolled (or has
    passed already: the lab keeps working for them)."""
    cohorts = Enrollment.objects.filter(
        user=user, status__in=(Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED)
    ).values("cohort")
    queryset = Assignment.objects.filter(
        cohort__in=cohorts,
        state=Assignment.State.READY,
        release_at__lte=timezone.now(),
    )
    if course_id:
        queryset = queryset.filter(cohort__lab_course_id=course_id)
    return (
        queryset.select_related("cohort")
        .annotate(attempts_used=Count("submissions", filter=Q(submissions__user=user)))
        .order_by("-release_at", "name")
    )


def assignment_released_to(*, user, course_id: str, name: str) -> Assignment | None:
    return (
        assignments_released_to(user=user, course_id=course_id)
        .filter(name=name)
        .first()
    )


def submissions_of(*, user, assignment: Assignment) -> list[Submission]:
    return list(
        Submission.objects.filter(user=user, assignment=assignment)
        .select_related("assignment__cohort")
        .prefetch_related("files", "feedback", "scores")
        .order_by("attempt")
    )


def attempt_of(
    *, user, assignment: Assignment | None, attempt: int
) -> Submission | None:
    """One of ``user``'s own attempts at an assignment they may see."""
    if assignment is None:
        return None
    return (
        Submission.objects.filter(assignment=assignment, user=user, attempt=attempt)
        .select_related("assignment")
        .first()
    )


def feedback_page(
    *, submissions: QuerySet[Submission], path: str = "", pk: int | None = None
) -> SubmissionFeedback | None:
    """A feedback page of one of ``submissions``, by its file name or its id."""
    pages = SubmissionFeedback.objects.filter(submission__in=submissions)
    return pages.filter(**({"path": path} if pk is None else {"pk": pk})).first()


def released_feedback_page(
    *, user, assignment: Assignment | None, attempt: int, path: str
) -> SubmissionFeedback | None:
    """A feedback page of one of ``user``'s own attempts, once it is released."""
    released = Submission.objects.filter(
        assignment=assignment,
        user=user,
        attempt=attempt,
        feedback_released_at__isnull=False,
    )
    return feedback_page(submissions=released, path=path)


def release_notebooks(*, assignment: Assignment) -> list[str]:
    """The notebook ids (file names without .ipynb) of the release."""
    paths = assignment.files.filter(
        kind=AssignmentFile.Kind.RELEASE, path__endswith=".ipynb"
    ).values_list("path", flat=True)
    return sorted(path.removesuffix(".ipynb") for path in paths)


def _seat_cohorts(user):
    return Enrollment.objects.filter(
        user=user, status__in=Enrollment.SEAT_HOLDING
    ).values("cohort")


def assignment_for_learner(*, user, pk: int) -> Assignment | None:
    """A released assignment of a cohort where ``user`` holds (or held) a seat."""
    return (
        Assignment.objects.filter(
            pk=pk,
            cohort__in=_seat_cohorts(user),
            state=Assignment.State.READY,
            release_at__lte=timezone.now(),
        )
        .select_related("cohort", "cohort__course")
        .first()
    )


def assignments_by_cohort(*, user) -> dict[int, list[Assignment]]:
    """Released assignments of ``user``'s cohorts, by cohort id, due first."""
    assignments = (
        Assignment.objects.filter(
            cohort__in=_seat_cohorts(user),
            state=Assignment.State.READY,
            release_at__lte=timezone.now(),
        )
        .annotate(attempts_used=Count("submissions", filter=Q(submissions__user=user)))
        .order_by("due_at", "name")
    )
    grouped: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        grouped.setdefault(assignment.cohort_id, []).append(assignment)
    return grouped


def due_for(*, assignment: Assignment, user):
    """The learner's due date: their extension's, or the assignment's."""
    extension = Extension.objects.filter(assignment=assignment, user=user).first()
    return extension.due_at if extension else assignment.due_at
