"""What completion means (issue 13; docs/completion.md, "Passing a cohort"):
every assignment with a weight counts, a standing is decided only when time
alone can no longer change it, and a rule nobody could meet is refused.

Records are made with the ORM (tests/completion/fixtures.py): no kernels.
"""

import datetime as dt
import decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from courses.catalogue.models import TrackPage
from courses.completion.models import Certificate, Completion, TrackCompletion
from courses.completion.selectors.roster import cohorts_to_sweep
from courses.completion.selectors.standing import enrollment_standing
from courses.completion.selectors.tracks import track_rule
from courses.completion.services.evaluate import completion_evaluate
from courses.completion.services.sweep import completion_sweep
from courses.core.errors import ServiceError
from courses.enrollment.cohorts import cohort_save
from courses.enrollment.models import ERROR_ENDS_BEFORE_START, Cohort
from courses.grading.models import (
    ERROR_REQUIRED_DELETE,
    Assignment,
    Extension,
    Submission,
)
from courses.grading.services.assignments import assignment_delete
from courses.lab.models import LabActivity
from tests.completion.fixtures import (
    closed,
    ended,
    enrol,
    make_assignment,
    make_submission,
    passing,
    running,
    upcoming,
)
from tests.factories import CoursePageFactory

pytestmark = pytest.mark.django_db
D = decimal.Decimal
Status = Submission.Status
REFUSE = Assignment.LatePolicy.REFUSE


def valid(enrollment) -> Completion | None:
    return Completion.objects.filter(
        enrollment=enrollment, revoked_at__isnull=True
    ).first()


def move_to_the_past(cohort: Cohort) -> Cohort:
    """The same cohort, its last day yesterday (time has passed)."""
    Cohort.objects.filter(pk=cohort.pk).update(**ended())
    cohort.refresh_from_db()
    return cohort


# The report ------------------------------------------------------------


def test_one_exercise_a_month_before_the_start_completes_nothing(
    cohort_factory, learner
):
    # "pass 60 %", no required assignment, one of two counting assignments
    # released; one 2-point exercise submitted a month before the cohort starts.
    cohort = cohort_factory(**upcoming(starts_in_days=30), pass_mark=60)
    exercise = make_assignment(cohort, "ex1", due_in_days=10)
    Assignment.objects.create(
        cohort=cohort, name="ex2", title="EX2", state=Assignment.State.READY
    )  # not released, no due date yet
    enrollment = enrol(cohort, learner)
    make_submission(exercise, learner, score=2, max_score=2)

    standing = enrollment_standing(enrollment=enrollment)
    assert standing.grade == D("100.00") and standing.counting == 2
    assert not standing.decided and not standing.started
    assert completion_evaluate(enrollment=enrollment) is None
    assert not Certificate.objects.exists()
    assert not TrackCompletion.objects.exists()

    move_to_the_past(cohort)  # it ended; the second was never done
    completion_sweep(since=timezone.now() - dt.timedelta(days=2))

    standing = enrollment_standing(enrollment=enrollment)
    assert standing.decided and standing.grade == D("50.00")
    assert not standing.passes
    assert not Completion.objects.exists() and not Certificate.objects.exists()
    assert not TrackCompletion.objects.exists()


# When a standing is decided ----------------------------------------------------


@pytest.mark.parametrize("status", ["received", "grading", "manual", "failed"])
def test_nothing_is_decided_while_a_counting_attempt_is_not_graded(
    cohort_factory, learner, status
):
    cohort = cohort_factory(**ended())
    enrollment = enrol(cohort, learner)
    make_submission(make_assignment(cohort, "ps1", weight=9), learner, score=10)
    make_submission(make_assignment(cohort, "ps2", weight=1), learner, status=status)

    standing = enrollment_standing(enrollment=enrollment)

    assert standing.passes and standing.grade == D("90.00")  # ps2 counts 0
    assert not standing.decided and [a.name for a in standing.ungraded] == ["ps2"]
    assert completion_evaluate(enrollment=enrollment) is None


