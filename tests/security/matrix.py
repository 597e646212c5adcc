"""The access matrix's vocabulary: expected answers, rows, role policies.

An expectation (``Expect``) checks one response for one role and says how it
differs (``problem``) and whether that difference let the person in (``leaked``).
The table itself is in ``test_access_matrix.py``; the world in ``conftest.py``.
"""

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from courses.enrollment.models import Enrollment
from tests.factories import PASSWORD

# Full names no other name contains, so a page naming one is unambiguous.
NAMES = {
    "unverified": "Uma Unverified",
    "learner": "Ana Alpha",
    "other_learner": "Ben Beta",
    "instructor": "Ivan Ias",
    "other_instructor": "Olga Obi",
    "staff": "Sam Sta",
    "other_staff": "Tom Tsb",
    "superuser": "Zed Zulu",
    "applicant_a": "Ada Appa",
    "applicant_b": "Bob Appb",
}
ROLES = (
    "anonymous",
    "unverified",
    "learner",
    "other_learner",
    "instructor",
    "other_instructor",
    "staff",
    "other_staff",
    "superuser",
)
ADMIN = ("instructor", "other_instructor", "staff", "other_staff", "superuser")
NOT_ADMIN = ("anonymous", "unverified", "learner", "other_learner")
SIGNED_IN = ROLES[1:]
# Cohorts each person manages: staff those of their institution, instructors
# those they teach, the superuser all; nobody else any.
MANAGES = {
    "instructor": ("a1",),
    "other_instructor": ("b1",),
    "staff": ("a1", "a2"),
    "other_staff": ("b1", "b2"),
    "superuser": ("a1", "a2", "b1", "b2"),
}


# Expectations ----------------------------------------------------------------------


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def location(response) -> str:
    return response.get("Location", "").split("?")[0]


@dataclass(frozen=True)
class Expect:
    """An answer: ``problem()`` says how a response differs, None if it matches."""

    label: str
    allows: bool  # does this answer let the person in?

    def problem(self, response, world, role) -> str | None:
        raise NotImplementedError

    def leaked(self, response, problem: str) -> bool:
        """Whether a mismatch let the person in where the policy says no."""
        return not self.allows and lets_in(response)

    def __repr__(self):
        return self.label


@dataclass(frozen=True, repr=False)
class Status(Expect):
    code: int = 200

    def problem(self, response, world, role):
        if response.status_code != self.code:
            return f"expected {self.code}, got {seen(response)}"
        return None


def login_urls() -> set[str]:
    """Where a refusal for want of a session may send: allauth's sign-in (or an
    admin login that itself forwards there: see the door rows)."""
    return {
        reverse("account_login"),
        reverse("wagtailadmin_login"),
        reverse("admin:login"),
    }


class Login(Expect):
    def problem(self, response, world, role):
        if response.status_code != 302 or location(response) not in login_urls():
            return f"expected a redirect to sign in, got {seen(response)}"
        return None


class Deny(Expect):
    """403 or 404, or Wagtail's own refusal: back to the admin home with a
    message."""

    def problem(self, response, world, role):
        if response.status_code in (403, 404):
            return None
        if response.status_code == 302 and location(response) == reverse(
            "wagtailadmin_home"
        ):
            return None
        return f"expected a refusal, got {seen(response)}"


class Redirect(Expect):
    """An action done (or refused with a message): a redirect, not to sign in."""

    def problem(self, response, world, role):
        if response.status_code != 302 or location(response) in login_urls():
            return f"expected the action's redirect, got {seen(response)}"
        if location(response) == reverse("wagtailadmin_home"):
            return f"expected the action's redirect, got a refusal {seen(response)}"
        return None


@dataclass(frozen=True, repr=False)
class RedirectTo(Expect):
    """A redirect to ``target(world)``."""

    target: Callable = None

    def problem(self, response, world, role):
        if response.status_code != 302 or location(response) != self.target(world):
            return f"expected a redirect to {self.target(world)}, got {seen(response)}"
        return None


@dataclass(frozen=True, repr=False)
class Sees(Expect):
    """200 and exactly the objects ``expected(world, role)`` among ``found``."""

    found: Callable = None
    expected: Callable = None

    def problem(self, response, world, role):
        if response.status_code != 200:
            return f"expected 200 with a listing, got {seen(response)}"
        got, want = self.found(body(response), world), self.expected(world, role)
        if got != want:
            extra, missing = sorted(got - want), sorted(want - got)
            return f"sees {sorted(got)}: extra {extra}, missing {missing}"
        return None

    def leaked(self, response, problem):
        return "extra []" not in problem and "extra" in problem


