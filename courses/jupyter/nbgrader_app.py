"""Run nbgrader's converters through its Python API, in this process.

One ``nbgrader autograde`` command per learner costs 2.2 s of start-up; a
converter object costs milliseconds. Each run gets its own logger, so the
messages of one learner's run are never mixed with another's.
"""

import logging
import os
import shutil
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy.exc
from nbconvert.writers import FilesWriter
from nbgrader.api import InvalidEntry
from nbgrader.converters import (
    Autograde,
    BaseConverter,
    GenerateAssignment,
    GenerateFeedback,
    NbGraderException,
)
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from courses.jupyter.slots import NoFreeSlot


def _put_alembic_on_path() -> None:
    # nbgrader runs the `alembic` command to stamp a new gradebook; a worker
    # started as .venv/bin/python, without the venv on PATH, would not find it.
    bin_dir = str(Path(sys.executable).parent)
    if shutil.which("alembic") is None and Path(bin_dir, "alembic").exists():
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])


_put_alembic_on_path()
# nbgrader's add_submission trips this SQLAlchemy warning on every new
# submission (harmless: the rows are saved); it would flood the worker's log.
warnings.filterwarnings(
    "ignore", message="Object of type <Submitted", category=sqlalchemy.exc.SAWarning
)


class GradingError(RuntimeError):
    """The course itself is not ready to grade (not a learner's fault)."""


class TransientGradingError(GradingError):
    """Grading failed for a reason outside the learner's code that may pass (a
    locked or conflicting gradebook, a kernel that would not start): try again
    later."""


class KernelStartError(RuntimeError):
    """The sandbox's kernel could not be leased or did not come up before the
    first cell: no learner code had run."""


def _transient_types() -> tuple[type[BaseException], ...]:
    return (
        sqlalchemy.exc.OperationalError,  # "database is locked"
        sqlalchemy.exc.IntegrityError,  # two writers of one gradebook row
        InvalidEntry,  # nbgrader's wrapper of the same
        NoFreeSlot,
        KernelStartError,
    )


@dataclass(frozen=True)
class Course:
    """An nbgrader course directory and its gradebook."""

    root: Path
    course_id: str = ""
    db_url: str = ""

    @property
    def gradebook_url(self) -> str:
        return self.db_url or f"sqlite:///{self.root.resolve() / 'gradebook.db'}"

    def config(self, **coursedir: str) -> Config:
        c = Config()
        c.CourseDirectory.root = str(self.root.resolve())
        c.CourseDirectory.course_id = self.course_id
        c.CourseDirectory.db_url = self.gradebook_url
        for name, value in coursedir.items():
            setattr(c.CourseDirectory, name, value)
        return c


class _Records(logging.Handler):
    """nbgrader logs what went wrong (a formatted traceback) from inside its
    ``except`` blocks: the exception being handled is kept too, so a failure
    can be told apart by its type, not its wording."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []
        self.exceptions: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        handled = sys.exc_info()[1]
        if handled is not None and handled not in self.exceptions:
            self.exceptions.append(handled)


class _StartInPlace(BaseConverter):
    """BaseConverter.start without its ``os.chdir(course root)``: the process
    has one working directory, and grading threads that each change and
    restore it leave it at some course directory, which may be deleted next.
    nbgrader's paths are absolute here (CourseDirectory.root is)."""

    def start(self) -> None:
        self.init_notebooks()
        self.writer = FilesWriter(parent=self, config=self.config)
        self.exporter = self.exporter_class(parent=self, config=self.config)
        for step in self.preprocessors:
            self.exporter.register_preprocessor(step)
        self.convert_notebooks()


class ThreadSafeGenerateAssignment(GenerateAssignment, _StartInPlace):
    pass


class ThreadSafeGenerateFeedback(GenerateFeedback, _StartInPlace):
    pass


class ThreadSafeAutograde(Autograde, _StartInPlace):
    """nbgrader's Autograde without its ``utils.setenv(NBGRADER_EXECUTION=...)``:
    that helper reads the old value under the wrong key and always deletes the
    variable afterwards, so two grading threads race and one dies of KeyError.
    Sandboxed kernels get NBGRADER_EXECUTION from their own environment."""

    def convert_single_notebook(self, notebook_filename: str) -> None:
        self._sanitizing = True
        self._init_preprocessors()
        BaseConverter.convert_single_notebook(self, notebook_filename)
        built = os.path.join(
            self.writer.build_directory, os.path.basename(notebook_filename)
        )
        self._sanitizing = False
        self._init_preprocessors()
        try:
            BaseConverter.convert_single_notebook(self, built)
        finally:
            self._sanitizing = True


def run_converter(converter: type[BaseConverter], config: Config) -> list[str] | None:
    """Run one converter; None on success, else the reasons it failed."""
    records = _Records()
    log = logging.Logger("courses.jupyter.nbgrader")  # unregistered: one per run
    log.addHandler(records)
    coursedir = CourseDirectory(config=config)
    app = converter(coursedir=coursedir, config=config, log=log)
    try:
        app.start()
    except NbGraderException:
        reasons = summarize(records.messages)
        if any(_is_transient(e) for e in records.exceptions):
            raise TransientGradingError("; ".join(reasons)) from None
        return reasons
    return None


def _is_transient(error: BaseException | None) -> bool:
    """This exception, or one it was raised from, may pass on another try."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, _transient_types()):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def summarize(messages: list[str]) -> list[str]:
    """nbgrader logs a traceback and generic advice: keep the lines that say
    what went wrong (the exception at the end of each traceback)."""
    reasons = []
    for message in messages:
        if message.startswith("Traceback"):
            reasons.append(message.strip().splitlines()[-1])
        elif not message.startswith(("There was an error", "Please see", "Removing")):
            reasons.append(message)
    return reasons or ["nbgrader failed without saying why."]


def generate_assignment(*, course: Course, assignment: str) -> None:
    """Make the release version of an assignment and record it in the gradebook
    (nbgrader generate_assignment); raise GradingError if nbgrader refuses."""
    c = course.config(assignment_id=assignment)
    c.GenerateAssignment.force = True
    problems = run_converter(ThreadSafeGenerateAssignment, c)
    if problems:
        raise GradingError("; ".join(problems))
