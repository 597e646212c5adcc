"""Hostile uploads: a 300 MB body sent to a real gunicorn is refused with the
clear 413 message before it is read, the worker's memory stays flat, and
nothing is stored; malformed uploads on the learner's page get their messages.

(The exchange API's bad archives, zip bomb included, are in
tests/grading/test_api.py.)
"""

import contextlib
import io
import json
import logging
import os
import select
import socket
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from courses.core.errors import ServiceError
from courses.core.http import UploadLimitHandler
from courses.enrollment.services import enrollment_create
from courses.grading.models import Submission, SubmissionFile
from courses.grading.services.assignments import assignment_release
from tests.enrollment.test_concurrency import signed_in_session
from tests.grading.test_api import (
    answer,
    course_url,
    make_assignment,
    zip_of,
)
from tests.grading.test_gradebook import make_assignment as plain_assignment
from tests.hubs import free_port
from tests.servers import gunicorn_start

MB = 2**20
BODY = 300 * MB
BOUNDARY = "hostile-upload-boundary"
GROWTH_LIMIT = 20 * MB
log = logging.getLogger(__name__)


# -- a real gunicorn --------------------------------------------------------------


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@contextlib.contextmanager
def gunicorn(**env: str):
    """One sync worker (so one process to measure) on the test database."""
    port = free_port()
    environment = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="lms.settings.test",
        DATABASE_URL=_database_url(),
        **env,
    )
    server = gunicorn_start(
        port,
        "--workers=1",
        "--timeout=120",
        "--log-level=warning",
        env=environment,
    )
    try:
        yield port, _worker_of(server, port)
    finally:
        server.terminate()
        server.wait(timeout=20)


