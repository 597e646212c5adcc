"""Completion rules, track completion and certificates
(courses/services/completion.py, courses/selectors/completion.py).

Submissions are made with the ORM (tests/completion/fixtures.py): no kernels.
"""

import datetime as dt
import decimal
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from courses.catalogue.models import TrackPage
from courses.completion.models import Certificate, Completion, TrackCompletion
from courses.completion.selectors.standing import cohort_standings, enrollment_standing
from courses.completion.selectors.tracks import track_standing
from courses.completion.services.evaluate import (
    attendance_mark,
    completion_cohort_evaluate,
    completion_evaluate,
    completion_issue,
    completion_revoke,
)
from courses.completion.services.sweep import completion_sweep
from courses.core.errors import ServiceError
from courses.enrollment.cohorts import cohort_save
from courses.enrollment.models import Enrollment, EnrollmentEvent
from courses.grading.models import Assignment
from courses.grading.selectors.assignments import assignments_released_to
from courses.grading.selectors.gradebook import cohort_gradebook
from courses.grading.services.assignments import assignment_save
from courses.grading.services.hand_grading import extension_grant, manual_grade_save
from courses.jupyter.names import learner_group
from courses.lab.selectors import lab_groups_for
from tests.completion.fixtures import (
    closed,
    ended,
    enrol,
    make_assignment,
    make_submission,
    passing,
    running,
)
from tests.factories import CoursePageFactory, InstitutionFactory, TrackPageFactory

pytestmark = pytest.mark.django_db
D = decimal.Decimal
Status = Enrollment.Status


def valid(enrollment) -> Completion | None:
    return Completion.objects.filter(
        enrollment=enrollment, revoked_at__isnull=True
    ).first()


def refreshed(enrollment) -> Enrollment:
    enrollment.refresh_from_db()
    return enrollment


# The cohort's rule -----------------------------------------------------------------


def test_a_learner_at_the_pass_mark_passes_with_a_certificate_and_completed_status(
    cohort_factory, learner, english_course
):
    cohort = cohort_factory(**ended())
    enrollment = passing(cohort, learner, score=6)  # 60 % = the default pass mark

    completion = completion_evaluate(enrollment=enrollment)

    assert completion.is_valid and completion.source == Completion.Source.RULE
    assert completion.grade == D("60.00") and completion.user == learner
    assert refreshed(enrollment).status == Status.COMPLETED
    event = EnrollmentEvent.objects.filter(enrollment=enrollment).last()
    assert (event.from_status, event.to_status) == (Status.ENROLLED, Status.COMPLETED)
    certificate = completion.certificate
    assert certificate.name == learner.full_name and certificate.revoked_at is None
    assert certificate.title_ko == cohort.course.title
    assert certificate.title_en == english_course.title


def test_a_learner_below_the_pass_mark_does_not_pass(cohort_factory, learner):
    cohort = cohort_factory(**ended())
    enrollment = passing(cohort, learner, score=5)

    assert completion_evaluate(enrollment=enrollment) is None
    assert refreshed(enrollment).status == Status.ENROLLED
    assert not Certificate.objects.exists()


def test_weights_count_and_a_missing_attempt_past_due_counts_zero(
    cohort_factory, learner
):
    cohort = cohort_factory()
    enrollment = enrol(cohort, learner)
    make_submission(make_assignment(cohort, "ps1", weight=1), learner, score=10)
    make_assignment(cohort, "ps2", weight=3)  # past due, never submitted

    standing = enrollment_standing(enrollment=enrollment)

    assert standing.grade == D("25.00") and not standing.passes
    assert (standing.done, standing.released) == (1, 2)


@pytest.mark.parametrize("status", ["failed", "manual", "received"])
def test_an_ungraded_attempt_past_due_counts_zero(cohort_factory, learner, status):
    cohort = cohort_factory()
    enrollment = enrol(cohort, learner)
    make_submission(make_assignment(cohort, "ps1"), learner, score=10)
    make_submission(make_assignment(cohort, "ps2"), learner, status=status)

    standing = enrollment_standing(enrollment=enrollment)

    assert standing.grade == D("50.00") and not standing.passes
    assert not standing.decided  # the attempt may still be graded
    # The gradebook leaves it out of its total; the rule does not.
    row = cohort_gradebook(cohort=cohort).rows[0]
    assert row.total == D("100.00")


def test_a_required_assignment_without_a_graded_attempt_blocks_passing(
    cohort_factory, learner
):
    cohort = cohort_factory(**ended())
    enrollment = enrol(cohort, learner)
    make_submission(make_assignment(cohort, "ps1", weight=9), learner, score=10)
    project = make_assignment(cohort, "project", weight=1, required=True)

    standing = enrollment_standing(enrollment=enrollment)
    assert standing.grade == D("90.00") and standing.missing_required == [project]
    assert completion_evaluate(enrollment=enrollment) is None

    make_submission(project, learner, score=1)
    assert completion_evaluate(enrollment=enrollment).is_valid