def test_nothing_is_decided_before_the_cohort_starts_even_if_all_is_closed(
    cohort_factory, learner
):
    cohort = cohort_factory(**upcoming())
    enrollment = enrol(cohort, learner)
    make_submission(closed(cohort), learner, score=10)

    standing = enrollment_standing(enrollment=enrollment)

    assert standing.passes and standing.early and not standing.decided
    assert completion_evaluate(enrollment=enrollment) is None


def test_the_end_of_the_cohort_decides(cohort_factory, learner):
    cohort = cohort_factory(**ended())
    enrollment = passing(cohort, learner, score=8)  # late work accepted

    completion = completion_evaluate(enrollment=enrollment)

    assert completion.is_valid and completion.source == Completion.Source.RULE


def test_a_running_cohort_decides_early_when_every_assignment_is_closed(
    cohort_factory, learner
):
    cohort = cohort_factory(**running())
    enrollment = enrol(cohort, learner)
    make_submission(closed(cohort, "ps1"), learner, score=7)
    make_submission(closed(cohort, "ps2", weight=3), learner, score=9)
    make_assignment(cohort, "extra", weight=0, due_in_days=5)  # counts nothing

    completion = completion_evaluate(enrollment=enrollment)

    assert completion.is_valid and completion.grade == D("85.00")


def late_work_accepted(cohort, user) -> None:
    make_submission(make_assignment(cohort, "ps2"), user, score=9)


def not_due_yet(cohort, user) -> None:
    assignment = make_assignment(cohort, "ps2", due_in_days=3, late_policy=REFUSE)
    make_submission(assignment, user, score=9)


def not_released(cohort, user) -> None:
    Assignment.objects.create(
        cohort=cohort, name="ps2", title="PS2", state=Assignment.State.READY
    )


def extended(cohort, user) -> None:
    assignment = closed(cohort, "ps2")
    make_submission(assignment, user, score=9)
    Extension.objects.create(
        assignment=assignment, user=user, due_at=timezone.now() + dt.timedelta(1)
    )


@pytest.mark.parametrize(
    "second", [late_work_accepted, not_due_yet, not_released, extended]
)
def test_a_running_cohort_waits_for_its_end_while_an_assignment_is_open(
    cohort_factory, learner, second
):
    cohort = cohort_factory(**running())
    enrollment = enrol(cohort, learner)
    make_submission(closed(cohort, "ps1"), learner, score=10)
    second(cohort, learner)

    standing = enrollment_standing(enrollment=enrollment)

    assert standing.passes and not standing.decided
    assert completion_evaluate(enrollment=enrollment) is None


# What passing asks for ---------------------------------------------------------


def test_every_counting_assignment_counts_once_the_cohort_ends_released_or_not(
    cohort_factory, learner
):
    cohort = cohort_factory(**ended())
    enrollment = passing(cohort, learner, score=10)
    Assignment.objects.create(
        cohort=cohort, name="never", title="NEVER", state=Assignment.State.READY
    )

    standing = enrollment_standing(enrollment=enrollment)

    assert standing.grade == D("50.00") and not standing.passes


@pytest.mark.parametrize(("score", "passes"), [(5, False), (6, True)])
def test_a_required_minimum_applies_to_each_required_assignment(
    cohort_factory, learner, score, passes
):
    cohort = cohort_factory(**ended(), pass_mark=50, required_minimum=60)
    enrollment = enrol(cohort, learner)
    project = make_assignment(cohort, "project", required=True)
    make_submission(project, learner, score=score)

    standing = enrollment_standing(enrollment=enrollment)

    assert standing.passes is passes
    assert standing.below_minimum == ([] if passes else [project])
    assert (completion_evaluate(enrollment=enrollment) is not None) is passes


def test_lab_activity_counts_only_since_the_cohort_started(cohort_factory, learner):
    cohort = cohort_factory(**ended(), lab_required=True)
    enrollment = passing(cohort, learner, score=9)
    start = timezone.make_aware(dt.datetime.combine(cohort.starts_on, dt.time.min))
    activity = LabActivity.objects.create(
        user=learner,
        first_active_at=start - dt.timedelta(days=9),
        last_active_at=start - dt.timedelta(minutes=1),
    )
    assert enrollment_standing(enrollment=enrollment).needs_lab
    assert completion_evaluate(enrollment=enrollment) is None

    activity.last_active_at = start
    activity.save()

    assert completion_evaluate(enrollment=enrollment).is_valid


