"""The exchange API (docs/exchange-api.md) with real hub tokens (tests/hubs.py)."""

import datetime as dt
import hashlib
import io
import json
import stat
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.utils import timezone

from courses.enrollment.services import enrollment_create
from courses.grading.models import Assignment, Submission, SubmissionFile
from courses.grading.services.assignments import assignment_release, assignment_save
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SOURCE = Path(__file__).parents[1] / "jupyter" / "fixtures" / "source" / "ps1"
API = "/api/exchange"


def sources() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in SOURCE.iterdir() if p.is_file()}


def make_assignment(cohort, capture, **fields) -> Assignment:
    assignment = Assignment(cohort=cohort, name="ps1", title="Problem set 1", **fields)
    with capture(execute=True):  # the check runs in the (inline) task queue
        assignment_save(assignment=assignment, sources=sources())
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.READY, assignment.problems
    return assignment


@pytest.fixture
def cohort(cohort_factory):
    return cohort_factory(seats=100)


@pytest.fixture
def released(cohort, django_capture_on_commit_callbacks):
    assignment = make_assignment(cohort, django_capture_on_commit_callbacks)
    return assignment_release(assignment=assignment)


@pytest.fixture
def learner_token(on_hub, learner, cohort):
    """The lab's token of ``learner``, whose own language is English: the LMS
    answers a lab in its person's language (Korean by default)."""
    learner.language = "en"
    learner.save(update_fields=["language"])
    enrollment_create(user=learner, cohort=cohort)
    return on_hub.token_for(learner.username)


def auth(token):
    return {"HTTP_AUTHORIZATION": f"token {token}"}


def course_url(cohort) -> str:
    return f"{API}/courses/{cohort.lab_course_id}/assignments/ps1"


def released_notebook(client, token, cohort) -> dict:
    response = client.get(f"{course_url(cohort)}/release", **auth(token))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return json.loads(archive.read("ps1.ipynb"))


def zip_of(files: dict[str, bytes], *, modes: dict[str, int] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name)
            if modes and name in modes:
                info.external_attr = modes[name] << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def submit(client, token, cohort, archive: bytes, key: str | None = None):
    return client.post(
        f"{course_url(cohort)}/submissions",
        {"archive": io.BytesIO(archive)},
        HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()),
        **auth(token),
    )


def answer(notebook: dict) -> bytes:
    return json.dumps(notebook).encode()


def test_list_shows_released_assignments_with_notebooks_and_attempts(
    client, released, learner_token
):
    response = client.get(f"{API}/assignments", **auth(learner_token))

    assert response.status_code == 200
    (item,) = response.json()["assignments"]
    assert (item["course_id"], item["assignment_id"]) == (
        released.cohort.lab_course_id,
        "ps1",
    )
    assert item["notebooks"] == ["ps1"]
    assert item["attempts_left"] == 3 and item["submissions"] == []


def test_unreleased_assignments_are_not_listed_or_fetched(
    client, cohort, learner_token, django_capture_on_commit_callbacks
):
    make_assignment(cohort, django_capture_on_commit_callbacks)  # never released

    listing = client.get(f"{API}/assignments", **auth(learner_token)).json()
    fetch = client.get(f"{course_url(cohort)}/release", **auth(learner_token))

    assert listing["assignments"] == []
    assert fetch.status_code == 404 and fetch.json()["code"] == "not_found"


def test_the_release_is_the_student_version(client, released, learner_token):
    notebook = released_notebook(client, learner_token, released.cohort)

    text = json.dumps(notebook)
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    assert "YOUR CODE HERE" in text


def test_submit_records_an_attempt_at_server_time(
    client, released, learner_token, learner
):
    before = timezone.now()
    response = submit(
        client,
        learner_token,
        released.cohort,
        zip_of(
            {
                "ps1.ipynb": answer(
                    released_notebook(client, learner_token, released.cohort)
                )
            }
        ),
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["attempt"], body["late"], body["warnings"]) == (1, False, [])
    submission = Submission.objects.get(user=learner)
    assert submission.submitted_at >= before
    assert submission.source == Submission.Source.LAB


def test_a_retried_submit_makes_no_second_attempt(client, released, learner_token):
    archive = zip_of(
        {"ps1.ipynb": answer(released_notebook(client, learner_token, released.cohort))}
    )

    first = submit(client, learner_token, released.cohort, archive, key="same-key")
    again = submit(client, learner_token, released.cohort, archive, key="same-key")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["attempt"] == first.json()["attempt"] == 1
    assert Submission.objects.count() == 1