def test_nobody_passes_by_the_rule_while_work_is_still_open(cohort_factory, learner):
    cohort = cohort_factory(**running())
    enrollment = passing(cohort, learner, score=9)
    make_assignment(cohort, "ps2", due_in_days=3)  # not due yet, not submitted

    standing = enrollment_standing(enrollment=enrollment)

    assert standing.passes and not standing.settled and standing.open == 1
    assert completion_evaluate(enrollment=enrollment) is None


def test_a_cohort_without_counting_assignments_is_decided_by_attendance_alone(
    cohort_factory, learner, other_learner
):
    # Issue 13: with no assignment that has a weight the grade cannot decide;
    # the roster warns, and attendance (or lab activity) decides at the end.
    camp = cohort_factory(**ended(), attendance_required=True)
    present, absent = enrol(camp, learner), enrol(camp, other_learner)
    attendance_mark(cohort=camp, attended=[present.pk])

    assert valid(present) is not None and valid(absent) is None
    assert valid(present).grade is None
    upcoming = cohort_factory(attendance_required=True)
    early = enrol(upcoming, learner)
    attendance_mark(cohort=upcoming, attended=[early.pk])
    assert valid(early) is None  # not before the end


def test_attendance_is_required_where_the_cohort_asks_for_it(
    cohort_factory, learner, other_learner
):
    cohort = cohort_factory(**ended(), attendance_required=True)
    present = passing(cohort, learner)
    absent = passing(cohort, other_learner)
    assert completion_cohort_evaluate(cohort=cohort).issued == 0

    outcome = attendance_mark(cohort=cohort, attended=[present.pk])

    assert outcome.issued == 1 and valid(present) and not valid(absent)
    assert refreshed(present).attended and not refreshed(absent).attended

    outcome = attendance_mark(cohort=cohort, attended=[])
    assert outcome.revoked == 1 and not valid(present)


def test_applicants_and_withdrawn_people_never_pass(cohort_factory, learner):
    cohort = cohort_factory(pass_mark=0)
    enrollment = enrol(cohort, learner, status=Status.WITHDRAWN)

    assert completion_cohort_evaluate(cohort=cohort).issued == 0
    assert completion_evaluate(enrollment=enrollment) is None


# Revocation --------------------------------------------------------------------


def test_a_grade_edited_down_revokes_the_rules_completion_and_its_certificate(
    cohort_factory, learner, django_capture_on_commit_callbacks
):
    cohort = cohort_factory(**ended())
    enrollment = enrol(cohort, learner)
    submission = make_submission(make_assignment(cohort), learner, score=8)
    completion = completion_evaluate(enrollment=enrollment)

    with django_capture_on_commit_callbacks(execute=True):
        manual_grade_save(submission=submission, scores={("nb", "q1"): D(3)})

    completion.refresh_from_db()
    assert completion.revoked_at is not None and completion.revoked_by is None
    assert completion.certificate.revoked_at is not None
    assert refreshed(enrollment).status == Status.ENROLLED

    with django_capture_on_commit_callbacks(execute=True):
        manual_grade_save(submission=submission, scores={("nb", "q1"): D(9)})

    again = valid(enrollment)
    assert again.pk == completion.pk and again.grade == D("90.00")
    certificate = Certificate.objects.get(completion=again)
    assert certificate.revoked_at is None
    assert certificate.code == completion.certificate.code


def test_a_grade_recorded_by_hand_passes_the_learner(
    cohort_factory, learner, django_capture_on_commit_callbacks
):
    cohort = cohort_factory(**ended())
    enrollment = enrol(cohort, learner)
    submission = make_submission(make_assignment(cohort), learner, status="manual")

    with django_capture_on_commit_callbacks(execute=True):
        manual_grade_save(submission=submission, scores={("nb", "q1"): D(7)})

    assert valid(enrollment).grade == D("70.00")


def test_staff_issue_a_completion_with_a_reason_and_the_rule_keeps_it(
    cohort_factory, learner, instructor
):
    cohort = cohort_factory()
    enrollment = passing(cohort, learner, score=2)

    with pytest.raises(ServiceError) as error:
        completion_issue(enrollment=enrollment, by=instructor, reason="  ")
    assert error.value.code == "reason_required"

    completion = completion_issue(
        enrollment=enrollment, by=instructor, reason="Sick during the exam"
    )
    assert completion.source == Completion.Source.STAFF
    assert completion.issued_by == instructor and completion.grade == D("20.00")
    assert completion_evaluate(enrollment=enrollment).is_valid
    with pytest.raises(ServiceError) as error:
        completion_issue(enrollment=enrollment, by=instructor, reason="again")
    assert error.value.code == "already_passed"