# The sweep ---------------------------------------------------------------------


def test_the_sweep_decides_a_cohort_right_after_it_ends(cohort_factory, learner):
    cohort = cohort_factory(**ended(days_ago=1))  # ended at midnight, Seoul
    enrollment = passing(cohort, learner, score=8)
    Assignment.objects.filter(cohort=cohort).update(
        due_at=timezone.now() - dt.timedelta(days=20)  # due long before
    )
    ended_long_ago = cohort_factory(**ended(days_ago=5))

    assert completion_sweep(since=timezone.now() - dt.timedelta(hours=25)) == 1
    assert valid(enrollment) is not None
    assert not ended_long_ago.completions.exists()
    assert completion_sweep(since=timezone.now()) == 0


def test_the_sweep_looks_at_cohorts_that_just_started(cohort_factory):
    today = cohort_factory(**running(started_days_ago=0))
    cohort_factory(**running(started_days_ago=3))
    now = timezone.now()

    swept = cohorts_to_sweep(since=now - dt.timedelta(hours=25), now=now)

    assert list(swept) == [today]


# Rules nobody could meet -------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("pass_mark", 101), ("pass_mark", -1), ("required_minimum", 150)],
)
def test_a_cohort_with_an_impossible_percentage_is_refused(
    cohort_factory, field, value
):
    cohort = cohort_factory(**running())
    setattr(cohort, field, D(value))

    with pytest.raises(ValidationError) as error:
        cohort_save(cohort=cohort)

    assert field in error.value.message_dict


def test_a_cohort_ending_before_it_starts_is_refused(cohort_factory):
    cohort = cohort_factory(**running())
    cohort.ends_on = cohort.starts_on - dt.timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        cohort_save(cohort=cohort)

    assert error.value.message_dict["ends_on"] == [str(ERROR_ENDS_BEFORE_START)]


def test_a_required_assignment_cannot_be_deleted_until_unmarked(
    cohort_factory, django_capture_on_commit_callbacks
):
    cohort = cohort_factory(**running())
    exam = make_assignment(cohort, "exam", required=True)

    with pytest.raises(ServiceError) as error:
        assignment_delete(assignment=exam)
    assert error.value.code == "required"
    assert error.value.message == str(ERROR_REQUIRED_DELETE)
    with pytest.raises(ValidationError):
        exam.delete()
    assert Assignment.objects.filter(pk=exam.pk).exists()

    Assignment.objects.filter(pk=exam.pk).update(required=False)
    with django_capture_on_commit_callbacks(execute=True):
        assignment_delete(assignment=exam)
    assert not Assignment.objects.filter(pk=exam.pk).exists()


# The track's rule --------------------------------------------------------------


def test_the_track_states_its_rule_in_both_languages(track, course, english_course):
    CoursePageFactory(
        parent=track, code="stats", title="통계", required_for_track=False
    )
    track.completion_policy = TrackPage.CompletionPolicy.ALL_REQUIRED
    track.save()

    with translation.override("en"):
        english = track_rule(track=track)
    with translation.override("ko"):
        korean = track_rule(track=track)

    assert english == f"Complete every required course: {english_course.title}"
    assert korean == f"필수 과정을 모두 수료하면 이수합니다: {course.title}"

    track.completion_policy = TrackPage.CompletionPolicy.ANY_N
    track.courses_needed = 2
    track.save()
    with translation.override("en"):
        assert track_rule(track=track) == "Complete any 2 of its courses"
    with translation.override("ko"):
        assert "2개를 수료하면" in track_rule(track=track)


def test_the_track_page_shows_its_rule(client, track, course, english_course):
    track.completion_policy = TrackPage.CompletionPolicy.ALL_REQUIRED
    track.save_revision().publish()
    english_track = track.get_translation(english_course.locale)  # an alias

    korean = client.get(track.url).content.decode()
    english = client.get(english_track.url).content.decode()

    assert (
        "트랙 이수 기준" in korean
        and f"모두 수료하면 이수합니다: {course.title}" in korean
    )
    assert "Completing the track" in english
    assert f"Complete every required course: {english_course.title}" in english
