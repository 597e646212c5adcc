"""A deadline burst: a cohort submits within a minute while a worker pool grades.

Run as root from the repository root (the grading sandbox needs it):
``.venv/bin/python bench/deadline.py``.

Starts a PostgreSQL cluster of its own (bench/deadline_cluster.py: initdb in a
temporary directory, a free port; the machine's PostgreSQL is never touched),
a real JupyterHub (the learners' tokens are hub tokens the LMS verifies), the
LMS on gunicorn with the production settings, WORKERS task workers
(``manage.py db_worker``, GRADING_CONCURRENCY sandboxed kernels each) and the
sweeper (``manage.py grading_sweep``), as ``make run`` starts them; a worker
that exits is started again after a second, as a service manager would.

Then twice, each time with a new cohort of LEARNERS learners and its ps1 (the
test fixture: 3 tests, 4 points; cell time limit BENCH_CELL_TIMEOUT): the
client process (bench/deadline_client.py) submits one notebook a learner
through the exchange API, with the lab's own client, at random moments of a
WINDOW-second window, and each learner reloads their assignment page until
the score shows. The mix (bench/deadline_setup.py): most right, some failing
tests, some raising, some looping forever, some malformed (refused, then sent
right). The second run ("faults") SIGKILLs one worker (with its kernels) in the
middle of the window, once a job is being graded, and restarts PostgreSQL a
few seconds later (down BENCH_PG_DOWN_S seconds).

Each run prints ``RESULT <label> submitted=… graded=… lost=… twice=… p50_s=…
p95_s=… max_s=…``: submitted, the attempts the LMS accepted; graded, those the
autograder finished (graded, or waiting for grading by hand); lost, those
that never reached graded/manual/failed, plus any the client saw accepted that
the LMS has not; twice, those whose grading result was written more than once
(counted from the audit trail: every save that set ``graded_at``); the times
are from the learner's submit to the result on their page, measured by the
client (resolution: the poll interval). Output also goes to
``bench/results/deadline.txt`` (or BENCH_OUT).

Environment (optional): BENCH_LEARNERS (300), BENCH_WINDOW_S (60),
BENCH_WORKERS (4), BENCH_LANES (2: GRADING_CONCURRENCY per worker; the sandbox
has 16 slots, 2 a lane, shared by the whole machine), BENCH_CELL_TIMEOUT (30,
the model's default), BENCH_POLL_S (2), BENCH_LEASE_S (the product's
GRADING_LEASE_SECONDS if unset), BENCH_SWEEP_S (30), BENCH_PG_DOWN_S (5),
BENCH_GIVE_UP_S (1800: how long after the window learners keep watching),
BENCH_RUNS (``plain,faults``), BENCH_WEB_WORKERS (3), BENCH_OUT, BENCH_KEEP=1
to keep the temporary directory (the servers', workers' and client's logs).
"""

import json
import math
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.database import lms_environment  # noqa: E402
from bench.deadline_cluster import Cluster  # noqa: E402

OUT = Path(os.environ.get("BENCH_OUT", ROOT / "bench" / "results" / "deadline.txt"))
DB_NAME = "lms_bench_deadline"
LEARNERS = int(os.environ.get("BENCH_LEARNERS", "300"))
WINDOW_S = float(os.environ.get("BENCH_WINDOW_S", "60"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
LANES = int(os.environ.get("BENCH_LANES", "2"))
CELL_TIMEOUT = int(os.environ.get("BENCH_CELL_TIMEOUT", "30"))
POLL_S = float(os.environ.get("BENCH_POLL_S", "2"))
LEASE_S = os.environ.get("BENCH_LEASE_S", "")
SWEEP_S = os.environ.get("BENCH_SWEEP_S", "30")
PG_DOWN_S = float(os.environ.get("BENCH_PG_DOWN_S", "5"))
GIVE_UP_S = float(os.environ.get("BENCH_GIVE_UP_S", "1800"))
RUNS = os.environ.get("BENCH_RUNS", "plain,faults").split(",")
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "3"))
KEEP = os.environ.get("BENCH_KEEP") == "1"
FIX_S = 3.0  # a refused learner reads the message and sends the right notebook
PG_AFTER_KILL_S = 3.0
LABELS = {"plain": "deadline", "faults": "deadline-faults"}
_lines: list[str] = []