def _worker_of(server: subprocess.Popen, port: int) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited"
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text()
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            if children.split():
                return int(children.split()[0])
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def memory(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (the peak), in bytes."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) * 1024
    return fields


def reset_peak(pid: int) -> None:
    """Start VmHWM afresh from the current RSS (Linux ≥ 4.0, as root)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


# -- one hostile request ----------------------------------------------------------


def multipart_head(field: str, filename: str) -> bytes:
    return (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()


def send_hostile(
    port: int, path: str, headers: dict[str, str], *, length: int | None, chunked=False
) -> tuple[int, bytes]:
    """POST a 300 MB multipart body (declaring ``length``, or chunked); stop
    sending as soon as the server answers. Returns (status, body)."""
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    head += [f"Content-Type: multipart/form-data; boundary={BOUNDARY}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    head += ["Transfer-Encoding: chunked"] if chunked else []
    head += [f"Content-Length: {length}"] if length is not None else []
    sock = socket.create_connection(("127.0.0.1", port), timeout=120)
    with sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        # Refused by its length: the answer comes before any of the body.
        if not select.select([sock], [], [], 3)[0]:
            _stream_body(sock, chunked=chunked)
        return _read_response(sock)


def _stream_body(sock: socket.socket, *, chunked: bool) -> None:
    block = b"\0" * MB
    parts = [multipart_head("archive", "big.zip"), *([block] * (BODY // MB))]
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        for part in parts:
            if select.select([sock], [], [], 0)[0]:
                return  # answered: stop sending
            sock.sendall(b"%x\r\n%s\r\n" % (len(part), part) if chunked else part)
        sock.sendall(b"0\r\n\r\n" if chunked else f"\r\n--{BOUNDARY}--\r\n".encode())


def _read_response(sock: socket.socket) -> tuple[int, bytes]:
    data = b""
    with contextlib.suppress(ConnectionResetError):
        while chunk := sock.recv(65536):
            data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


# -- the tests --------------------------------------------------------------------


@pytest.fixture
def assignment(cohort_factory, learner):
    cohort = cohort_factory()
    enrollment_create(user=learner, cohort=cohort)
    return plain_assignment(cohort, "ps1")


HOSTILE_BODIES = {  # declared length, chunked
    "declares 300 MB": (BODY, False),
    "declares 1 MB, sends 300 MB": (MB, False),
    "chunked, no length": (None, True),
}


def _measure(port: int, worker: int, path: str, headers: dict, case: str):
    length, chunked = HOSTILE_BODIES[case]
    # Warm the worker up (imports, first queries), then measure from here.
    send_hostile(port, path, headers, length=2 * BODY)
    reset_peak(worker)
    before = memory(worker)
    status, body = send_hostile(port, path, headers, length=length, chunked=chunked)
    growth = memory(worker)["VmHWM"] - before["VmRSS"]
    log.info("%s %s: %d, worker peak +%.1f MB", path, case, status, growth / MB)
    return status, body, growth


@pytest.mark.timeout(600)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_300_mb_to_the_exchange_is_refused_with_flat_memory(
    on_hub, learner, assignment
):
    learner.language = "en"
    learner.save(update_fields=["language"])
    headers = {"Authorization": f"token {on_hub.token_for(learner.username)}"}
    path = f"{course_url(assignment.cohort)}/submissions"

    with gunicorn(HUB_API_URL=on_hub.api_url) as (port, worker):
        outcomes = {
            case: _measure(port, worker, path, headers, case) for case in HOSTILE_BODIES
        }

    status, body, growth = outcomes["declares 300 MB"]
    assert status == 413
    assert json.loads(body)["detail"] == "The upload is larger than 20 MB."
    for case, (status, body, growth) in outcomes.items():
        assert 400 <= status < 500, (case, body[:300])
        assert growth < GROWTH_LIMIT, case
    assert not Submission.objects.exists() and not SubmissionFile.objects.exists()


@pytest.mark.timeout(600)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_300_mb_to_the_upload_page_is_refused_with_flat_memory(learner, assignment):
    session = signed_in_session(learner)
    token = "t" * 32
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={token}",
        "X-CSRFToken": token,
    }
    with translation.override("en"):
        path = reverse("courses:assignment", args=[assignment.pk])

    with gunicorn() as (port, worker):
        outcomes = {
            case: _measure(port, worker, path, headers, case) for case in HOSTILE_BODIES
        }

    status, body, growth = outcomes["declares 300 MB"]
    assert status == 413
    assert "The upload is larger than 20 MB." in body.decode()
    assert assignment.title in body.decode()  # the assignment's page, not an error
    for case, (status, body, growth) in outcomes.items():
        assert status < 500, (case, body[:300])
        assert growth < GROWTH_LIMIT, case
    assert not Submission.objects.exists() and not SubmissionFile.objects.exists()


def test_reading_stops_at_the_limit_whatever_the_length_said(settings, rf, english_ui):
    settings.EXCHANGE_MAX_UPLOAD_BYTES = 2 * MB
    handler = UploadLimitHandler(rf.post("/"))
    handler.receive_data_chunk(b"\0" * MB, 0)
    handler.receive_data_chunk(b"\0" * MB, MB)

    with pytest.raises(ServiceError) as refused:
        handler.receive_data_chunk(b"\0", 2 * MB)

    assert refused.value.code == "too_large"
    assert refused.value.message == "The upload is larger than 2 MB."


# -- malformed uploads on the learner's page ---------------------------------------


@pytest.fixture
def released(cohort_factory, learner, django_capture_on_commit_callbacks):
    cohort = cohort_factory()
    assignment = make_assignment(cohort, django_capture_on_commit_callbacks)
    assignment = assignment_release(assignment=assignment)
    enrollment_create(user=learner, cohort=cohort)
    return assignment


def upload_on_page(client, assignment, name: str, data: bytes):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(
        reverse("courses:assignment", args=[assignment.pk]),
        {"files": upload, "key": "k1"},
        follow=True,
    )


def released_notebook(assignment) -> dict:
    return json.loads(
        assignment.files.get(kind="release", path="ps1.ipynb").file.read()
    )


def bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.bin", b"\0" * (150 * MB))  # 150 KB packed
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("ps1.zip", bomb, "The archive unpacks to more than 100 MB."),
        ("ps1.ipynb", lambda: b"{not json", "ps1.ipynb: not a notebook (unreadable"),
        ("ps1.zip", lambda: b"PK but not really", "The upload is not a zip archive"),
    ],
    ids=["zip bomb", "notebook not JSON", "not a zip"],
)
def test_malformed_uploads_on_the_page_get_their_message(
    client_for, learner, released, english_ui, name, make, message
):
    response = upload_on_page(client_for(learner), released, name, make())

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Submission.objects.exists() and not SubmissionFile.objects.exists()


def test_a_huge_notebook_within_the_limit_is_received_whole(
    client_for, learner, released, english_ui
):
    notebook = released_notebook(released)
    notebook["metadata"]["padding"] = "x" * (15 * MB)  # 15 MB of JSON, valid
    data = answer(notebook)

    response = upload_on_page(
        client_for(learner), released, "ps1.zip", zip_of({"ps1.ipynb": data})
    )

    assert "Attempt 1 received" in response.content.decode()
    stored = SubmissionFile.objects.get(submission__user=learner, path="ps1.ipynb")
    assert stored.file.read() == data
