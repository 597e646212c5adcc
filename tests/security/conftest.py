"""Fixtures of the access matrix: one world of two institutions, nine kinds of user.

- ``world``: module-scoped. Built once inside a transaction that is rolled back
  when the module ends; each test runs in a savepoint inside it (pytest-django's
  ``db``), so what a request changes is undone before the next cell. Holds:
  institutions ``a`` and ``b``; cohorts ``a1`` (taught by ``instructor``), ``a2``
  (institution A, approval, nobody teaches it), ``b1`` (taught by
  ``other_instructor``) and ``b2``; course pages ``course_a`` and ``course_b``,
  each in its institution's ``catalogue_pages`` (the subtrees its people write);
  per institution an assignment with a preview file, a submission with a file and
  a released feedback page, an invitation, an applicant's pending enrolment and
  a completion with its certificate (objects named ``<kind>_a`` / ``<kind>_b``);
  ``reporting_key``, a live reporting API key; ``users``, role → person.
- ``client_as``: ``client_as(role)`` is a test client signed in as that role
  (anonymous: signed out), reusing one session per role made with the world.
- ``hub_tokens``: lab tokens per role (``world.hub_token[role]``), accepted by the
  exchange API without a hub: the token → person lookup is replaced.
"""

from dataclasses import dataclass, field

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page, Site

from courses.completion.services.evaluate import completion_issue
from courses.core.roles import INSTRUCTORS, PROGRAMME_STAFF, roles_ensure
from courses.enrollment.models import Enrollment, Invitation
from courses.grading.models import AssignmentFile, SubmissionFeedback, SubmissionFile
from courses.reporting.models import TalentProgramme, TalentTarget
from courses.reporting.tokens import api_token_create
from tests.completion.fixtures import enrol, make_assignment, make_submission
from tests.factories import (
    CataloguePageFactory,
    CohortFactory,
    CoursePageFactory,
    InstitutionFactory,
    TrackPageFactory,
    UserFactory,
)

from .matrix import NAMES, ROLES


@dataclass
class World:
    """Everything the matrix requests, by name (see the module docstring)."""

    users: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)
    hub_token: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)
    reporting_key: str = ""

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def _people(world: World) -> None:
    """One person per role but anonymous; all verified except ``unverified``."""
    groups = roles_ensure()
    for role in ROLES[1:]:
        world.users[role] = UserFactory(
            username=role.replace("_", "-"),
            email=f"{role.replace('_', '-')}@example.org",
            full_name=NAMES[role],
            is_superuser=role == "superuser",
            is_staff=role == "superuser",
        )
    EmailAddress.objects.filter(user=world.users["unverified"]).update(verified=False)
    for role, group in (
        ("instructor", INSTRUCTORS),
        ("other_instructor", INSTRUCTORS),
        ("staff", PROGRAMME_STAFF),
        ("other_staff", PROGRAMME_STAFF),
    ):
        world.users[role].groups.add(groups[group])


def _catalogue(world: World) -> None:
    """The site's catalogue: one track, a course page per institution."""
    root = Page.get_first_root_node()
    catalogue = CataloguePageFactory(parent=root, slug="catalogue")
    site = Site.objects.get(is_default_site=True)
    site.root_page = catalogue
    site.save()
    Page.objects.filter(depth=2).exclude(pk=catalogue.pk).delete()
    track = TrackPageFactory(parent=catalogue, code="vocational", slug="vocational")
    world.objects.update(
        catalogue=catalogue,
        track=track,
        course_a=CoursePageFactory(parent=track, code="ml-a", slug="ml-a"),
        course_b=CoursePageFactory(parent=track, code="ml-b", slug="ml-b"),
    )


def _cohorts(world: World) -> None:
    """Institutions A and B, each writing its own course page; their cohorts."""
    o, u = world.objects, world.users
    o["a"] = InstitutionFactory(code="inst-a")
    o["b"] = InstitutionFactory(code="inst-b")
    o["a"].catalogue_pages.add(o["course_a"])
    o["b"].catalogue_pages.add(o["course_b"])
    for side, taught in (("a", "instructor"), ("b", "other_instructor")):
        course, institution = o[f"course_{side}"], o[side]
        o[f"{side}1"] = CohortFactory(
            course=course, institution=institution, code=f"{side}1", seats=50
        )
        o[f"{side}1"].instructors.set([u[taught]])
        o[f"{side}2"] = CohortFactory(
            course=course, institution=institution, code=f"{side}2", mode="approval"
        )
    # Added last: joining an institution's staff makes its editors group (its
    # staff and the instructors of its cohorts) with rights on its pages only.
    o["a"].staff.add(u["staff"])
    o["b"].staff.add(u["other_staff"])


