"""Submissions through the exchange API against plain uploads, on gunicorn.

Run from the repository root: ``.venv/bin/python bench/exchange.py``.

Builds its own PostgreSQL database (``lms_bench_exchange``) with a released
assignment and 40 enrolled learners, starts a real JupyterHub (the learners'
tokens are real hub tokens the LMS verifies) and the production settings on
gunicorn, then sends 200 submissions of a ~200 KB notebook, one after another
and 8 at a time, and the same bytes as plain uploads to a trivial view on the
same server, alternating. Afterwards every stored file is compared with what
was sent: ``lost`` counts answers that were not 201 or whose file is missing or
altered. Output also goes to ``bench/results/exchange.txt``.

Environment (optional): BENCH_PG, BENCH_DB (lms_bench_exchange; must start with
``lms_bench``), BENCH_SUBMISSIONS (200), BENCH_CONCURRENCY (8), BENCH_LEARNERS
(40), BENCH_WORKERS (3), BENCH_THREADS (4), BENCH_OUT (the output file).
"""

import base64
import hashlib
import io
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.database import database_create, database_name, lms_environment  # noqa: E402

RESULTS = Path(os.environ.get("BENCH_OUT", ROOT / "bench" / "results" / "exchange.txt"))
DB_NAME = database_name("lms_bench_exchange")
SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", "200"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
LEARNERS = int(os.environ.get("BENCH_LEARNERS", "40"))
UPLOAD = "/bench/upload/"
_lines: list[str] = []


def say(text: str = "") -> None:
    print(text, flush=True)
    _lines.append(text)


def environment(hub_api: str, data_dir: Path) -> dict[str, str]:
    # Tasks (grading, mail) are queued as in production; no worker runs them.
    return lms_environment(
        DB_NAME,
        data_dir,
        TASKS_BACKEND="db",
        HUB_URL=hub_api.removesuffix("/hub/api"),
        HUB_API_URL=hub_api,
    )


def setup_course(hub) -> dict:
    """A released assignment, enrolled learners with hub tokens (in-process)."""
    import django

    django.setup()
    from courses.enrollment.services import enrollment_create
    from courses.grading.models import Assignment
    from courses.grading.services.assignments import (
        assignment_check,
        assignment_release,
        assignment_save,
    )
    from tests.factories import CohortFactory, UserFactory

    names = [f"bench-{n:02d}" for n in range(LEARNERS)]
    hub.create_users(names)
    cohort = CohortFactory(seats=LEARNERS, course__parent=_catalogue_track())
    source = ROOT / "courses" / "demo" / "assignments" / "warmup"
    assignment = Assignment(
        cohort=cohort, name="warmup", title="Warm-up", max_attempts=100
    )
    assignment_save(
        assignment=assignment,
        sources={p.name: p.read_bytes() for p in source.iterdir() if p.is_file()},
    )
    assignment_check(assignment_id=assignment.pk)
    assignment_release(assignment=assignment)
    tokens = []
    for name in names:
        person = UserFactory(username=name, email=f"{name}@example.org")
        enrollment_create(user=person, cohort=cohort)
        tokens.append(hub.token_for(name))
    return {"course": cohort.lab_course_id, "tokens": tokens}


def _catalogue_track():
    from wagtail.models import Page

    from tests.factories import CataloguePageFactory, TrackPageFactory

    catalogue = CataloguePageFactory(parent=Page.get_first_root_node(), slug="bench")
    return TrackPageFactory(parent=catalogue)


def notebook_bytes(base: str, course: str, token: str) -> bytes:
    """The released notebook with a ~190 KB plot in an output: a realistic size."""
    release = requests.get(
        f"{base}/api/exchange/courses/{course}/assignments/warmup/release",
        headers={"Authorization": f"token {token}"},
        timeout=60,
    )
    notebook = json.loads(
        zipfile.ZipFile(io.BytesIO(release.content)).read("warmup.ipynb")
    )
    image = base64.b64encode(os.urandom(140_000)).decode()
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {"image/png": image},
                }
            ]
            break
    return json.dumps(notebook).encode()