@dataclass(frozen=True, repr=False)
class Effect(Expect):
    """Whatever the status, ``holds(world, role)`` afterwards (and no 500)."""

    holds: Callable = None

    def problem(self, response, world, role):
        if response.status_code >= 500 or not self.holds(world, role):
            return f"{self.label} does not hold ({seen(response)})"
        return None

    def leaked(self, response, problem):
        return not self.allows and response.status_code < 500


def lets_in(response) -> bool:
    """A page or file served, or an action done (a redirect elsewhere than to
    sign in or to Wagtail's refusal)."""
    if 200 <= response.status_code < 300:
        return True
    refusals = login_urls() | {reverse("wagtailadmin_home")}
    return response.status_code == 302 and location(response) not in refusals


def seen(response) -> str:
    where = response.get("Location", "")
    return f"{response.status_code}{' → ' + where if where else ''}"


class Outsider(Expect):
    """Signed in without admin access: refused (403) or sent to sign in."""

    def problem(self, response, world, role):
        if response.status_code == 403:
            return None
        return Login.problem(self, response, world, role)


OK = Status("200", allows=True, code=200)
LOGIN = Login("302 to sign in", allows=False)
OUTSIDER = Outsider("403 or 302 to sign in", allows=False)
DENY = Deny("refused", allows=False)
HIDDEN = Status("404", allows=False, code=404)
NOT_ALLOWED = Status("405", allows=False, code=405)
UNAUTHORIZED = Status("401", allows=False, code=401)
DONE = Redirect("302 after the action", allows=True)


# What each kind of object listing shows -------------------------------------------


def pks(pattern: str) -> Callable:
    """The object ids in links matching ``pattern`` (one group)."""
    return lambda text, world: {int(pk) for pk in re.findall(pattern, text)}


def select_options(name: str) -> Callable:
    """The values offered by the page's ``<select name=...>`` (a list filter)."""

    def found(text, world):
        block = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', text, re.S)
        options = re.findall(r'value="(\d+)"', block.group(1)) if block else []
        return {int(value) for value in options}

    return found


def csv_column(column: int) -> Callable:
    def found(text, world):
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        return {row[column] for row in rows[1:] if row}

    return found


def managed(*keys: str, attr: str = "cohort_id") -> Callable:
    """The ids of those world objects in cohorts ``role`` manages."""

    def expected(world, role):
        cohorts = {world.objects[c].pk for c in MANAGES.get(role, ())}
        objects = [world.objects[k] for k in keys]
        return {o.pk for o in objects if _cohort_id(o, attr) in cohorts}

    return expected


def _cohort_id(obj, attr: str) -> int:
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def keys_managed(*keys: str) -> Callable:
    """Which of these world objects (by key) sit in cohorts ``role`` manages."""

    def expected(world, role):
        cohorts = {world.objects[c].pk for c in MANAGES.get(role, ())}
        return {k for k in keys if world.objects[k].cohort_id in cohorts}

    return expected


def shown(*keys: str, text: Callable = str) -> Callable:
    """Which of these world objects (by key) the page names."""
    return lambda page, world: {k for k in keys if text(world.objects[k]) in page}


def json_pairs(page, world) -> set:
    """(course_id, assignment_id) of the exchange's assignment list."""
    data = json.loads(page)
    return {(a["course_id"], a["assignment_id"]) for a in data["assignments"]}


def assignments_enrolled(world, role) -> set:
    """What the exchange lists to ``role``: their own cohort's assignment."""
    mine = {"learner": "a", "other_learner": "b"}.get(role)
    if mine is None:
        return set()
    assignment = world.objects[f"assignment_{mine}"]
    return {(assignment.cohort.lab_course_id, assignment.name)}


@dataclass(frozen=True, repr=False)
class Lacks(Expect):
    """No server error, and the page does not offer ``text`` (a form field)."""

    text: str = ""

    def problem(self, response, world, role):
        if response.status_code >= 500 or (
            response.status_code == 200 and self.text in body(response)
        ):
            return f"{self.label}: got {seen(response)} offering {self.text!r}"
        return None