def test_staff_revoke_with_a_reason_keeps_the_record_and_the_rule_does_not_reissue(
    cohort_factory, learner, instructor
):
    cohort = cohort_factory(**ended())
    enrollment = passing(cohort, learner, score=9)
    completion = completion_evaluate(enrollment=enrollment)

    completion_revoke(completion=completion, by=instructor, reason="Plagiarism")

    completion.refresh_from_db()
    assert completion.revoked_by == instructor
    assert completion.revoked_reason == "Plagiarism"
    assert Completion.objects.filter(pk=completion.pk).exists()
    assert completion_evaluate(enrollment=enrollment).revoked_at is not None
    assert refreshed(enrollment).status == Status.ENROLLED
    with pytest.raises(ServiceError):
        completion_revoke(completion=completion, by=instructor, reason="twice")
    # Staff may give it back.
    completion_issue(enrollment=enrollment, by=instructor, reason="Appeal upheld")
    assert valid(enrollment).source == Completion.Source.STAFF


def test_staff_cannot_pass_someone_without_a_seat(cohort_factory, learner, instructor):
    enrollment = enrol(cohort_factory(), learner, status=Status.APPLIED)

    with pytest.raises(ServiceError) as error:
        completion_issue(enrollment=enrollment, by=instructor, reason="why not")
    assert error.value.code == "no_seat"


# Other triggers --------------------------------------------------------------------


def test_raising_the_pass_mark_revokes_and_lowering_it_issues(
    cohort_factory, learner, django_capture_on_commit_callbacks
):
    cohort = cohort_factory(**ended())
    enrollment = passing(cohort, learner, score=7)
    completion_evaluate(enrollment=enrollment)

    cohort.pass_mark = D(80)
    with django_capture_on_commit_callbacks(execute=True):
        cohort_save(cohort=cohort)
    assert valid(enrollment) is None

    cohort.pass_mark = D(70)
    with django_capture_on_commit_callbacks(execute=True):
        cohort_save(cohort=cohort)
    assert valid(enrollment) is not None


def test_an_extension_is_evaluated_at_once(
    cohort_factory, learner, django_capture_on_commit_callbacks
):
    cohort = cohort_factory(**running())
    enrollment = passing(cohort, learner, score=10)
    late = make_assignment(cohort, "ps2", due_in_days=-2)  # missing: 50 %
    assert completion_evaluate(enrollment=enrollment) is None

    # Not due for them any more: it is open again, so still no pass ...
    with django_capture_on_commit_callbacks(execute=True):
        extension_grant(
            assignment=late, user=learner, due_at=timezone.now() + dt.timedelta(1)
        )
    standing = enrollment_standing(enrollment=enrollment)
    assert standing.grade == D("100.00") and standing.open == 1
    assert valid(enrollment) is None


def test_the_sweep_evaluates_cohorts_whose_due_date_just_passed(
    cohort_factory, learner
):
    cohort = cohort_factory(**running())
    enrollment = enrol(cohort, learner)
    make_submission(closed(cohort), learner, score=9)  # due yesterday
    quiet = cohort_factory()

    assert completion_sweep(since=timezone.now() - dt.timedelta(days=2)) == 1
    assert valid(enrollment) is not None
    assert quiet.completions.count() == 0
    assert completion_sweep(since=timezone.now()) == 0


def test_cohort_standings_list_every_seat_holder_with_what_is_left(
    cohort_factory, learner, other_learner
):
    cohort = cohort_factory(attendance_required=True)
    make_assignment(cohort, "ps1", required=True)
    enrol(cohort, learner)
    enrol(cohort, other_learner, status=Status.WAITLISTED)

    (standing,) = cohort_standings(cohort=cohort)

    assert standing.enrollment.user == learner
    assert [a.name for a in standing.missing_required] == ["ps1"]
    assert standing.needs_attendance and standing.grade == D("0.00")


# Tracks ----------------------------------------------------------------------------


@pytest.fixture
def courses(track, course):
    """The three courses of ``track``: two required for it, one optional."""
    return [
        course,
        CoursePageFactory(parent=track, code="c-two"),
        CoursePageFactory(parent=track, code="c-three", required_for_track=False),
    ]


def pass_course(cohort_factory, course, user, **fields) -> Completion:
    cohort = cohort_factory(course=course, **ended(), **fields)
    return completion_evaluate(enrollment=passing(cohort, user))


def set_policy(track, policy, needed=1) -> TrackPage:
    track.completion_policy, track.courses_needed = policy, needed
    track.save()
    return track


