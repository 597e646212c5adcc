"""Catalogue pages against a trivial Django view, on gunicorn and PostgreSQL.

Run from the repository root: ``.venv/bin/python bench/catalogue.py``.

Builds its own database (``lms_bench``, dropped and recreated) with a track of 200
courses and 1,000 cohorts and one of 20 courses, counts the SQL queries of each
page with the cache cold, then serves the production settings with gunicorn and
measures, as an anonymous visitor, requests per second of the trivial view, the
track page and a course page, interleaved over several rounds (medians). The
output is also written to ``bench/results/catalogue.txt``.

Environment (all optional): BENCH_PG (server URL without database,
default ``postgresql://postgres@127.0.0.1:5432``), BENCH_DB (``lms_bench``; must
start with ``lms_bench``), BENCH_REDIS_URL (default ``redis://127.0.0.1:6379/7``),
BENCH_CACHE_PREFIX (``lms-bench``), BENCH_DATA_DIR (``data/bench``), BENCH_WORKERS
(3), BENCH_THREADS (4), BENCH_CONNECTIONS (12), BENCH_ROUNDS (9), BENCH_SECONDS (3),
BENCH_WARMUP_S (1, a page), BENCH_SMALL (20) and BENCH_LARGE (200) courses a
track, BENCH_OUT (the output file).
"""

import os
import resource
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.database import PG, database_name  # noqa: E402

