"""The talent pipeline's funnel: how many people applied, enrolled, used the
lab, submitted work, passed and were certified, in the cohorts of a filter.
Definitions: docs/dashboard.md. Used by ``selectors.dashboard``."""

from collections.abc import Collection

from django.db.models import Count, Q, QuerySet

from courses.models import (
    Certificate,
    Cohort,
    Completion,
    Enrollment,
    LabActivity,
    Submission,
)

FUNNEL_STEPS = ("applied", "enrolled", "lab", "submitted", "passed", "certified")


def funnel_cohorts(
    *, year: int | None, track_path: str | None, institutions: Collection[int] | None
) -> QuerySet[Cohort] | None:
    """Cohorts starting in ``year``, of the track at ``track_path``, run by one of
    ``institutions``; None (no filter at all) when every cohort counts."""
    if year is None and track_path is None and institutions is None:
        return None
    cohorts = Cohort.objects.all()
    if year is not None:
        cohorts = cohorts.filter(starts_on__year=year)
    if track_path is not None:
        cohorts = cohorts.filter(course__path__startswith=track_path)
    if institutions is not None:
        cohorts = cohorts.filter(institution__in=institutions)
    return cohorts


def funnel_people(
    *,
    year: int | None = None,
    track_path: str | None = None,
    institutions: Collection[int] | None = None,
) -> dict[str, int]:
    """People at each step, each counted once however many cohorts they are in."""
    cohorts = funnel_cohorts(
        year=year, track_path=track_path, institutions=institutions
    )
    enrollments = Enrollment.objects.all()
    submissions = Submission.objects.all()
    completions = Completion.objects.filter(revoked_at__isnull=True)
    if cohorts is not None:
        enrollments = enrollments.filter(cohort__in=cohorts)
        submissions = submissions.filter(assignment__cohort__in=cohorts)
        completions = completions.filter(cohort__in=cohorts)
    seat = Q(status__in=Enrollment.SEAT_HOLDING)
    people = enrollments.aggregate(
        applied=Count("user", distinct=True),
        enrolled=Count("user", distinct=True, filter=seat),
    )
    seated = enrollments.filter(seat).values("user")
    people["lab"] = LabActivity.objects.filter(user__in=seated).count()
    # DISTINCT in a subquery: a hash of the people, not a sort of 3M rows.
    people["submitted"] = submissions.values("user").distinct().count()
    people |= _passed_and_certified(completions)
    return {step: people[step] for step in FUNNEL_STEPS}


def _passed_and_certified(completions: QuerySet[Completion]) -> dict[str, int]:
    """Passed: a valid completion; certified: passed, holding a valid certificate
    of such a completion or of one of their valid track completions."""
    of_a_track = Certificate.objects.filter(
        revoked_at__isnull=True,
        track_completion__isnull=False,
        track_completion__revoked_at__isnull=True,
    ).values("user")
    of_this = Q(certificate__isnull=False, certificate__revoked_at__isnull=True)
    return completions.aggregate(
        passed=Count("user", distinct=True),
        certified=Count("user", distinct=True, filter=of_this | Q(user__in=of_a_track)),
    )