@dataclass(frozen=True, repr=False)
class NoSession(Expect):
    """A password posted to this door does not sign the person in."""

    def problem(self, response, world, role):
        if SESSION_KEY in response.client.session:
            return f"signed in with a password alone ({seen(response)})"
        return None

    def leaked(self, response, problem):
        return True


def enrols(cohort: str) -> Effect:
    return Effect(f"enrolled in {cohort}", allows=True, holds=enrolled(cohort))


def refuses(cohort: str) -> Effect:
    return Effect(f"not enrolled in {cohort}", allows=False, holds=not_enrolled(cohort))


SIGNS_IN_NOBODY = NoSession("no session from a password", allows=False)


class ToSignIn(Expect):
    """A door that hands over to allauth's sign-in (MFA, verification, rate
    limits) instead of taking a password itself, or is closed (404)."""

    def problem(self, response, world, role):
        if response.status_code == 404 or (
            response.status_code == 302
            and location(response) == reverse("account_login")
        ):
            return None
        return f"expected a redirect to allauth's sign-in, got {seen(response)}"


TO_SIGN_IN = ToSignIn("302 to allauth's sign-in", allows=False)


def everyone(answer) -> dict:
    return dict.fromkeys(ROLES, answer)


def listing(found, expected, **more) -> dict:
    """A listing: outsiders sign in; each admin role sees exactly its own."""
    answers = outsiders()
    answers.update({r: Sees("its own objects", True, found, expected) for r in ADMIN})
    answers.update(more)
    return answers


@dataclass
class Row:
    """One URL requested one way; ``expect`` maps each role to its answer."""

    name: str
    expect: dict
    args: Callable = lambda world: []
    method: str = "get"
    data: Callable = lambda world: {}
    query: Callable = lambda world: {}
    # Credentials sent instead of the role's session: hub token, reporting key or
    # a password posted to a login door.
    auth: str = ""
    url: Callable | None = None

    def path(self, world) -> str:
        args = self.args(world)
        path = self.url(world) if self.url else reverse(self.name, args=args)
        query = self.query(world)
        return f"{path}?{urlencode(query, doseq=True)}" if query else path

    def run(self, client: Client, world, role: str):
        headers, data = {}, self.data(world)
        if self.auth == "hub":
            headers["HTTP_AUTHORIZATION"] = f"token {world.hub_token.get(role, '')}"
        elif self.auth == "reporting":
            headers["HTTP_AUTHORIZATION"] = f"Bearer {world.reporting_key}"
        elif self.auth == "password":
            data = {**data, "username": world.users[role].email}
            data.update(login=world.users[role].email, password=PASSWORD)
        send = getattr(client, self.method)
        return send(self.path(world), data, **headers)


def outsiders() -> dict:
    """People without admin access: signed out → sign in; signed in → refused."""
    return {**dict.fromkeys(NOT_ADMIN, OUTSIDER), "anonymous": LOGIN}


def admin_page(scoped=OK, hidden=HIDDEN, **more) -> dict:
    """An admin page on A1's objects: outsiders sign in, the other institution
    finds nothing, A's people and the superuser get ``scoped``."""
    answers = outsiders()
    answers.update(dict.fromkeys(("instructor", "staff", "superuser"), scoped))
    answers.update(other_instructor=hidden, other_staff=hidden)
    answers.update(more)
    return answers


def admin_only(answer=OK, **more) -> dict:
    """The superuser only: every other admin role is refused."""
    answers = outsiders()
    answers.update(dict.fromkeys(ADMIN, DENY))
    answers.update(superuser=answer, **more)
    return answers


def admin_all(answer=OK, **more) -> dict:
    """Any admin role; outsiders sign in."""
    return {**outsiders(), **dict.fromkeys(ADMIN, answer), **more}


def signed_in(answer=OK, **more) -> dict:
    return {"anonymous": LOGIN, **dict.fromkeys(SIGNED_IN, answer), **more}


def only_learner(answer=OK) -> dict:
    """A learner's own record: theirs alone (staff read it in the admin)."""
    return signed_in(HIDDEN, learner=answer)


def enrolled(cohort: str) -> Callable:
    def holds(world, role):
        user = world.users.get(role)
        return (
            user is not None
            and Enrollment.objects.filter(user=user, cohort=world.objects[cohort])
            .exclude(status=Enrollment.Status.WITHDRAWN)
            .exists()
        )

    return holds


def not_enrolled(cohort: str) -> Callable:
    return lambda world, role: not enrolled(cohort)(world, role)