def test_attempts_run_out(client, released, learner_token):
    released.max_attempts = 2
    released.save()
    archive = zip_of(
        {"ps1.ipynb": answer(released_notebook(client, learner_token, released.cohort))}
    )

    statuses = [
        submit(client, learner_token, released.cohort, archive).status_code
        for _ in range(3)
    ]
    refused = submit(client, learner_token, released.cohort, archive)

    assert statuses == [201, 201, 409]
    assert refused.json()["code"] == "no_attempts_left"
    assert "2 attempts" in refused.json()["detail"]


def test_due_date_passed_with_refuse_policy_is_refused_with_a_message(
    client, released, learner_token
):
    notebook = answer(released_notebook(client, learner_token, released.cohort))
    released.due_at = timezone.now() - dt.timedelta(hours=1)
    released.release_at = timezone.now() - dt.timedelta(days=2)
    released.late_policy = Assignment.LatePolicy.REFUSE
    released.save()

    response = submit(
        client, learner_token, released.cohort, zip_of({"ps1.ipynb": notebook})
    )

    assert response.status_code == 409
    assert response.json()["code"] == "deadline_passed"
    assert "takes no late work" in response.json()["detail"]


def test_a_refusal_is_in_the_persons_own_language_korean_by_default(
    client, released, learner, learner_token
):
    learner.language = "ko"
    learner.save(update_fields=["language"])
    released.max_attempts = 1
    released.save()
    archive = zip_of(
        {"ps1.ipynb": answer(released_notebook(client, learner_token, released.cohort))}
    )
    submit(client, learner_token, released.cohort, archive)

    refused = submit(client, learner_token, released.cohort, archive)

    assert refused.status_code == 409
    assert "제출 기회" in refused.json()["detail"]


def test_late_work_with_penalty_policy_is_accepted_and_marked_late(
    client, released, learner_token
):
    notebook = answer(released_notebook(client, learner_token, released.cohort))
    released.release_at = timezone.now() - dt.timedelta(days=3)
    released.due_at = timezone.now() - dt.timedelta(days=1)
    released.save()

    response = submit(
        client, learner_token, released.cohort, zip_of({"ps1.ipynb": notebook})
    )

    assert response.status_code == 201
    assert response.json()["late"] is True
    assert response.json()["late_by_seconds"] >= 86400


def test_no_token_or_a_forged_token_is_refused(client, released, on_hub):
    for headers in ({}, auth("forged-token"), {"HTTP_AUTHORIZATION": "Bearer x"}):
        response = client.get(f"{API}/assignments", **headers)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


def test_a_learner_of_another_cohort_can_neither_list_fetch_nor_submit(
    client, released, on_hub, other_learner, cohort_factory, learner_token
):
    enrollment_create(user=other_learner, cohort=cohort_factory())
    token = on_hub.token_for(other_learner.username)
    notebook = answer(released_notebook(client, learner_token, released.cohort))

    listing = client.get(f"{API}/assignments", **auth(token)).json()
    fetch = client.get(f"{course_url(released.cohort)}/release", **auth(token))
    sent = submit(client, token, released.cohort, zip_of({"ps1.ipynb": notebook}))

    assert listing["assignments"] == []
    assert fetch.status_code == sent.status_code == 404
    assert not Submission.objects.exists()


def test_a_learner_downloads_only_their_own_attempts(
    client,
    released,
    on_hub,
    learner_token,
    other_learner,
    django_capture_on_commit_callbacks,
):
    submit(
        client,
        learner_token,
        released.cohort,
        zip_of(
            {
                "ps1.ipynb": answer(
                    released_notebook(client, learner_token, released.cohort)
                )
            }
        ),
    )
    enrollment_create(user=other_learner, cohort=released.cohort)
    theirs = on_hub.token_for(other_learner.username)
    url = f"{course_url(released.cohort)}/submissions/1"

    mine = client.get(url, **auth(learner_token))
    other = client.get(url, **auth(theirs))

    assert mine.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(mine.content)).namelist() == ["ps1.ipynb"]
    assert other.status_code == 404


