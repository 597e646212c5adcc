"""A PostgreSQL cluster of the bench's own: made in a temporary directory,
started on a free port, restarted when the bench says, removed at the end.

The machine's PostgreSQL serves other people: the deadline bench restarts only
this one. As root, the server runs as the ``postgres`` system account (initdb
refuses root).
"""

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench.server import free_port

PG_BIN = Path(os.environ.get("BENCH_PG_BIN", "/usr/lib/postgresql/15/bin"))


class Cluster:
    """``start()``, ``restart()``, ``stop()``; ``url(db)`` to connect."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="bench-deadline-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgresql.log"
        self.port = free_port()
        self.account = None
        if os.geteuid() == 0:
            self.account = pwd.getpwnam("postgres")
            os.chown(self.directory, self.account.pw_uid, self.account.pw_gid)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        extra = {}
        if self.account is not None:
            extra = {"user": self.account.pw_uid, "group": self.account.pw_gid}
        subprocess.run(
            [str(PG_BIN / command[0]), *command[1:]],
            cwd=self.directory,
            env={"PATH": os.environ["PATH"], "LC_ALL": "C.UTF-8"},
            check=True,
            stdout=subprocess.DEVNULL,
            **extra,
        )

    def start(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        # In the configuration file, so that a restart keeps them.
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.directory}'\n"
                "max_connections = 300\n"
            )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "start")

    def restart(self, *, down_s: float = 0) -> None:
        """As an operator restarts it: connections cut, down ``down_s`` seconds
        (an upgrade, a failover), then up again."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        time.sleep(down_s)
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "start")

    def create_database(self, name: str) -> None:
        subprocess.run(
            ["psql", self.url(), "-q", "-c", f"CREATE DATABASE {name}"], check=True
        )

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass  # never started
        shutil.rmtree(self.directory, ignore_errors=True)
