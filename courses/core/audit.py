"""The audit trail: which records django-auditlog watches, and where each change
came from (docs/audit.md).

django-auditlog writes one ``auditlog.LogEntry`` per change (who, when, before →
after). This module adds, in each entry's ``additional_data``:

- ``source``: the page or API call (``POST /ko/admin/...``), the task
  (``task courses.grading.services.autograde.grade_submissions``) or the command
  (``manage.py completion_sweep``) that made the change;
- ``cohort`` / ``institution``: whose staff may read the entry, kept on the
  entry so that it stays readable after the object is deleted.
"""

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar

from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings
from django.core.exceptions import (
    ImproperlyConfigured,
    ObjectDoesNotExist,
    PermissionDenied,
)
from django.core.management.base import BaseCommand
from django.db.models.signals import pre_save
from django.tasks import signals

# What each record keeps: its own fields but these (bookkeeping, secrets); no
# file is tracked. Their changes are the "before → after" of the trail.
_BOOKKEEPING = ["created_at", "updated_at"]
TRACKED: dict[str, dict] = {
    "courses.Enrollment": {"exclude_fields": _BOOKKEEPING},
    "courses.Cohort": {"exclude_fields": _BOOKKEEPING, "m2m_fields": {"instructors"}},
    "courses.Assignment": {"exclude_fields": [*_BOOKKEEPING, "problems"]},
    "courses.Submission": {
        "exclude_fields": [
            "idempotency_key",
            "lease_token",
            "lease_until",
            "grading_tries",
            "grading_seconds",
            "formgrader_timestamp",
        ]
    },
    "courses.SubmissionScore": {"exclude_fields": ["formgrader_base"]},
    "courses.Extension": {"exclude_fields": _BOOKKEEPING},
    "courses.Completion": {},
    "courses.TrackCompletion": {},
    "courses.Certificate": {},
    "courses.Institution": {"m2m_fields": {"staff"}},
    # Roles only: never the password, the last login or personal details.
    settings.AUTH_USER_MODEL: {
        "include_fields": ["is_active", "is_staff", "is_superuser"],
        "m2m_fields": {"groups"},
    },
}
# URL arguments that are secrets (invitation and verification links).
SECRET_URL_ARGUMENTS = ("token", "key", "code", "uidb36", "uidb64")

_sources: ContextVar[tuple] = ContextVar("audit_sources", default=())


@contextlib.contextmanager
def audit_source(source) -> Iterator[None]:
    """Attribute the changes made inside to ``source`` (a label or a request)."""
    token = _sources.set((*_sources.get(), source))
    try:
        yield
    finally:
        _sources.reset(token)


def _request_label(request) -> str:
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if name in SECRET_URL_ARGUMENTS and str(value):
                path = path.replace(str(value), f"<{name}>")
        if match.view_name:
            return f"{request.method} {path} ({match.view_name})"
    return f"{request.method} {path}"


def current_source() -> str:
    """Where the change being made now comes from; innermost first."""
    labels = [
        source if isinstance(source, str) else _request_label(source)
        for source in reversed(_sources.get())
    ]
    return " ← ".join(labels)


def _request() -> object | None:
    requests = [s for s in _sources.get() if not isinstance(s, str)]
    return requests[-1] if requests else None


# Whose entry it is ------------------------------------------------------------


def _via_assignment(obj) -> dict:
    return {"cohort": obj.assignment.cohort_id}


def _certificate_scope(obj) -> dict:
    if obj.completion_id:
        return {"cohort": obj.completion.cohort_id}
    return {"institution": obj.track_completion.institution_id}


SCOPES: dict[str, Callable[[object], dict]] = {
    "Cohort": lambda obj: {"cohort": obj.pk, "institution": obj.institution_id},
    "Enrollment": lambda obj: {"cohort": obj.cohort_id},
    "Assignment": lambda obj: {"cohort": obj.cohort_id},
    "Completion": lambda obj: {"cohort": obj.cohort_id},
    "Submission": _via_assignment,
    "Extension": _via_assignment,
    "SubmissionScore": lambda obj: _via_assignment(obj.submission),
    "TrackCompletion": lambda obj: {"institution": obj.institution_id},
    "Certificate": _certificate_scope,
    "Institution": lambda obj: {"institution": obj.pk},
}