def say(text: str = "") -> None:
    print(text, flush=True)
    _lines.append(text)


def environment(cluster: Cluster, hub, data_dir: Path) -> dict[str, str]:
    extra = {
        "DATABASE_URL": cluster.url(DB_NAME),
        "TASKS_BACKEND": "db",
        "HUB_URL": hub.api_url.removesuffix("/hub/api"),
        "HUB_API_URL": hub.api_url,
        "HUB_API_TOKEN": hub.token,
        "GRADING_DIR": str(data_dir / "grading"),
        "GRADING_CONCURRENCY": str(LANES),
        "MAILER": "file",
        # nbgrader runs `alembic` for its gradebooks: the venv's bin first, as
        # in an activated environment.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    if LEASE_S:
        extra["GRADING_LEASE_SECONDS"] = LEASE_S
    env = lms_environment(DB_NAME, data_dir, **extra)
    env.pop("REDIS_URL", None)  # its own file cache: nothing shared
    return env


# The worker pool -------------------------------------------------------------


class Pool:
    """WORKERS db_workers and the sweeper; any that exits is started again."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env, self.logs = env, logs
        self.commands = {
            f"worker-{n}": ["db_worker", "--no-reload"] for n in range(WORKERS)
        }
        self.commands["sweeper"] = ["grading_sweep", "--every", SWEEP_S]
        self.processes: dict[str, subprocess.Popen] = {}
        self.restarts: list[str] = []
        self.stopping = threading.Event()
        self.watcher = threading.Thread(target=self._watch, daemon=True)

    def _start(self, name: str) -> None:
        with open(self.logs / f"{name}.log", "a") as log:
            self.processes[name] = subprocess.Popen(
                [sys.executable, "manage.py", *self.commands[name]],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # the worker and its kernels: one group
            )

    def _watch(self) -> None:
        while not self.stopping.wait(1.0):
            for name, process in list(self.processes.items()):
                if process.poll() is not None and not self.stopping.is_set():
                    self.restarts.append(f"{name} (exit {process.returncode})")
                    self._start(name)

    def __enter__(self) -> "Pool":
        for name in self.commands:
            self._start(name)
        self._wait_ready()
        self.watcher.start()
        return self

    def _wait_ready(self) -> None:
        """Until every worker polls the queue (a deadline finds them running)."""
        deadline = time.monotonic() + 180
        for name in self.commands:
            log = self.logs / f"{name}.log"
            while name != "sweeper" and "Starting worker" not in log.read_text():
                if time.monotonic() > deadline or self.processes[name].poll():
                    raise SystemExit(f"{name} did not start; see {log}")
                time.sleep(0.5)

    def kill(self, name: str) -> None:
        os.killpg(self.processes[name].pid, signal.SIGKILL)

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.watcher.join()
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


# One run ---------------------------------------------------------------------


def cohort_plan(label: str, track, hub, base: str, folder: Path) -> tuple:
    """A new cohort, its learners and the client's plan (start time unset)."""
    from django.contrib.auth.hashers import make_password

    from bench import deadline_setup as data

    assignment = data.assignment_create(
        track, seats=LEARNERS, cell_timeout=CELL_TIMEOUT
    )
    names = [f"{label}-{n:03d}" for n in range(LEARNERS)]
    hub.create_users(names)
    people = data.learners_create(
        assignment, names, make_password(secrets.token_urlsafe())
    )
    folder.mkdir(parents=True)
    files = data.notebooks(assignment, names, folder)
    moments = random.Random(label).sample(range(LEARNERS), LEARNERS)
    learners = [
        {
            "name": person.username,
            "token": hub.token_for(person.username),
            "cookie": data.session_cookie(person),
            "page": data.page_path(assignment, person),
            "at": WINDOW_S * moments[n] / LEARNERS,
            **files[n],
        }
        for n, person in enumerate(people)
    ]
    plan = {
        "base": base,
        "course": assignment.cohort.lab_course_id,
        "assignment": assignment.name,
        "poll_s": POLL_S,
        "fix_s": FIX_S,
        "learners": learners,
    }
    return assignment, plan


def faults(
    pool: Pool, cluster: Cluster, assignment, started: Path, events: list
) -> None:
    """Mid-window, once a job is being graded: SIGKILL a worker and its
    kernels; a few seconds later, restart PostgreSQL."""
    from django.db import connections

    from courses.grading.models import Submission

    while not started.exists():
        time.sleep(0.1)
    start_at = float(started.read_text())
    time.sleep(max(0.0, start_at + WINDOW_S / 2 - time.time()))
    grading = Submission.objects.filter(assignment=assignment, status="grading")
    while not grading.exists() and time.time() < start_at + WINDOW_S + GIVE_UP_S:
        time.sleep(0.2)
    connections.close_all()
    pool.kill("worker-0")
    events.append((time.time(), "worker-0 SIGKILLed"))
    time.sleep(PG_AFTER_KILL_S)
    events.append((time.time(), "PostgreSQL stopping"))
    cluster.restart(down_s=PG_DOWN_S)
    events.append((time.time(), "PostgreSQL up again"))


def burst(kind: str, plan: dict, assignment, env, cluster, folder: Path) -> dict:
    from django.utils import timezone

    from bench import deadline_setup as data

    since = timezone.now()
    plan["watch_s"] = WINDOW_S + GIVE_UP_S
    (folder / "plan.json").write_text(json.dumps(plan))
    started = folder / "start_at"  # the client writes when its window opens
    events: list = []
    with Pool(env, folder) as pool:
        injector = None
        if kind == "faults":
            injector = threading.Thread(
                target=faults,
                args=(pool, cluster, assignment, started, events),
                daemon=True,  # never outlives a client that failed
            )
            injector.start()
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "deadline_client.py"),
             folder / "plan.json", folder / "results.json"],
            cwd=ROOT, check=True, stderr=(folder / "client.log").open("w"),
        )  # fmt: skip
        if injector:
            injector.join()
        from django.db import connections

        connections.close_all()  # the database may have restarted meanwhile
        restarts = list(pool.restarts)
    state = data.submissions_state(assignment)
    state["tasks"] = data.tasks_recorded(since)
    start_at = float(started.read_text())
    state.update(events=events, restarts=restarts, start_at=start_at)
    state["client"] = json.loads((folder / "results.json").read_text())
    return state


