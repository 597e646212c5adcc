"""factory_boy factories for people, institutions, catalogue pages and cohorts."""

import datetime as dt
import os

import factory
import wagtail_factories
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.catalogue.models import CataloguePage, CoursePage, TrackPage
from courses.core.models import Institution
from courses.enrollment.models import Cohort
from courses.jupyter.names import grader_user, system_user
from tests.runs import RUN, record_account

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person-{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    full_name = factory.Faker("name")
    affiliation = "Test University"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(
                user=obj, email=obj.email, verified=True, primary=True
            )


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"inst-{n}")
    name = factory.LazyAttribute(lambda o: f"기관 {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Institution {o.code}")


class CataloguePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CataloguePage

    title = "광주 AI 인재 양성"


class TrackPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = TrackPage

    title = factory.Sequence(lambda n: f"트랙 {n}")
    code = factory.Sequence(lambda n: f"track-{n}")
    slug = factory.LazyAttribute(lambda o: o.code)
    summary = "A track of the pipeline."
    audience = "Everyone who wants to learn AI."


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Course {n}")
    code = factory.Sequence(lambda n: f"course-{n}")
    slug = factory.LazyAttribute(lambda o: o.code)
    summary = "Learn machine learning by doing."
    level = CoursePage.Level.BEGINNER
    hours = 30
    format = CoursePage.Format.ONLINE
    language = CoursePage.Language.KOREAN


class CohortFactory(factory.django.DjangoModelFactory):
    """An open cohort: the window opened yesterday and closes in ten days. Its
    course id carries this run's name (tests/runs.py), and so its formgrader's
    system account, recorded before it may exist: a running instance's
    accounts or another run's are never this run's."""

    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    course = factory.SubFactory(CoursePageFactory)
    institution = factory.SubFactory(InstitutionFactory)
    code = factory.Sequence(lambda n: f"run-{n}")
    lab_course_id = factory.Sequence(lambda n: f"{RUN}-c{n}")
    starts_on = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(days=20)
    )
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=60))
    enrollment_opens_at = factory.LazyFunction(
        lambda: timezone.now() - dt.timedelta(days=1)
    )
    enrollment_closes_at = factory.LazyFunction(
        lambda: timezone.now() + dt.timedelta(days=10)
    )
    seats = 10
    mode = Cohort.Mode.OPEN

    @factory.post_generation
    def instructors(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.instructors.set(extracted)

    @factory.post_generation
    def formgrader_account(obj, create, extracted, **kwargs):
        # Only root makes system accounts (the formgrader's, on its first sync).
        if create and os.geteuid() == 0 and obj.lab_course_id.startswith(RUN):
            record_account(system_user(grader_user(obj.lab_course_id)))
