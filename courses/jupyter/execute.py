"""nbgrader's Execute step, run in a sandboxed kernel with a per-notebook limit.

nbgrader's own ``Execute`` bounds each cell (``timeout``) but not the notebook:
N looping cells cost N x timeout. Here every cell gets at most what is left of
the notebook's budget, cells past it are not run, and a watchdog kills the
kernel's namespace if the kernel stops answering. A cell that is not run gets an
error output, so nbgrader scores its tests 0 instead of counting them as passed.

What happened is reported as notes (results.Note) that state the limit that
actually applied: nbclient's own timeout message names whichever wait ran out
last (4 s for output after an interrupt), not the learner's limit. A kernel that
died stops the notebook as ``nbgrader autograde`` does: nbgrader then leaves it
to a person (needs_manual_grade), and so does the LMS.
"""

import math
import shutil
import threading
from pathlib import Path
from time import monotonic

from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from nbgrader.utils import is_grade
from traitlets import Any, Integer

from courses.jupyter.nbgrader_app import KernelStartError
from courses.jupyter.results import (
    CELL_TIMEOUT,
    KERNEL_DIED,
    KERNEL_STUCK,
    NOTEBOOK_TIMEOUT,
    OUTPUT_TRUNCATED,
    Note,
)
from courses.jupyter.slots import NoFreeSlot

# Seconds past the notebook limit before the watchdog kills the kernel: nbclient
# interrupts a cell at its timeout and then waits a few seconds for output.
WATCHDOG_GRACE = 10
MAX_ERROR_CHARS = 2000

# Error outputs of the cells not run (the learner reads them in the feedback).
NOT_RUN = {
    NOTEBOOK_TIMEOUT: "Not run: the notebook used up its time limit of {seconds} s.",
    KERNEL_DIED: "Not run: the kernel died (the code exited, crashed or was killed).",
    KERNEL_STUCK: "Not run: the kernel stopped responding (it ignored an interrupt).",
}
OUTPUT_TRUNCATED_TEXT = "\n[Output truncated: more than {} bytes in this notebook.]\n"


class KernelDied(RuntimeError):
    """The learner's kernel died mid-notebook: autograde stops, as nbgrader's does."""


