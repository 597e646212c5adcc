"""Start the whole system on the embedded default: `make run`.

Prepares the database and demo data, then runs the LMS (gunicorn), the task worker
and, when configured, JupyterHub with its proxy; prints where each listens. Ctrl-C
stops everything; if one process dies, the others are stopped too.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
HOST = os.environ.get("LMS_HOST", "127.0.0.1")
PORT = os.environ.get("LMS_PORT", "8000")
HUB_PORT = os.environ.get("HUB_PORT", "8001")
# Different host names for the LMS and the hub keep their cookies apart: a
# learner's lab must never receive the LMS's session cookie.
LMS_URL = os.environ.get("LMS_PUBLIC_URL", f"http://localhost:{PORT}")
HUB_URL = os.environ.get("HUB_URL", f"http://127.0.0.1:{HUB_PORT}")
LAB = os.environ.get("LAB", "on") != "off"


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
    env.setdefault("SITE_URL", LMS_URL)
    env.setdefault("PYTHONUNBUFFERED", "1")
    # The demo accounts have no second factor: let them into the admin.
    env.setdefault("ADMIN_REQUIRE_MFA", "false")
    if LAB:
        env.setdefault("HUB_URL", HUB_URL)
        env.setdefault("LMS_URL", LMS_URL)
        env.setdefault("HUB_STATE_DIR", str(ROOT / "data" / "hub"))
        env.setdefault("HUB_SECRETS_DIR", str(ROOT / "data" / "hub-secrets"))
        env.setdefault("PYTHONPATH", str(ROOT))
    return env


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def services(env: dict[str, str]) -> dict[str, list[str]]:
    workers = os.environ.get("LMS_WEB_WORKERS", "3")
    return {
        "web": [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "lms.wsgi",
            f"--bind={HOST}:{PORT}",
            f"--workers={workers}",
            "--threads=4",
            "--access-logfile=-",
            # Blanks invitation, confirmation and reset tokens in the access log.
            "--logger-class=lms.logging.GunicornLogger",
            "--graceful-timeout=5",
            "--no-control-socket",
        ],
        "worker": [PYTHON, "manage.py", "db_worker", "--no-reload"],
        # Grading jobs of a worker that died are handed out again (lease).
        "sweeper": [PYTHON, "manage.py", "grading_sweep", "--every", "30"],
        # A due date that passes can make a learner pass (docs/completion.md).
        "completions": [PYTHON, "manage.py", "completion_sweep", "--every", "600"],
        **(
            {
                "hub": [
                    str(ROOT / ".venv" / "bin" / "jupyterhub"),
                    "-f",
                    str(ROOT / "hub_config" / "jupyterhub_config.py"),
                ]
            }
            if LAB
            else {}
        ),
    }


def pipe(name: str, stream) -> None:
    for line in iter(stream.readline, ""):
        sys.stdout.write(f"{name:>7} | {line}")
    stream.close()


def start(commands: dict[str, list[str]], env: dict[str, str]) -> dict:
    return {name: launch(name, command, env) for name, command in commands.items()}


def launch(name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    threading.Thread(target=pipe, args=(name, process.stdout), daemon=True).start()
    return process


# django-tasks-db's worker exits when the database goes away (a restart): it and
# the sweeper are started again, as a service manager would; their jobs are
# safe (grading leases). Any other process exiting stops the whole system.
RESTARTED = ("worker", "sweeper")


def stop(processes: dict) -> None:
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def banner(env: dict[str, str]) -> None:
    url = env["SITE_URL"]
    lab = f"  Lab (JupyterHub)      {env['HUB_URL']}/  (sign in through the LMS)\n"
    print(
        "\n"
        f"  Talent Pipeline LMS   {url}/        (English: {url}/en/)\n"
        f"  Wagtail admin         {url}/admin/\n"
        f"{lab if LAB else ''}"
        "  Mail is printed here (console mailer); the task worker sends it.\n"
        "  Stop everything with Ctrl-C.\n",
        flush=True,
    )


def interrupt(*_args) -> None:
    raise KeyboardInterrupt


def protect_data() -> None:
    """The LMS's state (database, media, keys, hub secrets) is root's alone: labs
    run as other accounts on this machine and must read none of it."""
    data = Path(os.environ.get("DATA_DIR", ROOT / "data"))
    data.mkdir(mode=0o700, parents=True, exist_ok=True)
    data.chmod(0o700)
    dotenv = ROOT / ".env"
    if dotenv.exists():
        dotenv.chmod(0o600)


def main() -> int:
    protect_data()
    env = environment()
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("seed_demo", env=env)
    if LAB:
        manage("lab_setup", env=env)
    commands = services(env)
    processes = start(commands, env)
    banner(env)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        while True:
            time.sleep(0.5)
            dead = [name for name, p in processes.items() if p.poll() is not None]
            if any(name not in RESTARTED for name in dead):
                break
            for name in dead:
                code = processes[name].returncode
                print(f"{name} exited ({code}); starting it again.", file=sys.stderr)
                time.sleep(2)  # a database coming back needs a moment
                processes[name] = launch(name, commands[name], env)
        print(f"Stopped because {', '.join(dead)} exited.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())