def bad_upload_cases(notebook: bytes) -> dict[str, tuple[bytes, int, str]]:
    empty = json.dumps(
        {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}
    )
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ps1.ipynb", notebook)
        archive.writestr("data.bin", b"\0" * (150 * 2**20))  # 150 MB of zeros
    return {
        "malformed json": (zip_of({"ps1.ipynb": b"{not json"}), 400, "bad_notebook"),
        "empty notebook": (zip_of({"ps1.ipynb": empty.encode()}), 400, "bad_notebook"),
        "not a zip": (b"PK but not really", 400, "bad_archive"),
        "parent dir": (zip_of({"../evil.ipynb": notebook}), 400, "bad_archive"),
        "absolute": (zip_of({"/etc/evil.ipynb": notebook}), 400, "bad_archive"),
        "symlink": (
            zip_of(
                {"ps1.ipynb": notebook, "link": b"/etc/passwd"},
                modes={"link": stat.S_IFLNK | 0o777},
            ),
            400,
            "bad_archive",
        ),
        "program": (
            zip_of({"ps1.ipynb": notebook, "run": b"\x7fELF" + b"\0" * 60}),
            400,
            "bad_archive",
        ),
        "zip bomb": (bomb.getvalue(), 413, "too_large"),
        "no notebook": (zip_of({"notes.txt": b"hello"}), 400, "no_notebook"),
    }


BAD_UPLOADS = ["malformed json", "empty notebook", "not a zip", "parent dir",
               "absolute", "symlink", "program", "zip bomb", "no notebook"]  # fmt: skip


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    client, released, learner_token, case
):
    notebook = answer(released_notebook(client, learner_token, released.cohort))
    archive, status, code = bad_upload_cases(notebook)[case]

    response = submit(client, learner_token, released.cohort, archive)

    assert response.status_code == status, response.content
    assert response.json()["code"] == code and response.json()["detail"]
    assert not Submission.objects.exists() and not SubmissionFile.objects.exists()


def test_a_100_mb_upload_is_refused_before_it_is_read(client, released, learner_token):
    response = client.post(
        f"{course_url(released.cohort)}/submissions",
        data=b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(100 * 2**20),
        **auth(learner_token),
    )
    assert response.status_code == 413
    assert "20 MB" in response.json()["detail"]


def test_tampered_metadata_is_stored_with_a_warning(client, released, learner_token):
    notebook = released_notebook(client, learner_token, released.cohort)
    for cell in notebook["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            meta["grade_id"] += "-renamed"  # a learner "moved" a test cell
            break

    response = submit(
        client, learner_token, released.cohort, zip_of({"ps1.ipynb": answer(notebook)})
    )

    assert response.status_code == 201
    warnings = response.json()["warnings"]
    assert any("missing or its id was changed" in w for w in warnings)
    assert Submission.objects.get().warnings == warnings


def test_openapi_schema_documents_the_exchange(client):
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    assert "/api/exchange/assignments" in paths
    assert (
        "/api/exchange/courses/{course_id}/assignments/{assignment_id}/submissions"
        in paths
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_50_concurrent_submits_store_50_attempts_with_intact_files(
    live_server, on_hub, cohort, released
):
    names = [f"crowd-{n:02d}" for n in range(50)]
    on_hub.create_users(names)
    for name in names:
        person = UserFactory(username=name, email=f"{name}@example.org")
        enrollment_create(user=person, cohort=cohort)
    tokens = [on_hub.token_for(name) for name in names]
    release = requests.get(
        f"{live_server.url}{course_url(cohort)}/release",
        headers={"Authorization": f"token {tokens[0]}"},
        timeout=30,
    )
    notebook = json.loads(
        zipfile.ZipFile(io.BytesIO(release.content)).read("ps1.ipynb")
    )
    bodies = [  # a different file for each learner
        answer({**notebook, "metadata": {**notebook["metadata"], "learner": name}})
        for name in names
    ]

    def send(index: int) -> int:
        response = requests.post(
            f"{live_server.url}{course_url(cohort)}/submissions",
            files={"archive": ("ps1.zip", zip_of({"ps1.ipynb": bodies[index]}))},
            headers={
                "Authorization": f"token {tokens[index]}",
                "Idempotency-Key": str(uuid.uuid4()),
            },
            timeout=120,
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(send, range(50)))

    assert statuses == [201] * 50
    files = SubmissionFile.objects.select_related("submission__user")
    stored = {record.submission.user.username: record for record in files}
    assert sorted(stored) == names
    for name, body in zip(names, bodies, strict=True):
        with stored[name].file.open("rb") as handle:
            assert handle.read() == body
        assert stored[name].sha256 == hashlib.sha256(body).hexdigest()
