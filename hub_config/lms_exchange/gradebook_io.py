"""The formgrader's course directory, read and written as the cohort's grader
account (never as root): the LMS runs this in the lab environment,

    python -I -m lms_exchange.gradebook_io dump|load   < request.json > answer.json

with the account's home as working directory. ``dump`` answers what nbgrader's
gradebook holds for every submission (the attempt's timestamp, each grade's
scores, the graders' comments), so the LMS can pick up what was given by hand
in the formgrader;
``load`` puts assignments, learners and graded attempts into the directory
(``course/autograded/<learner>/<assignment>/``) and into the gradebook, with the
scores the LMS holds. Everything a request names is checked to stay inside the
course directory: this account's files are the formgrader's, not the LMS's.
"""

import base64
import json
import os
import re
import sys
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

COURSE_DIR = "course"  # = names.FORMGRADER_COURSE_DIR
STATE_FILE = ".lms-formgrader.json"  # = names.FORMGRADER_STATE_FILE
TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f UTC"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,199}$")


def _name(value: str) -> str:
    """One path component: no separators, no "..", nothing hidden."""
    if not isinstance(value, str) or not NAME.match(value) or ".." in value:
        raise ValueError(f"not a plain name: {value!r}")
    return value


def _relative(value: str) -> Path:
    parts = value.split("/")
    for part in parts:
        _name(part)
    return Path(*parts)


def _write(folder: Path, files: dict[str, str]) -> None:
    for relative, data in files.items():
        target = folder / _relative(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink():
            target.unlink()
        target.write_bytes(base64.b64decode(data))


def _gradebook(course: Path, course_id: str) -> Gradebook:
    return Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id=course_id)


def _stamp(moment) -> str | None:
    return moment.strftime(TIMESTAMP) if moment else None


def dump(home: Path) -> dict:
    state = home / STATE_FILE
    course = home / COURSE_DIR
    if not state.exists() or not (course / "gradebook.db").exists():
        return {"prepared": False, "submissions": []}
    course_id = json.loads(state.read_text())["course_id"]
    found = []
    with _gradebook(course, course_id) as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                grades = [
                    {
                        "notebook": notebook.name,
                        "cell": grade.name,
                        "manual_score": grade.manual_score,
                        "auto_score": grade.auto_score,
                        "needs_manual_grade": bool(grade.needs_manual_grade),
                    }
                    for notebook in submission.notebooks
                    for grade in notebook.grades
                ]
                comments = [
                    {
                        "notebook": notebook.name,
                        "cell": comment.name,
                        "comment": comment.manual_comment,
                    }
                    for notebook in submission.notebooks
                    for comment in notebook.comments
                    if comment.manual_comment
                ]
                found.append(
                    {
                        "assignment": assignment.name,
                        "student": submission.student.id,
                        "timestamp": _stamp(submission.timestamp),
                        "grades": grades,
                        "comments": comments,
                    }
                )
    return {"prepared": True, "submissions": found}


def _assignment(gb: Gradebook, course: Path, spec: dict) -> None:
    name = _name(spec["name"])
    gb.update_or_create_assignment(name, duedate=spec.get("duedate"))
    _write(course / "source" / name, spec.get("sources", {}))
    for notebook in spec["notebooks"]:
        nb = _name(notebook["name"])
        gb.update_or_create_notebook(nb, name)
        for cell in notebook["grade_cells"]:
            gb.update_or_create_grade_cell(
                cell["name"], nb, name,
                max_score=cell["max_score"], cell_type=cell["cell_type"],
            )  # fmt: skip
        for cell in notebook["task_cells"]:
            gb.update_or_create_task_cell(
                cell["name"], nb, name,
                max_score=cell["max_score"], cell_type=cell["cell_type"],
            )  # fmt: skip
        for cell in notebook["solution_cells"]:
            gb.update_or_create_solution_cell(cell["name"], nb, name)
        for cell in notebook["source_cells"]:
            gb.update_or_create_source_cell(
                cell["name"], nb, name,
                cell_type=cell["cell_type"], locked=cell["locked"],
                source=cell["source"], checksum=cell["checksum"],
            )  # fmt: skip


def _submission(gb: Gradebook, course: Path, spec: dict) -> None:
    assignment, student = _name(spec["assignment"]), _name(spec["student"])
    try:
        held = gb.find_submission(assignment, student)
    except MissingEntry:
        held = None
    if held is not None and _stamp(held.timestamp) != spec["timestamp"]:
        gb.remove_submission(assignment, student)  # another attempt: start over
        held = None
    if held is None:
        gb.add_submission(assignment, student, timestamp=spec["timestamp"])
    folder = course / "autograded" / student / assignment
    for stale in folder.glob("*.ipynb") if folder.is_dir() else ():
        stale.unlink()
    _write(folder, spec.get("files", {}))
    for row in spec["grades"]:
        grade = gb.find_grade(row["cell"], row["notebook"], assignment, student)
        grade.auto_score = row["auto_score"]
        grade.manual_score = row["manual_score"]
        grade.needs_manual_grade = row["needs_manual_grade"]
    gb.db.commit()


def load(home: Path, request: dict) -> dict:
    course = home / COURSE_DIR
    course.mkdir(mode=0o700, exist_ok=True)
    (home / STATE_FILE).write_text(json.dumps({"course_id": request["course_id"]}))
    with _gradebook(course, request["course_id"]) as gb:
        for spec in request.get("assignments", []):
            _assignment(gb, course, spec)
        for student in request.get("students", []):
            gb.update_or_create_student(
                _name(student["id"]),
                first_name=student.get("first_name") or None,
                last_name=student.get("last_name") or None,
                email=student.get("email") or None,
            )
        for spec in request.get("submissions", []):
            _submission(gb, course, spec)
    return {"loaded": len(request.get("submissions", []))}


def main() -> int:
    home = Path(os.environ["HOME"])
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "dump":
        answer = dump(home)
    elif command == "load":
        answer = load(home, json.load(sys.stdin))
    else:
        sys.stderr.write("usage: gradebook_io dump|load\n")
        return 2
    json.dump(answer, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