def _additional_data(obj) -> dict:
    """django-auditlog's hook on a tracked model: what its entries keep besides
    the changes (the source is added as the entry is saved)."""
    scope = SCOPES.get(type(obj).__name__)
    try:
        return scope(obj) if scope else {}
    except ObjectDoesNotExist:  # deleted together with what it belonged to
        return {}


def _complete_entry(sender, instance: LogEntry, **kwargs) -> None:
    """Add the source to a new entry, and the person when auditlog's middleware
    saw none: an API call signs the person in inside the view (a lab's hub
    token), after the middleware looked."""
    if not instance._state.adding:
        return
    instance.additional_data = {
        **(instance.additional_data or {}),
        "source": current_source(),
    }
    request = _request()
    if instance.actor_id is not None or request is None:
        return
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for who in (getattr(request, "user", None), getattr(request, "auth", None)):
        if isinstance(who, user_model) and who.is_authenticated:
            instance.actor = who
            instance.actor_email = who.email
            return


def _own_fields(model, exclude: list[str]) -> list[str]:
    # auditlog would also list reverse relations ("enrollments: None") and the id.
    return [
        field.name
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in exclude
    ]


def register_models() -> None:
    """Have django-auditlog watch every model of ``TRACKED``; once, at start."""
    for label, options in TRACKED.items():
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        options = dict(options)
        exclude = options.pop("exclude_fields", [])
        options.setdefault("include_fields", _own_fields(model, exclude))
        model.get_additional_data = _additional_data
        auditlog.register(model, **options)
    pre_save.connect(
        _complete_entry, sender=LogEntry, dispatch_uid="courses.core.audit.entry"
    )
    _connect_task_signals()
    _attribute_commands()


# Pages and API calls -----------------------------------------------------------


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware (actor, address), plus the request as the
    source of what it changes. Place it after the authentication middleware."""

    @staticmethod
    def _get_remote_addr(request):
        # The same client address as allauth's rate limits, so that one proxy
        # setting (ALLAUTH_TRUSTED_PROXY_COUNT) serves both; auditlog's own
        # believes any X-Forwarded-For header.
        # deferred: allauth's adapter needs a loaded app registry; no cycle
        from allauth.account.adapter import get_adapter

        try:
            return get_adapter(request).get_client_ip(request)
        except (PermissionDenied, ImproperlyConfigured):  # no address to be had
            return None

    def __call__(self, request):
        with audit_source(request):
            return super().__call__(request)


# Tasks and commands --------------------------------------------------------------

_task_tokens: dict[str, object] = {}


def _task_started(sender, task_result, **kwargs) -> None:
    label = f"task {task_result.task.module_path}"
    _task_tokens[task_result.id] = _sources.set((*_sources.get(), label))


def _task_finished(sender, task_result, **kwargs) -> None:
    token = _task_tokens.pop(task_result.id, None)
    if token is None:
        return
    try:
        _sources.reset(token)
    except ValueError:  # finished in another context than it started
        _sources.set(_sources.get()[:-1])


def _connect_task_signals() -> None:
    """Django's tasks and the django-tasks backport (the RQ backend) each send
    their own started/finished signals."""

    modules = [signals]
    with contextlib.suppress(ImportError):
        # deferred: optional package, there only with the RQ backend
        from django_tasks import signals as backport

        modules.append(backport)
    for module in modules:
        uid = f"courses.core.audit.{module.__name__}"
        module.task_started.connect(_task_started, dispatch_uid=f"{uid}.started")
        module.task_finished.connect(_task_finished, dispatch_uid=f"{uid}.finished")


def _attribute_commands() -> None:
    """Every management command (ours, Django's, Wagtail's) becomes the source of
    the changes it makes: Django sends no signal when a command starts."""
    execute = BaseCommand.execute
    if getattr(execute, "audited", False):
        return

    @functools.wraps(execute)
    def audited_execute(self, *args, **options):  # "command" may be an option
        name = type(self).__module__.rpartition(".")[2]
        with audit_source(f"manage.py {name}"):
            return execute(self, *args, **options)

    audited_execute.audited = True
    BaseCommand.execute = audited_execute
