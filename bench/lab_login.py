"""Opening the lab through the LMS (OpenID Connect) against a bare start of it.

Run as root from the repository root: ``.venv/bin/python bench/lab_login.py
[--users 5]``. Needs the lab environment (``python -m courses.jupyter.provision``)
and Chromium at /usr/bin/chromium.

Builds everything in a temporary directory and removes it after: an SQLite
database (migrated, the demo catalogue, one cohort with the benchmark's
learners, PBKDF2 passwords as in production), the LMS on gunicorn
(``lms.settings.dev`` with DEBUG off, tasks inline) at http://localhost:<port>,
and JupyterHub with its proxy from hub_config/jupyterhub_config.py with
``HUB_SPAWNER=local`` at http://127.0.0.1:<port>, plus a benchmark-only hub
service (admin scopes) loaded from an extra config file. The learners' system
accounts (lab-b<pid>-u<n>) are deleted at the end.

For each learner, alternating which goes first, in a fresh headless Chromium
context each time (nothing cached, so both load all of JupyterLab):

- sso: open the LMS's sign-in page, sign in with the password, open
  ``/hub/user-redirect/lab`` (the hub signs in through the LMS, PKCE and all,
  and starts the lab) and wait until JupyterLab's shell is visible;
- bare: ``POST /hub/api/users/<name>/server`` with the service's token, poll
  the hub every 0.1 s until the server is ready, then open /user/<name>/lab
  with a token of the learner in an Authorization header and wait until the
  shell is visible. No sign-in of any kind.

The lab is stopped between runs. A first learner warms up (not counted). The
ratio is sso / bare, both from their first request to the shell visible. The
output is also written to bench/results/lab_login.txt.

Environment (optional): BENCH_RUN (``b<pid>``), the prefix of the learners'
handles and so of their system accounts; BENCH_OUT (the output file).
"""

import argparse
import datetime as dt
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(
    os.environ.get("BENCH_OUT", ROOT / "bench" / "results" / "lab_login.txt")
)
# Handles <RUN>-u<n>, deleted by name at the end; a test gives its run's name.
RUN = os.environ.get("BENCH_RUN", f"b{os.getpid():x}")
SHELL = "#jp-main-dock-panel"
VIEWPORT = {"width": 1280, "height": 800}
CHROMIUM = "/usr/bin/chromium"  # as tests/browser/conftest.py drives it
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]
TIMEOUT_MS = 120_000
BENCH_CONFIG = """\
# The product's hub config, plus a service for the benchmark's bare starts.
import os

c = get_config()  # noqa: F821
load_subconfig({product!r})  # noqa: F821
c.JupyterHub.services.append(
    {{"name": "bench", "api_token": os.environ["BENCH_HUB_TOKEN"]}}
)
c.JupyterHub.load_roles.append(
    {{
        "name": "bench",
        "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"],
        "services": ["bench"],
    }}
)
"""

_lines: list[str] = []


def say(text: str = "") -> None:
    print(text, flush=True)
    _lines.append(text)


def lms_environment(data: Path, *, lms_url: str, hub_url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DEBUG": "false",
        "DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "TASKS_BACKEND": "immediate",
        "SITE_URL": lms_url,
        "HUB_URL": hub_url,
        "HUB_SECRETS_DIR": str(data.parent / "secrets"),
        "LOG_LEVEL": "WARNING",
        "MAILER": "file",  # enrolment notices go to DATA_DIR/mail, not the output
    }


def prepare_database(env: dict[str, str], users: int) -> list[dict]:
    """Migrate, load the demo catalogue, enrol the learners; register the hub."""
    os.environ.update({k: v for k, v in env.items() if k != "HUB_URL"})
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from courses.demo.seed import demo_seed
    from lms.accounts.services import hub_client_register
    from lms.secrets import read_or_create_secret

    demo_seed()
    people = learners_enrolled(users)
    # Made here with the LMS's own function; the hub reads the same file.
    secret = read_or_create_secret(Path(env["HUB_SECRETS_DIR"]) / "oidc-client-secret")
    hub_client_register(hub_url=env["HUB_URL"], secret=secret)
    return people