class SandboxedExecute(Execute):
    kernel_source = Any(help="Callable returning a started SandboxKernelManager.").tag(
        config=True
    )
    notebook_timeout = Integer(
        300, help="Wall-clock seconds for a whole notebook."
    ).tag(config=True)
    output_limit = Integer(2 * 1024 * 1024, help="Output bytes kept per notebook.").tag(
        config=True
    )
    # A function, not a list: traitlets deep-copies config values, functions too
    # but as themselves.
    report = Any(
        help="Called as report(notebook, note) with a results.Note, or with "
        "English text for the staff log only."
    ).tag(config=True)

    def preprocess(self, nb, resources, km=None):
        try:
            km = self.kernel_source()
        except NoFreeSlot:
            raise
        except Exception as error:
            raise KernelStartError(f"{type(error).__name__}: {error}") from error
        self._km, self._deadline, self._stopped = km, None, None
        self._output_used, self._stderr_cells, self._watchdog = 0, set(), None
        self._index = 0
        self._notebook = resources["nbgrader"]["notebook"]
        try:
            copy_companion_files(Path(resources["metadata"]["path"]), km.lease)
            return super().preprocess(nb, resources, km=km)
        except Exception as error:
            if log := km.startup_log().strip():
                self.note(f"Kernel log: {log[-500:]}")
            if self._deadline is None:  # before the first cell: no learner code ran
                raise KernelStartError(f"{type(error).__name__}: {error}") from error
            raise
        finally:
            if self._watchdog is not None:
                self._watchdog.cancel()
            if getattr(self, "kc", None) is not None:
                self.kc.stop_channels()
                self.kc = None
            km.dispose()

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._deadline is None:
            self.start_clock()
        if self._stopped is None and monotonic() >= self._deadline:
            self.stop(self._notebook_limit())
        if self._stopped is not None:
            mark_not_run(cell, self._stopped)
            return cell, resources
        self._index = index
        try:
            return super().preprocess_cell(cell, resources, index)
        except (DeadKernelError, RuntimeError, TimeoutError) as error:
            # The kernel died or stopped answering: nothing after this can run.
            if not isinstance(error, DeadKernelError | TimeoutError):
                first_line = str(error).strip().split("\n")[0]
                self.note(f"Cell {index + 1}: {type(error).__name__}: {first_line}")
            self.stop(self._why_stopped(index))
            mark_not_run(cell, self._stopped)
            if self._stopped.code == KERNEL_DIED:
                raise KernelDied(self._stopped.english) from None
            return cell, resources

    def start_clock(self) -> None:
        self._deadline = monotonic() + self.notebook_timeout
        self._watchdog = threading.Timer(
            self.notebook_timeout + WATCHDOG_GRACE, self._km.kill
        )
        self._watchdog.daemon = True
        self._watchdog.start()

    def note(self, problem: Note | str) -> None:
        if self.report is not None:
            self.report(self._notebook, problem)

    def stop(self, reason: Note) -> None:
        self._stopped = reason
        self.note(reason)

    def _notebook_limit(self) -> Note:
        return Note.of(NOTEBOOK_TIMEOUT, seconds=self.notebook_timeout)

    def _why_stopped(self, index: int) -> Note:
        if monotonic() >= self._deadline:  # the watchdog may have killed it
            return self._notebook_limit()
        if self._km.exited():
            return Note.of(KERNEL_DIED, cell=index + 1)
        return Note.of(KERNEL_STUCK, cell=index + 1, seconds=self._cell_limit())

    def _cell_limit(self) -> int | None:
        return self.timeout if self.timeout and self.timeout > 0 else None

    async def _async_handle_timeout(self, timeout, cell=None):
        # The limit that ran out: the cell's own, or what was left of the
        # notebook's (``_get_timeout`` hands nbclient the smaller).
        if self._deadline is not None:
            per_cell = self._cell_limit()
            if per_cell is not None and timeout >= per_cell:
                self.note(Note.of(CELL_TIMEOUT, cell=self._index + 1, seconds=per_cell))
            else:
                self.note(self._notebook_limit())
        return await super()._async_handle_timeout(timeout, cell)

    def _get_timeout(self, cell):
        per_cell = self._cell_limit()
        if self._deadline is None:  # the kernel_info request before the cells
            return per_cell
        left = max(1, math.ceil(self._deadline - monotonic()))
        return left if per_cell is None else min(per_cell, left)

    def output(self, outs, msg, display_id, cell_index):
        content = msg["content"]
        if msg["msg_type"] == "error":  # always kept: it decides the cell's score
            content["evalue"] = str(content.get("evalue", ""))[:MAX_ERROR_CHARS]
            content["traceback"] = [
                line[:MAX_ERROR_CHARS] for line in content.get("traceback", [])[:200]
            ]
            return super().output(outs, msg, display_id, cell_index)
        size = len(str(content.get("text", ""))) + len(str(content.get("data", "")))
        self._output_used += size
        if self._output_used <= self.output_limit:
            return super().output(outs, msg, display_id, cell_index)
        if self._output_used - size <= self.output_limit:
            self.note(Note.of(OUTPUT_TRUNCATED, bytes=self.output_limit))
            text = OUTPUT_TRUNCATED_TEXT.format(self.output_limit)
            outs.append(stream("stdout", text))
        if content.get("name") == "stderr" and cell_index not in self._stderr_cells:
            # nbgrader fails a test cell that wrote to stderr: keep that signal.
            self._stderr_cells.add(cell_index)
            outs.append(stream("stderr", "[stderr output truncated]\n"))
        return None


def stream(name: str, text: str) -> NotebookNode:
    return NotebookNode(output_type="stream", name=name, text=text)


def mark_not_run(cell, reason: Note) -> None:
    """A test cell that did not run must not pass: give it an error output.
    Other cells stay empty, which keeps a 10,000-cell notebook small."""
    if is_grade(cell):
        add_error(cell, NOT_RUN[reason.code].format(**dict(reason.params)))


def add_error(cell, reason: str) -> None:
    cell.outputs.append(
        NotebookNode(
            output_type="error", ename="SandboxLimit", evalue=reason, traceback=[reason]
        )
    )


def copy_companion_files(source: Path, lease) -> None:
    """Copy the assignment's data files into the scratch dir, owned by the slot
    uid. Not notebooks: the autograded ones hold the restored hidden tests.
    Not symlinks: one could point at a file only root may read."""
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        target = lease.work / relative
        if (
            path.is_symlink()
            or path.suffix == ".ipynb"
            or ".ipynb_checkpoints" in (relative.parts)
        ):
            continue
        if path.is_dir():
            target.mkdir(exist_ok=True)
        else:
            shutil.copyfile(path, target)
        shutil.chown(target, lease.uid, lease.gid)
