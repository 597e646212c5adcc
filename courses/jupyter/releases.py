"""Make the student version of an assignment from the instructor's sources.

nbgrader's generate_assignment runs in a throwaway course directory; the LMS
keeps what it produces. The notebooks are checked first, so a broken assignment
is refused with the exact notebook, cell and reason.
"""

import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import nbformat
from nbconvert import HTMLExporter

from courses.jupyter.nbgrader_app import Course, GradingError, generate_assignment
from courses.jupyter.notebooks import (
    Problem,
    gettext_noop,
    notebook_read,
    source_problems,
)

NOT_PLAIN = gettext_noop("%(name)s: not a plain relative file name.")
NO_NOTEBOOK = gettext_noop("The assignment has no notebook (.ipynb).")
NBGRADER_REFUSED = gettext_noop("nbgrader refused the assignment: %(reason)s")


class ReleaseRefused(Exception):
    """The sources cannot make an assignment; ``problems`` say why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


@dataclass
class Release:
    files: dict[str, bytes] = field(default_factory=dict)  # relative path → bytes
    previews: dict[str, str] = field(default_factory=dict)  # notebook path → HTML


def safe_relative(path: str) -> PurePosixPath | None:
    """``path`` as a plain relative path, or None if it leaves its directory."""
    candidate = PurePosixPath(path.replace("\\", "/"))
    if candidate.is_absolute() or not candidate.parts or ".." in candidate.parts:
        return None
    return candidate


def _check(sources: dict[str, bytes]) -> list[Problem]:
    problems, notebooks = [], 0
    for path, data in sorted(sources.items()):
        if safe_relative(path) is None:
            problems.append(Problem(NOT_PLAIN, {"name": path}))
        elif path.endswith(".ipynb"):
            notebooks += 1
            notebook, unreadable = notebook_read(path, data)
            problems += unreadable or source_problems(path, notebook)
    if not notebooks:
        problems.append(Problem(NO_NOTEBOOK))
    return problems


def release_build(
    *, course_id: str, assignment: str, sources: dict[str, bytes]
) -> Release:
    """Run nbgrader generate_assignment on ``sources``; raise ReleaseRefused."""
    problems = _check(sources)
    if problems:
        raise ReleaseRefused(problems)
    with tempfile.TemporaryDirectory(prefix="lms-release-") as tmp:
        root = Path(tmp)
        for path, data in sources.items():
            target = root / "source" / assignment / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        try:
            generate_assignment(course=Course(root, course_id), assignment=assignment)
        except GradingError as error:
            refusal = Problem(NBGRADER_REFUSED, {"reason": str(error)})
            raise ReleaseRefused([refusal]) from error
        release_dir = root / "release" / assignment
        release = Release()
        for file in sorted(p for p in release_dir.rglob("*") if p.is_file()):
            relative = file.relative_to(release_dir).as_posix()
            release.files[relative] = file.read_bytes()
            if file.suffix == ".ipynb":
                release.previews[relative] = preview_html(file.read_bytes())
        return release


def preview_html(data: bytes) -> str:
    """The notebook as a static HTML page (no scripts), for the instructor."""
    notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
    body, _resources = HTMLExporter(template_name="basic").from_notebook_node(notebook)
    return f'<!DOCTYPE html><meta charset="utf-8"><body>{body}</body>'
