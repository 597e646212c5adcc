"""Kernels on tap: a lane keeps the next fresh kernel booting.

Kernel start (~0.6 s) is the floor of grading a small notebook, and it is mostly
waiting: booting the next kernel while the current notebook runs, and running
several lanes at once, hides it. A kernel is handed out once and disposed of
after its notebook: never reused, never shared between two learners.
"""

import contextlib

from courses.jupyter.config import SandboxConfig, SandboxLimits
from courses.jupyter.kernel import SandboxKernelManager, start_sandbox_kernel
from courses.jupyter.slots import SLOT_WAIT_SECONDS, NoFreeSlot


class KernelLane:
    """Fresh sandboxed kernels for one grading thread, one at a time.

    With ``keep_warm`` a lane holds two slots: the kernel in use and the next
    one, already booting. Use a lane from one thread only: a kernel's asyncio
    objects belong to the event loop of the thread that started it.
    """

    def __init__(self, sandbox: SandboxConfig, *, keep_warm: bool = True) -> None:
        self.sandbox, self.keep_warm = sandbox, keep_warm
        self._next: SandboxKernelManager | None = None

    def prime(self, limits: SandboxLimits, *, wait: float = SLOT_WAIT_SECONDS) -> None:
        """Start booting a kernel for the next notebook, if none is."""
        if self._next is not None and (
            self._next.limits != limits or self._next.exited()
        ):
            # A kernel that died while it waited must not fail a learner's
            # notebook before its first cell: boot another.
            self._next.dispose()
            self._next = None
        if self._next is None:
            self._next = start_sandbox_kernel(self.sandbox, limits, wait=wait)

    def take(self, limits: SandboxLimits) -> SandboxKernelManager:
        """A kernel nobody has used, for one notebook; the caller disposes it."""
        self.prime(limits)
        km, self._next = self._next, None
        if self.keep_warm:
            # Pre-starting only saves time: never wait for a slot to do it.
            with contextlib.suppress(NoFreeSlot):
                self.prime(limits, wait=0)
        return km

    def close(self) -> None:
        if self._next is not None:
            self._next.dispose()
            self._next = None