def _records(world: World, side: str, cohort, applicant_cohort, person) -> None:
    """One institution's learner records: enrolment to certificate."""
    o = world.objects
    o[f"enrollment_{side}"] = enrol(cohort, person)
    applicant = UserFactory(
        username=f"applicant-{side}", full_name=NAMES[f"applicant_{side}"]
    )
    o[f"applicant_{side}"] = enrol(
        applicant_cohort, applicant, status=Enrollment.Status.APPLIED
    )
    o[f"other_assignment_{side}"] = make_assignment(applicant_cohort, f"ex-{side}")
    # Due next week: "release now" must stay possible (before the due date).
    o[f"assignment_{side}"] = assignment = make_assignment(
        cohort, f"ps-{side}", due_in_days=7
    )
    o[f"preview_{side}"] = AssignmentFile.objects.create(
        assignment=assignment,
        kind=AssignmentFile.Kind.PREVIEW,
        path="ps.html",
        file=ContentFile(b"<p>preview</p>", name="ps.html"),
        sha256="0" * 64,
        size=2,
    )
    o[f"submission_{side}"] = submission = make_submission(assignment, person)
    SubmissionFile.objects.create(
        submission=submission,
        path="ps.ipynb",
        file=ContentFile(b"{}", name="ps.ipynb"),
        sha256="0" * 64,
        size=2,
    )
    o[f"feedback_{side}"] = SubmissionFeedback.objects.create(
        submission=submission,
        path="ps.html",
        file=ContentFile(b"<p>feedback</p>", name="ps.html"),
        sha256="0" * 64,
        size=2,
    )
    submission.feedback_released_at = timezone.now()
    submission.save(update_fields=["feedback_released_at"])
    # A's invitation is addressed to the unverified person: only its addressee
    # may accept it, so the cell that matters is whether an unverified one may.
    email = "unverified@example.org" if side == "a" else "invited-b@example.org"
    o[f"invitation_{side}"] = Invitation.objects.create(
        cohort=cohort, email=email, token=f"token-{side}"
    )
    o[f"completion_{side}"] = completion = completion_issue(
        enrollment=o[f"enrollment_{side}"], by=None, reason="Matrix world."
    )
    o[f"certificate_{side}"] = completion.certificate


def _city(world: World) -> None:
    """The talent target, and one admin log entry per institution's cohort."""
    o = world.objects
    o["programme"] = TalentProgramme.objects.create(
        name="Gwangju", total_target=5150, start_year=2020, end_year=2030
    )
    o["target"] = TalentTarget.objects.create(
        programme=o["programme"], track=o["track"], year=2026, target=500
    )
    for cohort in (o["a1"], o["b1"]):
        log(instance=cohort, action="wagtail.edit", user=world.users["superuser"])


def world_build() -> World:
    """Make the whole world (see the module docstring)."""
    world = World()
    _people(world)
    _catalogue(world)
    _cohorts(world)
    _records(world, "a", world.a1, world.a2, world.users["learner"])
    _records(world, "b", world.b1, world.b2, world.users["other_learner"])
    world.reporting_key = api_token_create(name="matrix")[1]
    _city(world)
    for role, person in world.users.items():
        client = Client()
        client.force_login(person)
        world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        world.hub_token[role] = f"hub-token-{role}"
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = world_build()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def client_as(world, db):
    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
        return client

    return make


@pytest.fixture
def hub_tokens(world, monkeypatch):
    """The exchange API trusts ``world.hub_token`` without asking a hub."""
    people = {world.hub_token[role]: person for role, person in world.users.items()}
    monkeypatch.setattr(
        "courses.grading.api.lab_identity", lambda *, token: people.get(token)
    )
    return world.hub_token