def learners_enrolled(count: int) -> list[dict]:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from courses.catalogue.models import CoursePage
    from courses.core.models import Institution
    from courses.enrollment.cohorts import cohort_save
    from courses.enrollment.models import Cohort
    from courses.enrollment.services import enrollment_create

    now = timezone.now()
    cohort = cohort_save(
        cohort=Cohort(
            course=CoursePage.objects.live().first(),
            institution=Institution.objects.first(),
            code=RUN,
            title="Lab login benchmark",
            starts_on=now.date() + dt.timedelta(days=7),
            ends_on=now.date() + dt.timedelta(days=60),
            enrollment_opens_at=now - dt.timedelta(days=1),
            enrollment_closes_at=now + dt.timedelta(days=5),
            seats=count,
            mode=Cohort.Mode.OPEN,
        )
    )
    people = []
    for n in range(count):
        handle, password = f"{RUN}-u{n}", secrets.token_urlsafe(12)
        email = f"{handle}@example.org"
        user = get_user_model().objects.create_user(
            username=handle, email=email, password=password, full_name=handle
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        enrollment_create(user=user, cohort=cohort)
        people.append({"name": handle, "email": email, "password": password})
    return people


def start_lms(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "lms.wsgi",
                f"--bind=127.0.0.1:{port}",
                f"--bind=[::1]:{port}",  # "localhost" may mean either
                "--workers=2",
                "--threads=4",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited; see {log}:\n{log.read_text()[-2000:]}")
        try:  # the first request also loads the application: give it time
            requests.get(f"http://127.0.0.1:{port}/en/accounts/login/", timeout=30)
            return process
        except requests.RequestException:
            time.sleep(0.2)
    sys.exit(f"the LMS did not answer within 60 s; see {log}")


def stop_lms(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class Hub:
    """The hub's REST API with the benchmark service's token."""

    def __init__(self, url: str, token: str):
        self.url, self.api = url, f"{url}/hub/api"
        self.headers = {"Authorization": f"token {token}"}

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(
            method, f"{self.api}{path}", headers=self.headers, timeout=30, **kwargs
        )
        response.raise_for_status()
        return response

    def server(self, name: str) -> dict | None:
        return (self.call("GET", f"/users/{name}").json()["servers"] or {}).get("")

    def user_token(self, name: str) -> str:
        """A token of ``name``, making the hub account if there is none yet."""
        known = requests.get(f"{self.api}/users/{name}", headers=self.headers)
        if known.status_code == 404:
            self.call("POST", f"/users/{name}")
        body = {"note": "bench/lab_login.py", "expires_in": 3600}
        return self.call("POST", f"/users/{name}/tokens", json=body).json()["token"]

    def stop(self, name: str) -> None:
        if self.server(name):
            self.call("DELETE", f"/users/{name}/server")
        deadline = time.monotonic() + 60
        while self.server(name):
            if time.monotonic() > deadline:
                sys.exit(f"the lab of {name} did not stop")
            time.sleep(0.2)


def sso(browser, lms_url: str, hub: Hub, person: dict) -> dict[str, float]:
    """From opening the LMS's sign-in page to JupyterLab's shell visible."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    start = time.perf_counter()
    page.goto(f"{lms_url}/en/accounts/login/")
    page.get_by_label("Email").fill(person["email"])
    page.get_by_label("Password").fill(person["password"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
    signed_in = time.perf_counter()
    page.goto(f"{hub.url}/hub/user-redirect/lab", wait_until="commit")
    page.locator(SHELL).wait_for(state="visible")
    shell = time.perf_counter()
    assert f"/user/{person['name']}/lab" in page.url, page.url
    context.close()
    return {"total": shell - start, "lms": signed_in - start, "lab": shell - signed_in}


def bare(browser, hub: Hub, person: dict, token: str) -> dict[str, float]:
    """From the API's start request to JupyterLab's shell visible."""
    name = person["name"]
    start = time.perf_counter()
    hub.call("POST", f"/users/{name}/server")
    while not (hub.server(name) or {}).get("ready"):
        if time.perf_counter() - start > TIMEOUT_MS / 1000:
            sys.exit(f"the lab of {name} did not start")
        time.sleep(0.1)
    ready = time.perf_counter()
    context = browser.new_context(
        viewport=VIEWPORT, extra_http_headers={"Authorization": f"token {token}"}
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{hub.url}/user/{name}/lab", wait_until="commit")
    page.locator(SHELL).wait_for(state="visible")
    shell = time.perf_counter()
    context.close()
    return {"total": shell - start, "ready": ready - start, "lab": shell - ready}


def measure(browser, lms_url: str, hub: Hub, people: list[dict]) -> dict:
    tokens = {p["name"]: hub.user_token(p["name"]) for p in people}
    runs = {"sso": [], "bare": []}
    for n, person in enumerate(people):
        order = ("sso", "bare") if n % 2 else ("bare", "sso")
        for kind in order:
            if kind == "sso":
                result = sso(browser, lms_url, hub, person)
            else:
                result = bare(browser, hub, person, tokens[person["name"]])
            hub.stop(person["name"])
            label = "warm-up" if n == 0 else f"learner {n}"
            details = ", ".join(f"{k} {v:.2f} s" for k, v in result.items())
            say(f"  {label:<10} {kind:<4} {details}")
            if n:
                runs[kind].append(result)
    return runs


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def report(runs: dict) -> None:
    sso_s, bare_s = median(runs["sso"], "total"), median(runs["bare"], "total")
    ratio = sso_s / bare_s
    lms, lab = median(runs["sso"], "lms"), median(runs["sso"], "lab")
    ready, shell = median(runs["bare"], "ready"), median(runs["bare"], "lab")
    say()
    say(f"sso  median {sso_s:.2f} s: LMS sign-in {lms:.2f} s, then hub sign-in")
    say(f"     through the LMS + spawn + JupyterLab shell {lab:.2f} s")
    say(f"bare median {bare_s:.2f} s: API start to ready {ready:.2f} s, then")
    say(f"     JupyterLab shell {shell:.2f} s")
    say(f"ratio sso / bare: {ratio:.2f} (aim <= 1.3)")
    say(f"load average after: {os.getloadavg()[0]:.1f}")
    say(f"RESULT lab_login ratio={ratio:.2f} sso_s={sso_s:.2f} bare_s={bare_s:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5, help="measured learners")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("HUB_SPAWNER=local makes a system account per lab: run as root")
    from tests.hubs import CONFIG, free_port
    from tests.labs import delete_accounts, start_hub, stop_hub

    say(
        "bench/lab_login.py: the lab through the LMS's sign-in vs a bare API start,"
        f" {args.users} learners (+1 warm-up), {os.cpu_count()} CPUs"
    )
    directory = Path(tempfile.mkdtemp(prefix=f"lms-bench-lab-{RUN}-"))
    directory.chmod(0o711)
    (directory / "data").mkdir(mode=0o700)
    lms_port, hub_port = free_port(), free_port()
    lms_url, hub_url = f"http://localhost:{lms_port}", f"http://127.0.0.1:{hub_port}"
    env = lms_environment(directory / "data", lms_url=lms_url, hub_url=hub_url)
    bench_token = secrets.token_hex(32)
    config = directory / "bench_hub_config.py"
    config.write_text(BENCH_CONFIG.format(product=str(CONFIG)))
    lms = hub = None
    try:
        started = time.monotonic()
        people = prepare_database(env, args.users + 1)
        lms = start_lms(lms_port, env, directory / "lms.log")
        hub = start_hub(
            directory,
            lms_url=lms_url,
            hub_url=hub_url,
            config=config,
            extra_env={"BENCH_HUB_TOKEN": bench_token},
        )
        say(f"setup {time.monotonic() - started:.1f} s")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as driver:
            browser = driver.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            runs = measure(browser, lms_url, Hub(hub_url, bench_token), people)
            browser.close()
        report(runs)
    finally:
        if hub:
            stop_hub(hub)
        if lms:
            stop_lms(lms)
        delete_accounts(run=RUN, handles=[f"{RUN}-u{n}" for n in range(args.users + 1)])
        shutil.rmtree(directory, ignore_errors=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(_lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
