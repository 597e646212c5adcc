"""The task worker's log (``make run``'s ``worker |`` lines): each state change of
a task is written once, through the redacting console handler."""

import io
import logging

import pytest
from django.conf import settings
from django.tasks import task
from django.test import override_settings
from django.utils.log import configure_logging
from django_tasks_db.management.commands.db_worker import Command

TASK_LOGGERS = ["django.tasks", "django_tasks_db"]


@task()
def noop() -> str:
    return "done"


def _stream_handlers() -> list[logging.StreamHandler]:
    """Every console handler a task record can reach (pytest's aside)."""
    found = []
    for name in TASK_LOGGERS:
        logger = logging.getLogger(name)
        while logger is not None:
            found += [
                h
                for h in logger.handlers
                if isinstance(h, logging.StreamHandler)
                and "_pytest" not in type(h).__module__
            ]
            logger = logger.parent if logger.propagate else None
    return list(dict.fromkeys(found))


@pytest.fixture
def worker_log():
    """Logging set up as in the worker (``make run``: DEBUG on, then
    ``db_worker``'s own setup), every console writing into one string."""
    stream = io.StringIO()
    for name in ["django", *TASK_LOGGERS]:  # as in a new process
        logging.getLogger(name).propagate = True
    with override_settings(DEBUG=True):
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
        Command(stdout=stream).configure_logging(verbosity=1)
        for handler in _stream_handlers():
            handler.setStream(stream)
        yield stream
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    logging.getLogger("django_tasks_db").setLevel(logging.NOTSET)


def test_each_state_change_of_a_task_is_logged_once(worker_log):
    result = noop.enqueue()

    lines = [line for line in worker_log.getvalue().splitlines() if result.id in line]
    assert [line.rsplit("state=", 1)[1] for line in lines] == [
        "RUNNING",
        "SUCCESSFUL",
    ], lines
    assert all(" INFO django.tasks Task id=" in line for line in lines), lines


def test_the_worker_writes_through_the_redacting_console(worker_log):
    handlers = _stream_handlers()

    assert len(handlers) == 1
    assert any(
        f.__class__.__name__ == "RedactSecretsFilter" for f in handlers[0].filters
    )
