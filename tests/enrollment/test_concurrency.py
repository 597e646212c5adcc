"""Seats are never oversold, whatever the concurrency (real connections)."""

import http.client
import os
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, connections
from django.urls import reverse

from courses.enrollment.models import Enrollment
from courses.enrollment.selectors import with_waitlist_position
from courses.enrollment.services import enrollment_create
from tests.hubs import free_port
from tests.servers import gunicorn_start

Status = Enrollment.Status


def outcome(cohort) -> tuple[int, list[int]]:
    enrolled = cohort.enrollments.filter(status=Status.ENROLLED).count()
    waiting = with_waitlist_position(
        cohort.enrollments.filter(status=Status.WAITLISTED)
    )
    return enrolled, sorted(e.waitlist_position for e in waiting)


def signed_in_session(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def start_server(port: int) -> subprocess.Popen:
    """gunicorn (the production server) on the test database."""
    db = connection.settings_dict
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="lms.settings.test",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    )
    # 4 processes x 12 threads: 48 connections, within PostgreSQL's 100.
    return gunicorn_start(
        port, "--workers=4", "--threads=12", "--log-level=warning", env=env
    )


def post_enroll(port: int, path: str, session_key: str, barrier) -> int:
    token = "t" * 32
    barrier.wait()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "POST",
        path,
        body="",
        headers={
            "Cookie": f"sessionid={session_key}; csrftoken={token}",
            "X-CSRFToken": token,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    status = conn.getresponse().status
    conn.close()
    return status


ENGINE = settings.DATABASES["default"]["ENGINE"]


@pytest.mark.postgres
@pytest.mark.skipif(
    "postgresql" not in ENGINE, reason="needs PostgreSQL: DATABASE_URL=postgres://…"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_200_simultaneous_requests_for_50_seats_enrol_exactly_50(
    cohort_factory, user_factory
):
    cohort = cohort_factory(seats=50)
    sessions = [signed_in_session(user_factory()) for _ in range(200)]
    path = reverse("courses:enroll", args=[cohort.pk])
    port = free_port()
    server = start_server(port)
    try:
        barrier = threading.Barrier(200)
        with ThreadPoolExecutor(max_workers=200) as pool:
            statuses = list(
                pool.map(lambda key: post_enroll(port, path, key, barrier), sessions)
            )
    finally:
        server.terminate()
        server.wait(timeout=20)

    assert statuses == [302] * 200  # every request answered, none a server error
    enrolled, positions = outcome(cohort)
    assert enrolled == 50
    assert positions == list(range(1, 151))


@pytest.mark.skipif(
    "sqlite" not in ENGINE, reason="the SQLite variant; PostgreSQL runs the test above"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_enrolments_never_oversell_on_sqlite(cohort_factory, user_factory):
    cohort = cohort_factory(seats=10)
    users = [user_factory() for _ in range(40)]
    barrier = threading.Barrier(len(users))

    def enrol(user):
        barrier.wait()
        try:
            return enrollment_create(user=user, cohort=cohort).enrollment.status
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        results = list(pool.map(enrol, users))

    assert results.count(Status.ENROLLED) == 10
    enrolled, positions = outcome(cohort)
    assert (enrolled, positions) == (10, list(range(1, 31)))
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
