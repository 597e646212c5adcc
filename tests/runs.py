"""What this test run makes outside its database, and only that, cleaned up.

Each pytest session has a name, ``RUN`` (``t<pid in hex>``). Every system
account, hub user, lab course id and directory the tests make outside their
temporary directories starts with it (lab handles ``<RUN>-<label><n>``, cohorts'
course ids ``<RUN>-c<n>`` and so their formgraders ``grader_<RUN>-c<n>``), and
each system account is recorded in this run's file under RECORDS before it may
exist. At the end of the session the run deletes what it recorded; a later run
deletes what a killed run recorded (its pid no longer alive). Nothing else on
the machine is looked at: a running instance (``make run``), another test run
or a benchmark beside this one keep their accounts, servers and files.
"""

import os
import signal
import subprocess
from pathlib import Path

RUN = f"t{os.getpid():x}"
RECORDS = Path(os.environ.get("LMS_TEST_RECORDS", "/var/tmp/lms-test-runs"))


def record_file(run: str = RUN) -> Path:
    return RECORDS / f"{run}.accounts"


def record_account(name: str) -> str:
    """Note that this run may create the system account ``name`` (before it
    exists, so a run killed meanwhile still has it cleaned)."""
    if RUN not in name:
        raise ValueError(f"{name!r} does not carry this run's name {RUN!r}")
    RECORDS.mkdir(mode=0o700, parents=True, exist_ok=True)
    with record_file().open("a") as records:
        records.write(f"{name}\n")
    return name


def processes_of(uid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except FileNotFoundError:
                pass
    return pids


def delete_account(name: str) -> None:
    """Delete a system account and its home, ending what still runs as it."""
    import pwd

    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    for pid in processes_of(uid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    # --force: a killed lab may linger as a zombie (PID 1 here reaps none).
    subprocess.run(["userdel", "--force", "--remove", name], capture_output=True)


def clean_run(run: str = RUN) -> None:
    """Delete the accounts run ``run`` recorded, then its record."""
    path = record_file(run)
    if not path.exists():
        return
    for name in dict.fromkeys(path.read_text().split()):
        if run in name:  # a record names only its own run's accounts
            delete_account(name)
    path.unlink(missing_ok=True)


def clean_dead_runs() -> None:
    """What runs that were killed recorded (this run's pid reused included:
    it has made nothing yet)."""
    if not RECORDS.is_dir():
        return
    for path in RECORDS.glob("t*.accounts"):
        run = path.name.removesuffix(".accounts")
        try:
            alive = run != RUN and Path(f"/proc/{int(run[1:], 16)}").exists()
        except ValueError:
            continue
        if not alive:
            clean_run(run)
