"""A Jupyter kernel started inside the sandbox, and torn down with all it started.

The kernel command is ``unshare`` (new network, PID and mount namespaces, the
namespace killed when ``unshare`` dies) around ``launcher.py``, which drops to the
slot's uid. The client talks to it over unix sockets in the job directory
(``transport="ipc"``): TCP cannot cross into the empty network namespace, and
parallel kernels on TCP collide on ports.
"""

import json
import os
import signal
import subprocess
from dataclasses import asdict
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from courses.jupyter.config import SandboxConfig, SandboxLimits
from courses.jupyter.slots import SLOT_WAIT_SECONDS, SlotLease, lease_slot

LAUNCHER = Path(__file__).with_name("launcher.py")


class SandboxKernelManager(AsyncKernelManager):
    """An ipykernel for one learner's notebook, in one leased slot. Never reused."""

    def __init__(
        self, *, sandbox: SandboxConfig, limits: SandboxLimits, lease: SlotLease
    ) -> None:
        self.sandbox, self.limits, self.lease = sandbox, limits, lease
        super().__init__(
            transport="ipc",
            ip=str(lease.job_dir / "k"),
            connection_file=str(lease.job_dir / "kernel.json"),
        )
        self._kernel_spec = KernelSpec(
            argv=self.sandbox_argv(),
            display_name="Python 3 (grading sandbox)",
            language="python",
            interrupt_mode="signal",
        )

    def sandbox_argv(self) -> list[str]:
        lease, sandbox = self.lease, self.sandbox
        argv = [
            sandbox.unshare, "--net", "--pid", "--fork", "--kill-child",
            "--mount-proc", str(sandbox.python), "-I", str(LAUNCHER),
            "--uid", str(lease.uid), "--gid", str(lease.gid),
            "--workdir", str(lease.work), "--own", "{connection_file}",
            "--limits", json.dumps(asdict(self.limits)),
        ]  # fmt: skip
        argv += [f"--hide={path}" for path in sandbox.hidden_paths]
        argv += [f"--tmpfs={path}" for path in sandbox.private_tmp]
        return [*argv, "--", str(sandbox.python), "-m", "ipykernel_launcher",
                "-f", "{connection_file}"]  # fmt: skip

    async def _async_pre_start_kernel(self, **kw):
        # Whatever the caller passes, the kernel gets only the allow-listed
        # environment and starts in its own scratch directory.
        kw["env"] = self.sandbox.kernel_env(self.lease.home)
        kw["cwd"] = str(self.lease.work)
        return await super()._async_pre_start_kernel(**kw)

    def startup_log(self) -> str:
        """The end of what the launcher and the kernel wrote to stderr."""
        try:
            text = (self.lease.job_dir / "kernel.log").read_text(errors="replace")
        except OSError:
            return ""
        return text[-2000:]

    def exited(self) -> bool:
        """The kernel's process is gone (it died, or was killed, while waiting)."""
        process = getattr(self.provisioner, "process", None)
        return process is None or process.poll() is not None

    def kill(self) -> None:
        """SIGKILL the process group: unshare, the namespace's init and the kernel.
        The namespace dies with its init, taking every process the learner made."""
        process = getattr(self.provisioner, "process", None)
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def dispose(self) -> None:
        """Kill the kernel's namespace, delete its files, free the slot."""
        self.kill()
        process = getattr(self.provisioner, "process", None)
        if process is not None:
            process.wait()  # reap it: this machine's PID 1 would not
        self._close_control_socket()
        if self._created_context and not self.context.closed:
            self.context.destroy(linger=0)  # its I/O thread would outlive us
        self.lease.release()


def start_sandbox_kernel(
    sandbox: SandboxConfig, limits: SandboxLimits, *, wait: float = SLOT_WAIT_SECONDS
) -> SandboxKernelManager:
    """Lease a slot and launch a kernel in it; it boots while the caller works."""
    lease = lease_slot(sandbox, wait)
    km = SandboxKernelManager(sandbox=sandbox, limits=limits, lease=lease)
    try:
        # The kernel's own stdout/stderr (not the notebook's outputs) go to a file
        # in the job dir, bounded by RLIMIT_FSIZE, never to the worker's log.
        with (lease.job_dir / "kernel.log").open("wb") as log:
            run_sync(km.start_kernel)(
                extra_arguments=["--HistoryManager.hist_file=:memory:"],
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
    except BaseException:
        km.dispose()
        raise
    return km
