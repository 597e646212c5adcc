"""The access matrix: every named URL of the LMS × nine kinds of user.

Each cell states what a serious LMS answers (the policy), not what the code
answers today: 200, a redirect to sign in, a refusal (403/404, or Wagtail's
redirect to the admin home with a message), 404 for objects outside one's
institution, 405, 401 for the APIs; for listings and exports, the exact set of
objects each person may see; for enrolment and login doors, what changed (an
enrolment made, a session opened). A failing cell starts "ALLOWED:" when the code
let the person in where the policy says no (grep the output to count them).

Object URLs are requested with institution A's objects; rows ending in ``@B``
request B's objects as A's people (and as the superuser, to prove the object
exists). Third-party mounts are covered by group rules (``GROUPS``), each with
sample URLs actually requested. Cells that fail today are listed in
``KNOWN_LEAKS`` and run as strict xfails: remove a line when its fix lands (a
fixed leak fails until removed).

``test_every_url_has_a_row`` walks the URL conf: every URL name of this project's
own code (``courses``/``lms`` views, the viewsets of courses' models, the API)
needs a row in ``TABLE``, and every third-party URL a group in ``GROUPS``.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from courses.api import api

from .matrix import (
    DENY,
    DONE,
    HIDDEN,
    LOGIN,
    MANAGES,
    NAMES,
    NOT_ALLOWED,
    OK,
    OUTSIDER,
    ROLES,
    SIGNED_IN,
    SIGNS_IN_NOBODY,
    TO_SIGN_IN,
    UNAUTHORIZED,
    Lacks,
    Redirect,
    RedirectTo,
    Row,
    Sees,
    Status,
    admin_all,
    admin_only,
    admin_page,
    assignments_enrolled,
    csv_column,
    enrols,
    everyone,
    json_pairs,
    keys_managed,
    listing,
    managed,
    only_learner,
    pks,
    refuses,
    select_options,
    shown,
    signed_in,
)

# (row, role) cells that fail today. Each is a leak or a bug another change fixes;
# delete the line when it lands. Grep: KNOWN_LEAKS.
KNOWN_LEAKS: dict[tuple[str, str], str] = {}

# World objects in listings, and how the table adds rows --------------------------

COHORTS = ("a1", "a2", "b1", "b2")
ENROLLMENTS = ("enrollment_a", "applicant_a", "enrollment_b", "applicant_b")
ASSIGNMENTS = ("assignment_a", "other_assignment_a", "assignment_b")
ASSIGNMENTS += ("other_assignment_b",)
SUBMISSIONS = ("submission_a", "submission_b")
INVITATIONS = ("invitation_a", "invitation_b")
ROSTER = "wagtailsnippets_courses_enrollment"


def of(*keys) -> Callable:
    """URL arguments: the pks (or values) of world objects."""

    def args(world):
        return [k(world) if callable(k) else world.objects[k].pk for k in keys]

    return args


def b_key(key):
    """The same world object of institution B: ``*_a`` → ``*_b``, a1 → b1."""
    if callable(key):
        return key
    for a, b in (("_a", "_b"), ("a1", "b1"), ("a2", "b2")):
        if key.endswith(a):
            return key[: -len(a)] + b
    return key


ROWS: list = []  # (key, Row)


def row(key: str, expect: dict, *, name: str | None = None, keys=(), **fields):
    """Add a row; with ``keys`` (world objects as URL arguments) an admin row on
    A's objects also gets its ``@B`` twin requested as A's people."""
    name = name or key.split("#")[0].split("@")[0]
    if keys:
        fields["args"] = of(*keys)
    ROWS.append((key, Row(name=name, expect=expect, **fields)))
    if keys and expect.get("other_staff") is HIDDEN:
        twin = {**fields, "args": of(*map(b_key, keys))}
        scoped = expect["superuser"]
        twin_expect = {"instructor": HIDDEN, "staff": HIDDEN, "superuser": scoped}
        if isinstance(scoped, Sees):
            twin_expect["superuser"] = Status("200", True, 200)
        ROWS.append((f"{key}@B", Row(name=name, expect=twin_expect, **twin)))


def post(**data) -> Callable:
    return lambda world: data


# The table: this project's own URLs ------------------------------------------------

# Learners' pages (courses.urls, lms.accounts.urls, the catalogue).
row("courses:my_learning", signed_in())
row("courses:search", everyone(OK))
row("favicon", everyone(OK))
row("courses:enroll#get", everyone(NOT_ALLOWED), keys=["a1"])
row(
    "courses:enroll",
    signed_in(enrols("a1"), unverified=refuses("a1")),
    keys=["a1"],
    method="post",
)
row(
    "courses:apply",
    signed_in(OK, unverified=Lacks("no application form", False, 'name="motivation"')),
    keys=["a2"],
)
row(
    "courses:apply#post",
    signed_in(enrols("a2"), unverified=refuses("a2")),
    keys=["a2"],
    method="post",
    data=post(motivation="I want to learn machine learning by doing."),
)
row("courses:withdraw", only_learner(DONE), keys=["enrollment_a"], method="post")
row(
    "courses:invitation",
    signed_in(OK, unverified=Lacks("no accept button", False, 'method="post"')),
    args=lambda w: ["token-a"],
)
# Invitation A is addressed to the unverified person: only they may accept it,
# and only once their address is verified.
row(
    "courses:invitation#post",
    signed_in(refuses("a1"), learner=OK, unverified=refuses("a1")),
    args=lambda w: ["token-a"],
    method="post",
)
row("courses:assignment", only_learner(), keys=["assignment_a"])
row(
    "courses:feedback",
    only_learner(),
    args=lambda w: [w.assignment_a.pk, 1, "ps.html"],
)
row(
    "courses:submission_download",
    only_learner(),
    args=lambda w: [w.assignment_a.pk, 1],
)
row("courses:certificate", everyone(OK), args=lambda w: [w.certificate_a.code])
row("courses:certificate_pdf", only_learner(), args=lambda w: [w.certificate_a.code])
row("accounts:profile", signed_in())
row("wagtail_serve", everyone(OK), url=lambda w: "/")
row("wagtail_serve@course", everyone(OK), url=lambda w: w.course_a.url)
# Without a client the provider shows its error page; the lab (and so this
# door) needs a verified address.
row("oidc_authorize", signed_in(OK, unverified=DENY))

# The API: labs authenticate with their hub token, the city with a reporting
# key; a browser's session cookie opens nothing (no CSRF on these).
row("api:openapi-json", everyone(OK))
row("api:openapi-view", everyone(OK))
row("api:api-root", everyone(HIDDEN))
EXCHANGE = {
    "api:assignment_release": lambda w: [w.a1.lab_course_id, "ps-a"],
    "api:submission_download": lambda w: [w.a1.lab_course_id, "ps-a", 1],
    "api:feedback_download": lambda w: [w.a1.lab_course_id, "ps-a", 1, "ps.html"],
}
row("api:assignment_list", everyone(UNAUTHORIZED))
row(
    "api:assignment_list#token",
    {
        **everyone(
            Sees("its released assignments", True, json_pairs, assignments_enrolled)
        ),
        "anonymous": UNAUTHORIZED,
    },
    auth="hub",
)
for name, args in EXCHANGE.items():
    row(name, everyone(UNAUTHORIZED), args=args)
    row(
        f"{name}#token",
        {**everyone(HIDDEN), "anonymous": UNAUTHORIZED, "learner": OK},
        args=args,
        auth="hub",
    )
row(
    "api:submission_post",
    everyone(NOT_ALLOWED),
    args=lambda w: [w.a1.lab_course_id, "ps-a"],
)
row(
    "api:submission_post#post",
    everyone(UNAUTHORIZED),
    args=lambda w: [w.a1.lab_course_id, "ps-a"],
    method="post",
)
row("api:figures", everyone(UNAUTHORIZED))
row("api:figures#key", {"anonymous": OK}, auth="reporting")

# Admin pages of courses/wagtail_hooks.py (register_admin_urls).
row("lab_servers", admin_only())
row("lab_server_stop", admin_only(DONE), args=lambda w: ["learner"], method="post")
for name, method, answer, keys in (
    ("assignment_release_now", "post", DONE, ["assignment_a"]),
    ("assignment_preview", "get", OK, ["assignment_a", "preview_a"]),
    ("submission_download", "get", OK, ["submission_a"]),
    ("assignment_progress", "get", OK, ["assignment_a"]),
    ("assignment_regrade", "get", OK, ["assignment_a"]),
    ("assignment_feedback_release", "post", DONE, ["assignment_a"]),
    ("assignment_extension_grant", "get", OK, ["assignment_a"]),
    ("submission_regrade", "post", DONE, ["submission_a"]),
    ("submission_feedback_release", "post", DONE, ["submission_a"]),
    ("submission_grade_by_hand", "post", DONE, ["submission_a"]),
    ("submission_feedback_page", "get", OK, ["submission_a", "feedback_a"]),
    ("cohort_formgrader", "get", DONE, ["a1"]),
    ("cohort_gradebook", "get", OK, ["a1"]),
    ("cohort_gradebook_xlsx", "get", OK, ["a1"]),
    ("cohort_completion", "get", OK, ["a1"]),
    ("cohort_completion_evaluate", "post", DONE, ["a1"]),
    ("cohort_attendance", "post", DONE, ["a1"]),
    ("enrollment_completion_issue", "post", DONE, ["enrollment_a"]),
    ("enrollment_completion_confirm", "post", DONE, ["enrollment_a"]),
    ("completion_revoke", "post", DONE, ["completion_a"]),
):
    row(name, admin_page(answer), keys=keys, method=method)


def gradebook_emails(world, role) -> set:
    return {world.users["learner"].email} if "a1" in MANAGES.get(role, ()) else set()


row(
    "cohort_gradebook_csv",
    admin_page(Sees("A1's learners", True, csv_column(1), gradebook_emails)),
    keys=["a1"],
)


# A cohort's page (courses/enrollment/wagtail_hooks.py): My cohorts lists exactly
# the managed cohorts; the roster, its actions and its CSV only A1's people's.
row(
    "my_cohorts",
    listing(pks(r"/admin/cohort/(\d+)/roster/"), managed(*COHORTS, attr="pk")),
)
row("cohort_roster", admin_page(), keys=["a1"])
row("cohort_roster_act", admin_page(DONE), keys=["a1"], method="post")
row(
    "cohort_roster_act#get",
    admin_page(NOT_ALLOWED, hidden=NOT_ALLOWED),
    keys=["a1"],
)


def roster_emails(world, role) -> set:
    if "a1" not in MANAGES.get(role, ()):
        return set()
    return {e.user.email for e in world.a1.enrollments.select_related("user")}


row(
    "cohort_roster_csv",
    admin_page(Sees("A1's people", True, csv_column(1), roster_emails)),
    keys=["a1"],
)

# Enrolment from a file (courses/enrollment/wagtail_hooks_bulk.py): A1's managers
# upload (a post without a file shows the form again). The preview, result and
# report belong to one upload's token, its person's and cohort's: an unknown
# token finds nothing, for anyone.
row("cohort_bulk_enrol", admin_page(OK), keys=["a1"])
row("cohort_bulk_enrol#post", admin_page(OK), keys=["a1"], method="post")
for token_page in (
    "cohort_bulk_enrol_preview",
    "cohort_bulk_enrol_result",
    "cohort_bulk_enrol_result_csv",
):
    row(token_page, admin_page(HIDDEN), keys=["a1", lambda w: "unknown-token"])
row(
    "cohort_bulk_enrol_preview#post",
    admin_page(HIDDEN),
    keys=["a1", lambda w: "unknown-token"],
    method="post",
)


def institution_codes(world, role) -> set:
    seen_by = {"staff": {"inst-a"}, "other_staff": {"inst-b"}}
    return seen_by.get(role, {"inst-a", "inst-b"} if role == "superuser" else set())


# The city's figures: administrators all, staff their institution's, nobody else.
dashboard = {**admin_all(OK), "instructor": DENY, "other_instructor": DENY}
row("pipeline", dashboard)
row(
    "pipeline_export",
    {
        **dashboard,
        **{
            r: Sees("institutions in scope", True, csv_column(1), institution_codes)
            for r in ("staff", "other_staff", "superuser")
        },
    },
    args=lambda w: ["institutions", "csv"],
)

# Viewsets of courses/viewsets.py: listings show exactly the managed objects.
for prefix, keys, link in (
    ("cohort", ("a1", "a2", "b1", "b2"), r"/admin/cohort/edit/(\d+)/"),
    ("assignment", ASSIGNMENTS, r"/admin/assignment/edit/(\d+)/"),
    ("submission", SUBMISSIONS, r"/admin/submission/inspect/(\d+)/"),
):
    attr = {"cohort": "pk", "submission": "assignment.cohort_id"}.get(prefix)
    for view in ("index", "index_results"):
        row(
            f"{prefix}:{view}",
            listing(pks(link), managed(*keys, attr=attr or "cohort_id")),
        )
# List filters offer only what one manages (the cohort or assignment choices).
for key in ("assignment:index", "invitation:index", f"{ROSTER}:list"):
    row(
        f"{key}#filter",
        listing(select_options("cohort"), managed(*COHORTS, attr="pk")),
    )
row(
    "submission:index#filter",
    listing(select_options("assignment"), managed(*ASSIGNMENTS)),
)
row(
    "submission:index#export",
    listing(
        csv_column(0),
        lambda w, role: {
            w.objects[k].user.email
            for k in SUBMISSIONS
            if w.objects[k].assignment.cohort_id
            in {w.objects[c].pk for c in MANAGES.get(role, ())}
        },
    ),
    query=lambda w: {"export": "csv"},
)
row(
    "cohort:index#export",
    listing(
        csv_column(0),
        lambda w, role: {w.objects[c].lab_course_id for c in MANAGES.get(role, ())},
    ),
    query=lambda w: {"export": "csv"},
)
for view in ("index", "index_results"):
    row(
        f"invitation:{view}",
        listing(
            shown(*INVITATIONS, text=lambda o: o.email), keys_managed(*INVITATIONS)
        ),
    )
row("cohort:add", admin_all())
row("invitation:add", admin_all())
row("assignment:add", admin_all())
for view in ("edit", "history", "history_results", "usage"):
    row(f"cohort:{view}", admin_page(), keys=["a1"])
    row(f"assignment:{view}", admin_page(), keys=["assignment_a"])
    if view != "edit":
        row(f"invitation:{view}", admin_page(), keys=["invitation_a"])
for view in ("history", "history_results", "usage", "inspect"):
    row(f"submission:{view}", admin_page(), keys=["submission_a"])
row("assignment:inspect", admin_page(), keys=["assignment_a"])
row("assignment:delete", admin_page(), keys=["assignment_a"])
# Cohorts are cancelled, never deleted, except by an administrator.
row("cohort:delete", admin_only(), keys=["a1"])
row("invitation:delete", admin_only(), keys=["invitation_a"])
# Invitations are sent, not edited; submissions are the learners' own.
row("invitation:edit", admin_all(DENY), keys=["invitation_a"])
row("submission:add", admin_all(DENY))
row("submission:edit", admin_all(DENY), keys=["submission_a"])
row("submission:delete", admin_all(DENY), keys=["submission_a"])

# The roster (a snippet viewset), its chooser and its bulk decisions.
for view in ("list", "list_results"):
    row(
        f"{ROSTER}:{view}",
        listing(
            pks(r"/admin/snippets/courses/enrollment/inspect/(\d+)/"),
            managed(*ENROLLMENTS),
        ),
    )
for view in ("usage", "history", "history_results", "inspect"):
    row(f"{ROSTER}:{view}", admin_page(), keys=["enrollment_a"])
# Enrolments change only through the services (enrol, approve, withdraw).
row(f"{ROSTER}:add", admin_all(DENY))
row(f"{ROSTER}:edit", admin_all(DENY), keys=["enrollment_a"])
row(f"{ROSTER}:delete", admin_all(DENY), keys=["enrollment_a"])
row(
    f"{ROSTER}:list#export",
    listing(
        csv_column(1),
        lambda w, role: {
            w.objects[k].user.email for k in keys_managed(*ENROLLMENTS)(w, role)
        },
    ),
    name=f"{ROSTER}:list",
    query=lambda w: {"export": "csv"},
)
CHOOSER = "wagtailsnippetchoosers_courses_enrollment"
for view in ("choose", "choose_results"):
    row(
        f"{CHOOSER}:{view}",
        listing(
            pks(r"/admin/snippets/choose/courses/enrollment/chosen/(\d+)/"),
            managed(*ENROLLMENTS),
        ),
    )
row(f"{CHOOSER}:chosen", admin_page(), keys=["enrollment_a"])
row(
    f"{CHOOSER}:chosen_multiple",
    listing(
        pks(r'"id": "(\d+)"'),
        lambda w, role: managed("enrollment_a")(w, role),
    ),
    query=lambda w: {"id": [w.enrollment_a.pk]},
)
row(f"{CHOOSER}:create", admin_all(DENY))
# The confirmation page names only the enrolments one may decide on.
for action in ("approve", "reject", "withdraw"):
    row(
        f"wagtail_bulk_action@{action}",
        listing(
            shown("applicant_a", "applicant_b", text=lambda e: e.user.full_name),
            keys_managed("applicant_a", "applicant_b"),
        ),
        url=lambda w, action=action: f"/admin/bulk/courses/enrollment/{action}/",
        query=lambda w: {"id": [w.applicant_a.pk, w.applicant_b.pk]},
    )

# The audit trail: staff read their institution's entries, instructors their
# cohorts', administrators all (here: whose records the entries name).
PEOPLE = ("learner", "applicant_a", "other_learner", "applicant_b")
WHOSE = {
    "instructor": {"learner"},
    "other_instructor": {"other_learner"},
    "staff": {"learner", "applicant_a"},
    "other_staff": {"other_learner", "applicant_b"},
    "superuser": set(PEOPLE),
}
row("audit_trail", admin_all())
row(
    "audit_trail_csv",
    listing(
        lambda page, w: {p for p in PEOPLE if NAMES[p] in page},
        lambda w, role: WHOSE[role],
    ),
)

# Institutions and the talent target: the city's administrators keep them.
row(
    "institution:index",
    listing(shown("a", "b", text=lambda i: i.name_en), lambda w, r: {"a", "b"}),
)
row(
    "institution:index_results",
    listing(shown("a", "b", text=lambda i: i.name_en), lambda w, r: {"a", "b"}),
)
for view in ("add",):
    for prefix in ("institution", "talentprogramme", "talenttarget"):
        row(f"{prefix}:{view}", admin_only())
for prefix in ("talentprogramme", "talenttarget"):
    for view in ("index", "index_results"):
        row(f"{prefix}:{view}", admin_only())
for view in ("edit", "delete", "history", "history_results", "usage"):
    row(f"institution:{view}", admin_only(), keys=["a"])
    row(f"talentprogramme:{view}", admin_only(), keys=["programme"])
    row(f"talenttarget:{view}", admin_only(), keys=["target"])


# Third-party URL groups: a rule in words and a sample actually requested -----------


@dataclass(frozen=True)
class Group:
    """URLs of one third-party mount: ``route`` (a regex on the full route) and
    ``module`` (the view's module prefix) say which; ``rule`` what they answer."""

    rule: str
    route: str
    module: str | tuple[str, ...] = ""

    def matches(self, route: str, module: str) -> bool:
        return bool(re.match(self.route, route)) and module.startswith(self.module)


GROUPS = {
    "wagtail-admin": Group(
        "Wagtail's admin: people without admin access sign in (through allauth); "
        "admin roles get what Wagtail's permissions and their institution allow.",
        r"admin/",
    ),
    "django-admin": Group(
        "Django's admin: only superusers; its login takes no password itself.",
        r"django-admin/",
    ),
    "documents": Group("Wagtail documents: served by id, 404 if none.", r"documents/"),
    "i18n": Group("Django's set_language: anyone switches language.", r"i18n/"),
    "jsi18n": Group("The JavaScript catalogue: public.", r"jsi18n/"),
    "allauth-account": Group(
        "allauth's account pages: sign-in and sign-up for the signed-out, "
        "account settings for the signed-in.",
        r"accounts/",
        "allauth.account",
    ),
    "allauth-mfa": Group(
        "allauth's MFA pages: signed-in people manage their own factors.",
        r"accounts/2fa/",
        "allauth.mfa",
    ),
    "allauth-idp": Group(
        "allauth's OpenID Connect provider: discovery and keys public; tokens "
        "need a client; userinfo needs a bearer token.",
        r"(\.well-known|identity)/",
        "allauth.idp",
    ),
    "wagtail-site": Group(
        "Wagtail's front end: pages for everyone; its password login must hand "
        "over to allauth.",
        r"(_util/|\^)",
        ("wagtail.", "django.contrib.auth.views"),
    ),
}
SAMPLED: dict[str, set[str]] = {group: set() for group in GROUPS}


def sample(group: str, key: str, expect: dict, **fields):
    SAMPLED[group].add(key)
    name = fields.pop("name", None) or key.split("#")[0].split("@")[0]
    ROWS.append((f"{group}/{key}", Row(name=name, expect=expect, **fields)))


def edit_page(page: str) -> Callable:
    return lambda w: reverse("wagtailadmin_pages:edit", args=[w.objects[page].pk])


def page_args(page: str) -> Callable:
    return lambda w: [w.objects[page].pk]


sample("wagtail-admin", "wagtailadmin_home", admin_all())


def explore(page: str) -> Callable:
    return lambda w: reverse("wagtailadmin_explore", args=[w.objects[page].pk])


# The explorer opens where each person may write: their institution's subtree.
sample(
    "wagtail-admin",
    "wagtailadmin_explore_root",
    admin_all(
        instructor=RedirectTo("302 to A's pages", True, explore("course_a")),
        staff=RedirectTo("302 to A's pages", True, explore("course_a")),
        other_instructor=RedirectTo("302 to B's pages", True, explore("course_b")),
        other_staff=RedirectTo("302 to B's pages", True, explore("course_b")),
    ),
)
sample("wagtail-admin", "wagtailusers_users:index", admin_only())
sample(
    "wagtail-admin",
    "wagtailadmin_reports:site_history",
    listing(
        shown("a1", "b1"),
        lambda w, role: {c for c in ("a1", "b1") if c in MANAGES.get(role, ())},
    ),
)
# Each institution edits its own catalogue pages (course_b is the root of B's
# subtree: B's staff edit it and may open the move chooser, which offers no
# place outside it, but not delete it); the city's administrators edit all.
for view in ("edit", "move", "delete"):
    sample(
        "wagtail-admin",
        f"wagtailadmin_pages:{view}@B",
        {
            "instructor": DENY,
            "staff": DENY,
            "other_staff": OK
            if view != "delete"
            else RedirectTo("302 back to editing", False, edit_page("course_b")),
            "superuser": OK,
        },
        args=page_args("course_b"),
    )
sample(
    "wagtail-admin",
    "wagtailadmin_pages:edit",
    {"staff": OK, "other_staff": DENY, "other_instructor": DENY, "superuser": OK},
    args=page_args("course_a"),
)
sample("wagtail-admin", "wagtailadmin_login", {"anonymous": TO_SIGN_IN})
sample(
    "wagtail-admin",
    "wagtailadmin_login#post",
    dict.fromkeys(("unverified", "staff", "superuser"), SIGNS_IN_NOBODY),
    method="post",
    auth="password",
)
django_admin = {**dict.fromkeys(ROLES, OUTSIDER), "anonymous": LOGIN, "superuser": OK}
sample("django-admin", "admin:index", django_admin)
sample("django-admin", "admin:auth_group_changelist", django_admin)
sample("django-admin", "admin:login", {"anonymous": TO_SIGN_IN})
sample(
    "django-admin",
    "admin:login#post",
    dict.fromkeys(("staff", "superuser"), SIGNS_IN_NOBODY),
    method="post",
    auth="password",
)
sample(
    "documents",
    "wagtaildocs_serve",
    everyone(HIDDEN),
    url=lambda w: "/documents/999999/missing.pdf",
)
sample(
    "i18n",
    "set_language",
    everyone(Redirect("302 back", True)),
    method="post",
    data=post(language="en", next="/"),
)
sample("jsi18n", "javascript-catalog", everyone(OK))
sample(
    "allauth-account",
    "account_login",
    {"anonymous": OK, **dict.fromkeys(SIGNED_IN, Redirect("302 onwards", True))},
)
sample("allauth-account", "account_signup", {"anonymous": OK})
sample("allauth-account", "account_email", signed_in())
sample("allauth-account", "account_change_password", signed_in())
sample("allauth-mfa", "mfa_index", signed_in())
sample("allauth-idp", "idp:oidc:configuration", everyone(OK))
sample("allauth-idp", "idp:oidc:jwks", everyone(OK))
sample("allauth-idp", "idp:oidc:userinfo", everyone(UNAUTHORIZED))
sample("wagtail-site", "wagtailcore_login", {"anonymous": TO_SIGN_IN})
sample(
    "wagtail-site",
    "wagtailcore_login#post",
    dict.fromkeys(("unverified", "staff", "superuser"), SIGNS_IN_NOBODY),
    method="post",
    auth="password",
)

TABLE: dict[str, Row] = dict(ROWS)
assert len(TABLE) == len(ROWS), [
    k for k, _ in ROWS if [x for x, _ in ROWS].count(k) > 1
]


# The URL conf ------------------------------------------------------------------------


def _module(callback) -> str:
    view_class = getattr(callback, "view_class", None)
    return (view_class or callback).__module__ or ""


def _model_label(callback) -> str:
    model = getattr(callback, "view_initkwargs", {}).get("model")
    return getattr(getattr(model, "_meta", None), "app_label", "")


def walk(patterns=None, namespace=(), route="") -> list[tuple[str | None, str, str]]:
    """(namespace:name, route, origin) of every URL pattern, recursively; origin
    is "own" for this project's views, else the view's module."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        here = route + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace + ((pattern.namespace,) if pattern.namespace else ())
            found += walk(pattern.url_patterns, inner, here)
            continue
        assert isinstance(pattern, URLPattern)
        name = ":".join((*namespace, pattern.name)) if pattern.name else None
        module = _module(pattern.callback)
        mine = (
            module.startswith(("courses.", "lms."))
            or _model_label(pattern.callback) == "courses"
            or namespace[:1] == (api.urls_namespace,)
        )
        found.append((name, here, "own" if mine else module))
    return found


def test_every_url_has_a_row():
    """A new URL of ours needs a row; a new third-party mount needs a group."""
    urls = walk()
    own = {name for name, _route, origin in urls if origin == "own" and name}
    rows = {row.name for key, row in TABLE.items() if "/" not in key}
    missing = sorted(own - rows)
    ungrouped = sorted(
        f"{name or '(unnamed)'} at /{route}"
        for name, route, origin in urls
        if origin != "own"
        and not any(g.matches(route, origin) for g in GROUPS.values())
    )
    named = {name for name, _route, _origin in urls if name}
    stale = sorted({row.name for row in TABLE.values()} - named)
    assert not missing, f"URLs without a row in TABLE: {missing}"
    assert not ungrouped, f"third-party URLs without a group in GROUPS: {ungrouped}"
    assert not stale, f"rows for URL names that no longer exist: {stale}"
    assert all(SAMPLED.values()), "every group needs a sample actually requested"


# The cells -------------------------------------------------------------------------


def cells():
    for key, row in TABLE.items():
        for role in ROLES:
            if role not in row.expect:
                continue
            marks = ()
            if (key, role) in KNOWN_LEAKS:
                reason = KNOWN_LEAKS[(key, role)]
                marks = pytest.mark.xfail(strict=True, reason=reason)
            yield pytest.param(key, role, id=f"{key}-{role}", marks=marks)


@pytest.mark.parametrize(("key", "role"), list(cells()))
def test_access(key, role, world, client_as, hub_tokens):
    row = TABLE[key]
    client = Client() if row.auth else client_as(role)
    response = row.run(client, world, role)
    expected = row.expect[role]
    problem = expected.problem(response, world, role)
    verdict = "ALLOWED" if problem and expected.leaked(response, problem) else "WRONG"
    assert problem is None, f"{verdict}: {key} as {role}: {problem}"


def test_known_leaks_name_real_cells():
    """Every KNOWN_LEAKS entry names a cell of the table (no typos hide a leak)."""
    cells_ = {(key, role) for key, row in TABLE.items() for role in row.expect}
    assert set(KNOWN_LEAKS) <= cells_, sorted(set(KNOWN_LEAKS) - cells_)
