"""Assignments: sources in, a checked release out, released when due.

Writing the sources is quick and happens in the request; nbgrader's
generate_assignment runs in the task worker (``assignment_check``) and its
outcome is the assignment's state: ready, or a list of problems naming the
notebook, the cell and the reason.
"""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.core.errors import ServiceError
from courses.enrollment.signals import standing_change
from courses.grading.models import ERROR_REQUIRED_DELETE, Assignment, AssignmentFile
from courses.grading.selectors.assignments import source_files
from courses.jupyter import ReleaseRefused, release_build

Kind = AssignmentFile.Kind
ERROR_NOT_READY = "not_ready"
ERROR_DUE_PASSED = "due_passed"
ERROR_REQUIRED = "required"
# Lazy: a module constant is made once, at import, in no one's language.
ERROR_NAME_FIXED = gettext_lazy(
    "Learners already have this assignment: its id cannot change."
)


def _store(assignment: Assignment, kind: str, path: str, data: bytes) -> AssignmentFile:
    record = AssignmentFile(
        assignment=assignment,
        kind=kind,
        path=path,
        size=len(data),
        sha256=AssignmentFile.digest(data),
    )
    record.file.save(path.rsplit("/", 1)[-1], ContentFile(data), save=False)
    record.save()
    return record


def _drop(assignment: Assignment, kinds) -> None:
    doomed = list(assignment.files.filter(kind__in=kinds))
    names = [record.file.name for record in doomed]
    assignment.files.filter(pk__in=[r.pk for r in doomed]).delete()
    storage = AssignmentFile._meta.get_field("file").storage
    # Files go only once the rows are gone for good.
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def _name_fixed(assignment: Assignment) -> bool:
    saved = Assignment.objects.filter(pk=assignment.pk).values("name", "release_at")
    row = saved.first()
    return bool(
        row
        and row["name"] != assignment.name
        and (row["release_at"] or assignment.submissions.exists())
    )


@transaction.atomic
def assignment_save(
    *, assignment: Assignment, sources: dict[str, bytes] | None = None
) -> Assignment:
    """Create or update an assignment; new sources are checked in the background."""
    editing = assignment.pk is not None
    if editing and _name_fixed(assignment):
        raise ValidationError({"name": ERROR_NAME_FIXED})
    if sources is not None or not assignment.pk:
        assignment.state, assignment.problems = Assignment.State.CHECKING, []
    assignment.full_clean()
    assignment.save()
    if sources is not None:
        _drop(assignment, [Kind.SOURCE, Kind.RELEASE, Kind.PREVIEW])
        for path, data in sorted(sources.items()):
            _store(assignment, Kind.SOURCE, path, data)

        transaction.on_commit(lambda: check_assignment.enqueue(assignment.pk))
    # Its weight, due date or "required" may change who passes the cohort.
    standing_change(cohort_id=assignment.cohort_id)
    return assignment


def assignment_check(*, assignment_id: int) -> Assignment | None:
    """Run nbgrader on the sources; keep the release and previews, or the problems."""
    assignment = (
        Assignment.objects.select_related("cohort").filter(pk=assignment_id).first()
    )
    if assignment is None:
        return None
    sources = source_files(assignment=assignment)
    fingerprint = sorted(
        assignment.files.filter(kind=Kind.SOURCE).values_list("sha256", flat=True)
    )
    try:
        release = release_build(
            course_id=assignment.cohort.lab_course_id,
            assignment=assignment.name,
            sources=sources,
        )
    except ReleaseRefused as refused:
        release = None
        problems = [
            {"template": p.template, "params": p.params} for p in refused.problems
        ]
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update(of=("self",)).get(
            pk=assignment_id
        )
        current = sorted(
            assignment.files.filter(kind=Kind.SOURCE).values_list("sha256", flat=True)
        )
        if current != fingerprint:
            return assignment  # new sources came in meanwhile: their check decides
        _drop(assignment, [Kind.RELEASE, Kind.PREVIEW])
        if release is None:
            assignment.state, assignment.problems = Assignment.State.INVALID, problems
        else:
            for path, data in release.files.items():
                _store(assignment, Kind.RELEASE, path, data)
            for path, html in release.previews.items():
                _store(assignment, Kind.PREVIEW, f"{path}.html", html.encode())
            assignment.state, assignment.problems = Assignment.State.READY, []
        assignment.save(update_fields=["state", "problems", "updated_at"])
    return assignment


@transaction.atomic
def assignment_release(*, assignment: Assignment, at=None) -> Assignment:
    """Release now (or at ``at``): learners see it in their lab from then on."""
    assignment = Assignment.objects.select_for_update(of=("self",)).get(
        pk=assignment.pk
    )
    if assignment.state != Assignment.State.READY:
        raise ServiceError(
            _("Only an assignment without problems can be released."),
            code=ERROR_NOT_READY,
        )
    assignment.release_at = at or timezone.now()
    if assignment.due_at and assignment.due_at <= assignment.release_at:
        # Released after its due date, every submission would be late.
        raise ServiceError(
            _("Its due date has passed: move the due date later, then release it."),
            code=ERROR_DUE_PASSED,
        )
    assignment.full_clean()
    assignment.save(update_fields=["release_at", "updated_at"])
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: Assignment) -> None:
    """Delete an assignment, refusing one marked required: the cohort's rule
    would ask for work that no longer exists."""
    assignment = Assignment.objects.select_for_update(of=("self",)).get(
        pk=assignment.pk
    )
    if assignment.required:
        raise ServiceError(str(ERROR_REQUIRED_DELETE), code=ERROR_REQUIRED)
    cohort_id = assignment.cohort_id
    assignment.delete()
    # The cohort's grade loses a counting assignment.
    standing_change(cohort_id=cohort_id)


@task()
def check_assignment(assignment_id: int) -> str:

    assignment = assignment_check(assignment_id=assignment_id)
    return assignment.state if assignment else "gone"
