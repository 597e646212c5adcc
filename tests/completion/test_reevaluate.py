"""``manage.py completion_reevaluate`` (courses/services/completion.py,
``completion_reevaluate``): completions the old rule issued that do not pass
and are not decided now are revoked with the reason "rule re-evaluated",
certificates and track completions with them; nothing is deleted; twice, or
twice at once, revokes each exactly once.
"""

import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from courses.completion.models import Certificate, Completion, TrackCompletion
from courses.completion.services.evaluate import completion_evaluate, completion_issue
from courses.completion.services.reevaluate import completion_reevaluate
from courses.demo.seed import demo_seed
from tests.completion.fixtures import ended, make_assignment, make_submission, passing

ENGINE = settings.DATABASES["default"]["ENGINE"]
Source = Completion.Source
REEVALUATED = "rule re-evaluated"


def old_rule_pass(enrollment) -> Completion:
    """A completion as the rule before issue 13 issued it (valid, by the rule,
    with its certificates and track completion), whatever the rule says now."""
    completion = completion_issue(enrollment=enrollment, by=None, reason="old")
    Completion.objects.filter(pk=completion.pk).update(source=Source.RULE, reason="")
    return completion


def early_exercise(cohort, user):
    """The issue's learner: one exercise, before the cohort even started."""
    enrollment = passing(cohort, user, score=2)
    if not cohort.assignments.filter(name="ex2").exists():
        make_assignment(cohort, "ex2", due_in_days=20)
    return enrollment


def run(*args) -> str:
    out = io.StringIO()
    call_command("completion_reevaluate", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_re_evaluation_revokes_what_the_rule_no_longer_gives_and_says_how_many(
    cohort_factory, learner, other_learner, user_factory, instructor
):
    upcoming = cohort_factory()  # starts in 20 days
    wrong = old_rule_pass(early_exercise(upcoming, learner))
    right = completion_evaluate(
        enrollment=passing(cohort_factory(**ended()), other_learner, score=9)
    )
    by_staff = completion_issue(
        enrollment=passing(upcoming, user_factory(), score=1),
        by=instructor,
        reason="Make-up exam",
    )

    said = run("--language", "en")

    assert said == (
        "Re-evaluated 2 completions: revoked 1 completion, 1 course certificate, "
        "1 track completion, 1 track certificate."
    )
    wrong.refresh_from_db()
    assert wrong.revoked_at is not None and wrong.revoked_reason == REEVALUATED
    assert wrong.revoked_by is None
    assert Certificate.objects.get(completion=wrong).revoked_reason == REEVALUATED
    track = TrackCompletion.objects.get(user=learner)
    assert track.revoked_at is not None and track.revoked_reason == REEVALUATED
    assert Certificate.objects.get(track_completion=track).revoked_at is not None
    for kept in (right, by_staff):
        kept.refresh_from_db()
        assert kept.is_valid and kept.certificate.revoked_at is None
    assert Completion.objects.count() == 3  # nothing deleted


@pytest.mark.django_db
def test_a_second_run_revokes_nothing_and_speaks_korean_by_default(
    cohort_factory, learner
):
    old_rule_pass(early_exercise(cohort_factory(), learner))
    run()

    said = run()

    assert said == (
        "이수 0건을 다시 평가하고 이수 0건, 과정 수료증 0건, 트랙 이수 0건, "
        "트랙 이수증 0건을 취소했습니다."
    )
    assert completion_reevaluate().completions == 0


@pytest.mark.django_db
def test_a_completion_whose_attempt_went_back_to_grading_is_not_decided(
    cohort_factory, learner
):
    cohort = cohort_factory(**ended())
    enrollment = passing(cohort, learner, score=9)
    completion = completion_evaluate(enrollment=enrollment)
    regrade = make_submission(cohort.assignments.get(), learner, attempt=2)
    regrade.status = "grading"
    regrade.save()

    outcome = completion_reevaluate()

    assert (outcome.checked, outcome.completions) == (1, 1)
    completion.refresh_from_db()
    assert completion.revoked_reason == REEVALUATED


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in ENGINE, reason="needs PostgreSQL: DATABASE_URL=postgres://…"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_once_revoke_each_completion_exactly_once(
    cohort_factory, user_factory
):
    for _ in range(3):
        cohort = cohort_factory()
        for _ in range(3):
            old_rule_pass(early_exercise(cohort, user_factory()))
    barrier = threading.Barrier(2)

    def reevaluate(_n):
        barrier.wait()
        try:
            return completion_reevaluate()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(reevaluate, range(2))

    assert first.completions + second.completions == 9
    assert first.certificates + second.certificates == 9
    assert first.track_completions + second.track_completions == 9
    assert first.track_certificates + second.track_certificates == 9
    assert not Completion.objects.filter(revoked_at__isnull=True).exists()
    assert not Certificate.objects.filter(revoked_at__isnull=True).exists()
    assert set(Completion.objects.values_list("revoked_reason", flat=True)) == {
        REEVALUATED
    }
    assert completion_reevaluate().completions == 0


@pytest.mark.django_db
def test_the_demo_holds_only_completions_the_rule_keeps(settings, tmp_path, roles):
    settings.DATA_DIR = tmp_path  # the demo people's passwords go there
    demo_seed()
    completions = Completion.objects.filter(revoked_at__isnull=True)
    assert completions.filter(source=Source.RULE).count() == completions.count() > 0
    assert TrackCompletion.objects.filter(revoked_at__isnull=True).exists()

    outcome = completion_reevaluate()

    assert outcome.checked == completions.count()
    assert (
        outcome.completions,
        outcome.certificates,
        outcome.track_completions,
        outcome.track_certificates,
    ) == (0, 0, 0, 0)