def zipped(body: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("warmup.ipynb", body)
    return buffer.getvalue()


def run(send, count: int, concurrency: int) -> tuple[float, list[int]]:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        statuses = list(pool.map(send, range(count)))
    return count / (time.perf_counter() - start), statuses


def senders(base: str, course: str, tokens: list[str], archives: list[bytes]):
    url = f"{base}/api/exchange/courses/{course}/assignments/warmup/submissions"
    sessions = [requests.Session() for _ in tokens]

    def exchange(i: int) -> int:
        who = i % len(tokens)
        response = sessions[who].post(
            url,
            files={"archive": ("warmup.zip", archives[i])},
            headers={
                "Authorization": f"token {tokens[who]}",
                "Idempotency-Key": str(uuid.uuid4()),
            },
            timeout=120,
        )
        return response.status_code

    def plain(i: int) -> int:
        who = i % len(tokens)
        response = sessions[who].post(
            base + UPLOAD, files={"archive": ("warmup.zip", archives[i])}, timeout=120
        )
        return response.status_code

    return exchange, plain


def lost_count(statuses: list[int], bodies: list[bytes]) -> int:
    """Answers that were not 201, and stored files that differ from what was sent."""
    from courses.grading.models import SubmissionFile

    sent = {hashlib.sha256(b).hexdigest() for b in bodies}
    stored = 0
    for record in SubmissionFile.objects.all():
        with record.file.open("rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
        stored += digest == record.sha256 and digest in sent
    return sum(s != 201 for s in statuses) + max(0, statuses.count(201) - stored)


def main() -> None:
    from bench.server import gunicorn
    from tests.hubs import running_hub

    with tempfile.TemporaryDirectory(prefix="bench-exchange-") as tmp:
        data_dir = Path(tmp)
        with running_hub(data_dir / "hub", users=()) as hub:
            env = environment(hub.api_url, data_dir)
            env["HUB_API_TOKEN"] = hub.token
            os.environ.update(env)
            database_create(DB_NAME, env)
            course = setup_course(hub)
            tokens = course["tokens"]
            say(
                f"Exchange benchmark: {SUBMISSIONS} submissions, {LEARNERS} learners,"
                f" gunicorn {WORKERS}x{THREADS}, PostgreSQL, real JupyterHub tokens"
            )
            server = gunicorn(
                workers=WORKERS,
                threads=THREADS,
                ready_path="/bench/trivial/",
                log=data_dir / "gunicorn.log",
            )
            with server as (base, _pid):
                measure(base, course["course"], tokens)


def measure(base: str, course: str, tokens: list[str]) -> None:
    body = notebook_bytes(base, course, tokens[0])
    bodies = [
        body.replace(b'"metadata": {', f'"metadata": {{"n": {i}, '.encode(), 1)
        for i in range(2 * SUBMISSIONS)
    ]
    archives = [zipped(b) for b in bodies]
    say(f"notebook {len(body) / 1024:.0f} KB, zipped {len(archives[0]) / 1024:.0f} KB")
    exchange, plain = senders(base, course, tokens, archives)
    results, all_statuses = {}, []
    half = SUBMISSIONS
    for label, concurrency, offset in (
        ("sequential", 1, 0),
        (f"{CONCURRENCY}-way", CONCURRENCY, half),
    ):
        plain_rate, _ = run(
            lambda i, o=offset: plain(o + i), SUBMISSIONS // 2, concurrency
        )
        ex_rate, statuses = run(
            lambda i, o=offset: exchange(o + i), SUBMISSIONS // 2, concurrency
        )
        plain_rate2, _ = run(
            lambda i, o=offset: plain(o + i), SUBMISSIONS // 2, concurrency
        )
        ex_rate2, statuses2 = run(
            lambda i, o=offset + SUBMISSIONS // 2: exchange(o + i),
            SUBMISSIONS // 2,
            concurrency,
        )
        all_statuses += statuses + statuses2
        plain_median = statistics.median([plain_rate, plain_rate2])
        ex_median = statistics.median([ex_rate, ex_rate2])
        results[label] = ex_median / plain_median
        say(
            f"{label:>10}: exchange {ex_median:6.1f} submits/s,"
            f" plain upload {plain_median:6.1f}/s, ratio {results[label]:.2f}"
        )
    lost = lost_count(all_statuses, bodies)
    created = all_statuses.count(201)
    say(f"answers: {created} x 201, others {len(all_statuses) - created}")
    ratio = results[f"{CONCURRENCY}-way"]
    say(f"RESULT exchange ratio={ratio:.2f} lost={lost}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(_lines) + "\n")


if __name__ == "__main__":
    main()
