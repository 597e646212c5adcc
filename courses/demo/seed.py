"""Demo data for the embedded default: the five tracks, courses, cohorts, people.

Idempotent: the catalogue is built once; people are ensured on every run and their
passwords (random, generated once) are kept in DATA_DIR/demo-credentials.json (0600).
"""

import datetime as dt
import json
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from courses.catalogue.models import CataloguePage, CoursePage, ProgressPage, TrackPage
from courses.core.models import Institution
from courses.core.roles import INSTRUCTORS, PROGRAMME_STAFF, institution_editors_sync
from courses.demo import data as demo_data
from courses.demo.cohorts import _cohorts
from courses.demo.courses import COURSES
from courses.reporting.models import TalentProgramme, TalentTarget
from lms.secrets import read_or_create_secret

PEOPLE = [
    # email, name, role
    ("admin@example.org", "관리자 Admin", "admin"),
    ("instructor@example.org", "김강사 Kim Instructor", "instructor"),
    ("staff@example.org", "박담당 Park Staff", "staff"),
    ("learner1@example.org", "이학습 Lee Learner", "learner"),
    ("learner2@example.org", "최대기 Choi Waitlist", "learner"),
    ("learner3@example.org", "정지원 Jung Applicant", "learner"),
]


def demo_seed(*, today: dt.date | None = None) -> list[dict]:
    """Build the demo catalogue (once) and return the demo people's credentials."""
    people = _people()
    with transaction.atomic():
        if not CataloguePage.objects.exists():
            _catalogue(people, today or timezone.localdate())
        _institution_pages()
    return [
        {"email": email, "password": people[email][1], "role": role}
        for email, _name, role in PEOPLE
    ]


def _credentials() -> dict[str, str]:
    path = settings.DATA_DIR / "demo-credentials.json"
    generated = {email: secrets.token_urlsafe(9) for email, *_ in PEOPLE}
    return json.loads(read_or_create_secret(path, value=json.dumps(generated)))


@transaction.atomic
def _people() -> dict:
    passwords = _credentials()
    User = get_user_model()
    people = {}
    for index, (email, name, role) in enumerate(PEOPLE, start=1):
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(
                email=email, username=email.split("@")[0].replace("learner", "learner-")
            )
            user.username = {"admin": "demo-admin"}.get(role, user.username)
        user.full_name, user.affiliation = name, "Demo"
        user.is_superuser = user.is_staff = role == "admin"
        user.set_password(passwords[email])
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if role == "instructor":
            user.groups.add(Group.objects.get(name=INSTRUCTORS))
        if role == "staff":
            user.groups.add(Group.objects.get(name=PROGRAMME_STAFF))
        people[email] = (user, passwords[email], index)
    return people


def _institution_pages() -> None:
    """Give each demo institution that has no pages yet its own, in every language."""
    # Also on catalogues seeded before institutions owned pages; an institution
    # with pages keeps what an administrator or the migration gave it.
    default = Locale.get_default()
    for institution in Institution.objects.filter(
        code__in=demo_data.CATALOGUE_PAGES, catalogue_pages__isnull=True
    ):
        codes = demo_data.CATALOGUE_PAGES[institution.code]
        for model in (TrackPage, CoursePage):
            for page in model.objects.filter(code__in=codes, locale=default):
                institution.catalogue_pages.add(page, *page.get_translations())
        institution_editors_sync(institution=institution)


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    return page


def _catalogue(people: dict, today: dt.date) -> None:
    default = Locale.get_default()
    english, _ = Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node()
    catalogue = root.add_child(
        instance=CataloguePage(
            locale=default, slug="catalogue", **demo_data.CATALOGUE["ko"]
        )
    )
    _publish(catalogue)
    site = Site.objects.filter(is_default_site=True).first() or Site(
        is_default_site=True
    )
    welcome = site.root_page if site.pk else None
    site.hostname, site.port, site.site_name = "localhost", 80, "Talent Pipeline LMS"
    site.root_page = catalogue
    site.save()
    if welcome and not isinstance(welcome.specific, CataloguePage):
        welcome.delete()
    _translate(catalogue, english, demo_data.CATALOGUE["en"])

    institutions = {
        code: Institution.objects.get_or_create(
            code=code, defaults={"name": ko, "name_en": en}
        )[0]
        for code, ko, en in demo_data.INSTITUTIONS
    }
    staff = people["staff@example.org"][0]
    for code in ("jnu", "chosun"):
        institutions[code].staff.add(staff)

    programme = TalentProgramme.objects.create(**demo_data.PROGRAMME)
    for spec in demo_data.TRACKS:
        track = catalogue.add_child(
            instance=TrackPage(
                code=spec["code"],
                slug=spec["code"],
                body=[("paragraph", f"<p>{spec['ko']['body']}</p>")],
                **{k: v for k, v in spec["ko"].items() if k != "body"},
            )
        )
        _publish(track)
        english_fields = {k: v for k, v in spec["en"].items() if k != "body"}
        english_fields["body"] = [("paragraph", f"<p>{spec['en']['body']}</p>")]
        _translate(track, english, english_fields)
        _targets(programme, track, spec["target"])
        for course_spec in COURSES[spec["code"]]:
            course = _course(track, english, course_spec)
            _cohorts(
                course,
                institutions[course_spec["institution"]],
                course_spec,
                people,
                today,
            )
    progress = catalogue.add_child(instance=ProgressPage(**demo_data.PROGRESS["ko"]))
    _translate(_publish(progress), english, demo_data.PROGRESS["en"])


def _translate(page: Page, locale: Locale, fields: dict) -> Page:
    translation = page.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save()
    return _publish(translation)


def _targets(programme: TalentProgramme, track: TrackPage, total: int) -> None:
    years = range(programme.start_year, programme.end_year + 1)
    share, rest = divmod(total, len(years))
    for index, year in enumerate(years):
        TalentTarget.objects.create(
            programme=programme, track=track, year=year, target=share + (index < rest)
        )


def _course(track: TrackPage, english: Locale, spec: dict) -> CoursePage:
    def syllabus(lang: int):
        return [
            (
                "module",
                {
                    "title": module[lang],
                    "hours": module[2],
                    "topics": f"<p>{module[lang]}</p>",
                },
            )
            for module in spec["modules"]
        ]

    facts = {k: spec[k] for k in ("code", "level", "hours", "format", "language")}
    title, summary = spec["ko"]
    course = track.add_child(
        instance=CoursePage(
            title=title,
            summary=summary,
            slug=spec["code"],
            syllabus=syllabus(0),
            **facts,
        )
    )
    _publish(course)
    title, summary = spec["en"]
    _translate(
        course, english, {"title": title, "summary": summary, "syllabus": syllabus(1)}
    )
    return course