RESULTS = Path(
    os.environ.get("BENCH_OUT", ROOT / "bench" / "results" / "catalogue.txt")
)
DB_NAME = database_name("lms_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
CACHE_PREFIX = os.environ.get("BENCH_CACHE_PREFIX", "lms-bench")
DATA_DIR = Path(os.environ.get("BENCH_DATA_DIR", ROOT / "data" / "bench"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "12"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "9"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
WARMUP = float(os.environ.get("BENCH_WARMUP_S", "1"))
SIZES = {
    "small": int(os.environ.get("BENCH_SMALL", "20")),
    "large": int(os.environ.get("BENCH_LARGE", "200")),
}
TRIVIAL = "/bench/trivial/"

_lines: list[str] = []


def say(text: str = "") -> None:
    print(text, flush=True)
    _lines.append(text)


def environment() -> dict[str, str]:
    """The production configuration, pointed at the benchmark's own services."""
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": CACHE_PREFIX,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "DATA_DIR": str(DATA_DIR),
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    return env


def database_recreate() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def cache_clear() -> None:
    """Forget pages of earlier runs (only this benchmark's keys)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{CACHE_PREFIX}:*", count=1000):
        client.delete(key)


def prepare() -> dict:
    """Database, static files and data; returns the pages to measure."""
    import django
    from django.core.management import call_command

    started = time.monotonic()
    database_recreate()
    cache_clear()
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    say(f"setup: migrate + collectstatic {time.monotonic() - started:.1f} s")

    from bench.catalogue_data import catalogue_load

    started = time.monotonic()
    tracks = catalogue_load(sizes=SIZES)
    large = tracks["large"]
    course = large.get_children().live().specific().first()
    say(
        f"data: {sum(SIZES.values())} courses, "
        f"{_count('courses.Cohort')} cohorts, "
        f"{_count('courses.Enrollment')} enrolments "
        f"loaded in {time.monotonic() - started:.1f} s"
    )
    return {
        "small": tracks["small"].url,
        "large": large.url,
        "course": course.url,
        "course_small": tracks["small"].get_children().first().url,
    }


def _count(label: str) -> int:
    from django.apps import apps

    return apps.get_model(label).objects.count()


def queries(path: str) -> tuple[int, int]:
    """SQL queries of one anonymous page view: page cache cold, then warm."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from courses.catalogue.cache import catalogue_changed

    client = Client()
    client.get(path)  # load the site, locale and template caches of the process
    catalogue_changed()  # outside a transaction: the version moves at once
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        counts.append(len(captured))
    return counts[0], counts[1]


def check_pages(base: str, targets: dict[str, str]) -> None:
    """Each target answers 200 with the content it should have."""
    from bench.http_load import fetch

    for name, path in targets.items():
        status, body = fetch(base + path)
        assert status == 200, (name, path, status)
        if name == "track":  # a link to each of its courses
            links = body.count(f'href="{path}large-c')
            assert links == SIZES["large"], (name, links)
        say(f"{name:>8}: {path} ({len(body.encode()) // 1024} KiB)")


def _measure(url: str, server_pgid: int) -> tuple[float, float]:
    """Requests per second, and CPU microseconds a request (server + client)."""
    from bench.http_load import group_cpu_seconds, measure

    server = group_cpu_seconds(server_pgid)
    client = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = measure(url, seconds=SECONDS, connections=CONNECTIONS)
    assert load.errors == 0, (url, load)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = group_cpu_seconds(server_pgid) - server
    cpu += after.ru_utime + after.ru_stime - client.ru_utime - client.ru_stime
    return load.rps, cpu / load.requests * 1e6


def run_rounds(base: str, targets: dict[str, str], pgid: int) -> dict:
    """Every target once per round, the order rotated each round."""
    from bench.http_load import measure

    for path in targets.values():  # warm the page cache and each worker
        measure(base + path, seconds=WARMUP, connections=CONNECTIONS)
    names = list(targets)
    rps: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for r in range(ROUNDS):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            rate, micros = _measure(base + targets[name], pgid)
            rps[name].append(rate)
            cpu[name].append(micros)
        cells = [f"{n} {rps[n][-1]:5.0f} rps {cpu[n][-1]:4.0f} us" for n in names]
        say(f"round {r + 1:>2}: " + "  ".join(cells))
    return {"rps": rps, "cpu": cpu}


def summary(rounds: dict) -> float:
    """Print medians; return the track page's ratio (median of per-round ratios)."""
    rps, cpu = rounds["rps"], rounds["cpu"]
    median = {name: statistics.median(values) for name, values in rps.items()}
    say(
        "median: "
        + ", ".join(
            f"{name} {median[name]:.0f} rps ({statistics.median(cpu[name]):.0f} us "
            "CPU a request)"
            for name in rps
        )
    )
    ratios = {}
    for name in ("track", "course"):
        per_round = zip(rps[name], rps["trivial"], strict=True)
        ratios[name] = statistics.median(page / trivial for page, trivial in per_round)
        by_cpu = statistics.median(cpu["trivial"]) / statistics.median(cpu[name])
        say(
            f"{name}/trivial: {ratios[name]:.2f} by rps (median of rounds; "
            f"{median[name] / median['trivial']:.2f} of medians), {by_cpu:.2f} by CPU"
        )
    return ratios["track"]


def serve_and_measure(pages: dict[str, str]) -> dict:
    """Start gunicorn on the benchmark's database; measure the pages in rounds."""
    from django.db import connections

    from bench import http_load
    from bench.server import gunicorn

    loader = "wrk -t1" if http_load.wrk_path() else "Python threads (no wrk)"
    say(
        f"server: gunicorn gthread, {WORKERS} workers x {THREADS} threads; "
        f"load: {loader}, {CONNECTIONS} keep-alive connections; "
        f"{ROUNDS} rounds x {SECONDS:g} s a page; {os.cpu_count()} cores"
    )
    connections.close_all()  # the server has its own
    targets = {"trivial": TRIVIAL, "track": pages["large"], "course": pages["course"]}
    log = RESULTS.with_suffix(".server.log")
    with gunicorn(
        workers=WORKERS, threads=THREADS, ready_path=TRIVIAL, log=log
    ) as server:
        base, pgid = server
        check_pages(base, targets)
        return run_rounds(base, targets, pgid)


def main() -> int:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    environment()
    say("bench/catalogue.py: anonymous catalogue pages vs a trivial Django view")
    pages = prepare()
    # Keyed by the full sizes, as the RESULT line names them, whatever the size.
    counts = {n: queries(pages[key]) for n, key in (("20", "small"), ("200", "large"))}
    for (cold, warm), size in zip(counts.values(), SIZES.values(), strict=True):
        say(f"SQL queries, track page, {size:>3} courses: {cold} cold, {warm} cached")
    for key in ("course_small", "course"):
        cold, warm = queries(pages[key])
        say(f"SQL queries, course page ({key}): {cold} cold, {warm} cached")
    ratio = summary(serve_and_measure(pages))
    say(
        f"RESULT catalogue ratio={ratio:.2f} "
        f"queries_20={counts['20'][0]} queries_200={counts['200'][0]}"
    )
    RESULTS.write_text("\n".join(_lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