# Figures ---------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def report(label: str, state: dict) -> dict[str, int]:
    from bench.deadline_setup import KINDS

    rows, statuses, gradings = state["rows"], state["statuses"], state["gradings"]
    client = state["client"]
    accepted = [c for c in client if "accepted" in c]
    finished = statuses["graded"] + statuses["manual"]
    ended = finished + statuses["failed"]
    lost = len(rows) - ended + max(0, len(accepted) - len(rows))
    twice = sum(1 for r in rows if gradings[r["pk"]] > 1)
    unrecorded = sum(
        1 for r in rows if r["status"] in ("graded", "manual") and not gradings[r["pk"]]
    )
    tries = [r["grading_tries"] for r in rows]
    waits = [c["visible"] - c["started"] for c in accepted if "visible" in c]
    for when, what in state["events"]:
        say(f"  {when - state['start_at']:6.1f} s  {what}")
    if state["restarts"]:
        say(f"  started again: {', '.join(state['restarts'])}")
    say(
        f"  statuses {dict(statuses)}; most grading tries {max(tries, default=0)};"
        f" gradings written {sum(gradings.values())} (unrecorded {unrecorded});"
        f" finished tasks returned {dict(state['tasks'])}"
    )
    refused = sum(1 for c in client if "refused" in c)
    malformed = sum(1 for c in client if c["kind"] == "malformed")
    expected = sum(1 for c in accepted if c.get("score") == KINDS[c["kind"]][1])
    say(
        f"  client: {len(accepted)} accepted, {refused}/{malformed} malformed refused,"
        f" {len(waits)} results seen, {expected} with the expected score;"
        f" submit errors {sum(len(c['submit_errors']) for c in client)},"
        f" page errors {sum(c.get('page_errors', 0) for c in client)},"
        f" crashed {sum(1 for c in client if 'crashed' in c)}"
    )
    server = [
        (r["graded_at"] - r["submitted_at"]).total_seconds()
        for r in rows
        if r["graded_at"]
    ]
    if server:
        say(
            "  in the database, submitted -> graded_at:"
            f" p50 {statistics.median(server):.1f} s,"
            f" p95 {percentile(server, 0.95):.1f} s, max {max(server):.1f} s"
        )
    times = (
        f"p50_s={statistics.median(waits):.1f} p95_s={percentile(waits, 0.95):.1f}"
        f" max_s={max(waits):.1f}"
        if waits
        else "p50_s=none p95_s=none max_s=none"
    )
    say(
        f"RESULT {label} submitted={len(rows)} graded={finished} lost={lost}"
        f" twice={twice} {times}"
    )
    return {"submitted": len(rows), "graded": finished, "lost": lost, "twice": twice}