def test_every_required_course_completes_an_all_required_track(
    cohort_factory, courses, track, learner
):
    set_policy(track, TrackPage.CompletionPolicy.ALL_REQUIRED)
    elsewhere = InstitutionFactory(code="elsewhere")
    first = pass_course(cohort_factory, courses[0], learner)
    pass_course(cohort_factory, courses[2], learner)  # optional: does not count
    assert not TrackCompletion.objects.exists()
    assert track_standing(user=learner, track=track).passed == 1

    last = pass_course(cohort_factory, courses[1], learner, institution=elsewhere)

    record = TrackCompletion.objects.get(user=learner, track=track)
    assert record.revoked_at is None and record.completed_at == last.passed_at
    assert record.institution == elsewhere and first.passed_at < last.passed_at
    assert record.certificate.title_ko == track.title
    assert record.certificate.revoked_at is None


def test_an_all_required_track_without_required_courses_is_never_completed(
    cohort_factory, track, course, learner
):
    set_policy(track, TrackPage.CompletionPolicy.ALL_REQUIRED)
    course.required_for_track = False
    course.save()
    optional = CoursePageFactory(parent=track, required_for_track=False)

    pass_course(cohort_factory, optional, learner)

    assert not TrackCompletion.objects.exists()


def test_n_distinct_courses_complete_an_any_n_track(
    cohort_factory, courses, track, learner, user_factory
):
    set_policy(track, TrackPage.CompletionPolicy.ANY_N, needed=2)
    pass_course(cohort_factory, courses[2], learner)
    pass_course(cohort_factory, courses[2], learner)  # the same course again
    assert not TrackCompletion.objects.exists()

    second = pass_course(cohort_factory, courses[0], learner)

    record = TrackCompletion.objects.get(user=learner, track=track)
    assert record.completed_at == second.passed_at


def test_revoking_a_course_revokes_the_track_and_passing_again_restores_it(
    cohort_factory, track, course, learner, instructor
):
    completion = pass_course(cohort_factory, course, learner)
    record = TrackCompletion.objects.get(user=learner, track=track)
    code = record.certificate.code

    completion_revoke(completion=completion, by=instructor, reason="Cheating")
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert record.certificate.revoked_at is not None

    completion_issue(enrollment=completion.enrollment, by=instructor, reason="Appeal")
    record.refresh_from_db()
    assert record.revoked_at is None
    assert record.certificate.revoked_at is None and record.certificate.code == code


def test_a_person_in_two_tracks_counts_once_in_the_total_and_once_per_track(
    cohort_factory, catalogue, track, course, learner, other_learner
):
    camp = TrackPageFactory(parent=catalogue, code="camp")
    camp_course = CoursePageFactory(parent=camp, code="camp-day")
    pass_course(cohort_factory, course, learner)
    pass_course(cohort_factory, camp_course, learner)
    pass_course(cohort_factory, camp_course, other_learner)

    talents = TrackCompletion.objects.filter(revoked_at__isnull=True)
    assert talents.values("user").distinct().count() == 2
    assert talents.filter(track=track).count() == 1
    assert talents.filter(track=camp).count() == 2
    assert talents.filter(user=learner).count() == 2


def test_the_sweep_command_looks_back_a_day_by_default(cohort_factory, learner):
    # Due yesterday, and the cohort's last day was yesterday.
    enrollment = passing(cohort_factory(**ended()), learner, score=9)
    out = io.StringIO()

    call_command("completion_sweep", stdout=out)

    assert valid(enrollment) is not None
    assert "1 cohorts evaluated" in out.getvalue()


def test_a_required_assignment_added_later_revokes_the_rules_completions(
    cohort_factory, learner, django_capture_on_commit_callbacks
):
    cohort = cohort_factory(**ended())
    enrollment = passing(cohort, learner, score=9)
    completion_evaluate(enrollment=enrollment)
    exam = Assignment(cohort=cohort, name="exam", title="Exam", required=True)

    with django_capture_on_commit_callbacks(execute=True):
        assignment_save(assignment=exam)

    assert valid(enrollment) is None


def test_a_certificate_never_shows_the_email_of_someone_without_a_name(
    cohort_factory, user_factory
):
    nameless = user_factory(username="jiwoo", full_name="")

    cohort = cohort_factory(**ended())
    completion = completion_evaluate(enrollment=passing(cohort, nameless))

    assert completion.certificate.name == "jiwoo"


def test_passing_early_keeps_the_lab_and_the_assignments(cohort_factory, learner):
    cohort = cohort_factory(**running())
    enrollment = enrol(cohort, learner)
    make_submission(closed(cohort), learner, score=9)
    completion = completion_evaluate(enrollment=enrollment)
    assert completion.enrollment.status == Status.COMPLETED

    assert learner_group(cohort.lab_course_id) in lab_groups_for(learner)
    listed = assignments_released_to(user=learner)
    assert [a.name for a in listed] == ["ps1"]