def main() -> None:
    if os.geteuid() != 0:
        raise SystemExit("Run as root: the grading sandbox needs it.")
    from courses.jupyter.provision import provision

    provision()  # idempotent: the sandbox's slot users and interpreter
    from tests.hubs import running_hub

    cluster = Cluster()
    data_dir = Path(tempfile.mkdtemp(prefix="bench-deadline-"))
    try:
        cluster.start()
        cluster.create_database(DB_NAME)
        with running_hub(data_dir / "hub", users=()) as hub:
            env = environment(cluster, hub, data_dir)
            measure(env, hub, cluster, data_dir)
    finally:
        cluster.stop()
        if KEEP:
            print(f"Kept {data_dir} (logs: gunicorn, workers, client)")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(_lines) + "\n")


def measure(env: dict[str, str], hub, cluster: Cluster, data_dir: Path) -> None:
    from bench.server import gunicorn

    for command in (["migrate"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    # This process sets up the data with tasks run inline (the enrolments' lab
    # sync and notices happened long before a deadline); the servers queue.
    os.environ.update({**env, "TASKS_BACKEND": "immediate"})
    import django

    django.setup()
    os.environ.update(env)
    from bench.deadline_setup import catalogue_track

    say(
        f"Deadline burst: {LEARNERS} learners in {WINDOW_S:g} s, {WORKERS} db_workers x"
        f" {LANES} sandboxed lanes, cell limit {CELL_TIMEOUT} s, page reloaded every"
        f" {POLL_S:g} s; gunicorn {WEB_WORKERS}x4, own PostgreSQL, JupyterHub tokens"
    )
    server = gunicorn(
        workers=WEB_WORKERS,
        threads=4,
        ready_path="/bench/trivial/",
        log=data_dir / "gunicorn.log",
    )
    with server as (base, _pid):
        track = catalogue_track()
        for kind in RUNS:
            label = LABELS[kind]
            started = time.monotonic()
            assignment, plan = cohort_plan(label, track, hub, base, data_dir / label)
            say(f"{label}: set up in {time.monotonic() - started:.0f} s")
            state = burst(kind, plan, assignment, env, cluster, data_dir / label)
            report(label, state)


if __name__ == "__main__":
    main()
