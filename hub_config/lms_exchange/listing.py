"""List released assignments and the learner's submissions, as nbgrader does.

The dictionaries have the keys and values of nbgrader's default ExchangeList:
the lab's "Assignments" tab and ``nbgrader list`` read them. The LMS stands in
for the exchange directory: ``has_exchange_feedback`` means the LMS has released
feedback, ``feedback_updated`` that its checksum differs from the fetched copy.
"""

import glob
import hashlib
import os

from nbgrader.exchange.abc import ExchangeList

from . import messages
from .client import api_path
from .exchange import LMSExchange, is_plain_name, is_plain_path

EXTRA_FIELDS = ("title", "due_at", "late_policy", "max_attempts", "attempts_left")


def _sha256(path: str) -> str:
    with open(path, "rb") as stream:
        return hashlib.sha256(stream.read()).hexdigest()


def _notebook_feedback(notebook_id: str, feedback: dict | None, local_dir: str):
    """One notebook's feedback flags, as nbgrader's default list computes them."""
    local = os.path.join(local_dir, f"{notebook_id}.html")
    has_local = os.path.isfile(local)
    released_sha = (feedback or {}).get("sha256")
    return {
        "notebook_id": notebook_id,
        "path": f"{notebook_id}.ipynb",
        "has_local_feedback": has_local,
        "has_exchange_feedback": feedback is not None,
        "local_feedback_path": local if has_local else None,
        "feedback_updated": bool(
            has_local and released_sha and released_sha != _sha256(local)
        ),
    }


def _submission_feedback(notebooks: list[dict], local_dir: str) -> dict:
    """The submission's flags: all notebooks fetched / released, any updated."""
    has_local = bool(notebooks) and all(nb["has_local_feedback"] for nb in notebooks)
    return {
        "has_local_feedback": has_local,
        "has_exchange_feedback": bool(notebooks)
        and all(nb["has_exchange_feedback"] for nb in notebooks),
        "feedback_updated": any(nb["feedback_updated"] for nb in notebooks),
        "local_feedback_path": local_dir if has_local else None,
    }


class LMSList(LMSExchange, ExchangeList):
    """Released assignments (``released``/``fetched``), or with ``inbound`` or
    ``cached`` the learner's own submissions (``submitted``) with feedback flags."""

    def init_src(self):
        if self.remove:
            self.fail(messages.NO_REMOVE)

    def init_dest(self):
        pass

    def copy_files(self):
        pass

    def assignments(self) -> list[dict]:
        """The LMS's list, for this command's course and assignment if given."""
        wanted = self.coursedir.assignment_id
        found = []
        for assignment in self.released(self.coursedir.course_id):
            ids = (assignment["course_id"], assignment["assignment_id"])
            if not all(is_plain_name(name) for name in ids):
                self.log.warning("Skipping an assignment with an unsafe name: %s", ids)
            elif not wanted or assignment["assignment_id"] == wanted:
                found.append(assignment)
        return found

    def released_info(self, assignment: dict) -> dict:
        course_id, assignment_id = assignment["course_id"], assignment["assignment_id"]
        info = {"course_id": course_id, "assignment_id": assignment_id}
        info.update((key, assignment.get(key)) for key in EXTRA_FIELDS)
        local = self.local_path(course_id, assignment_id)
        if os.path.exists(local):
            notebooks = sorted(glob.glob(os.path.join(local, "*.ipynb")))
            info.update(status="fetched", path=local)
            info["notebooks"] = [
                {"notebook_id": os.path.splitext(os.path.basename(nb))[0], "path": nb}
                for nb in notebooks
            ]
        else:
            release = api_path("courses", course_id, "assignments", assignment_id)
            info.update(status="released", path=self.api_url(f"{release}/release"))
            info["notebooks"] = [
                {"notebook_id": nb, "path": f"{nb}.ipynb"}
                for nb in assignment["notebooks"]
            ]
        return info

    def submission_info(self, assignment: dict, submission: dict) -> dict:
        course_id, assignment_id = assignment["course_id"], assignment["assignment_id"]
        timestamp, attempt = submission["timestamp"], submission["attempt"]
        local_dir = self.local_path(course_id, assignment_id, "feedback", timestamp)
        feedback = submission.get("feedback") or {}
        notebooks = [
            _notebook_feedback(nb, feedback.get(nb), local_dir)
            for nb in sorted(submission["notebooks"])
            if is_plain_path(nb)
        ]
        # Notebooks the learner added never get feedback: they do not count.
        graded = [
            nb for nb in notebooks if nb["notebook_id"] in assignment["notebooks"]
        ]
        path = api_path(
            "courses", course_id, "assignments", assignment_id, "submissions", attempt
        )
        return {
            "course_id": course_id,
            "student_id": self.student_id,
            "assignment_id": assignment_id,
            "timestamp": timestamp,
            "status": "submitted",
            "path": self.api_url(path),
            "attempt": attempt,
            "late": submission.get("late", False),
            "submitted_at": submission.get("submitted_at"),
            "notebooks": notebooks,
            **_submission_feedback(graded or notebooks, local_dir),
        }

    def submitted_info(self, assignment: dict) -> dict:
        submissions = [
            self.submission_info(assignment, submission)
            for submission in assignment["submissions"]
            if is_plain_name(submission["timestamp"])
        ]
        return {
            "course_id": assignment["course_id"],
            "student_id": self.student_id,
            "assignment_id": assignment["assignment_id"],
            "status": "submitted",
            "submissions": sorted(submissions, key=lambda info: info["timestamp"]),
        }

    def list_files(self):
        if self.inbound or self.cached:
            assignments = [
                self.submitted_info(assignment)
                for assignment in self.assignments()
                if assignment["submissions"]
            ]
            self.log.info("Submitted assignments:")
            for assignment in assignments:
                for info in assignment["submissions"]:
                    self.log.info(self.format_inbound_assignment(info))
        else:
            assignments = [self.released_info(a) for a in self.assignments()]
            self.log.info("Released assignments:")
            for info in assignments:
                self.log.info(self.format_outbound_assignment(info))
        return sorted(assignments, key=lambda a: (a["course_id"], a["assignment_id"]))

    def remove_files(self):
        self.fail(messages.NO_REMOVE)

    def format_inbound_assignment(self, info: dict) -> str:
        """nbgrader's line for a submission."""
        msg = "{course_id} {student_id} {assignment_id} {timestamp}".format(**info)
        if info["has_local_feedback"] and not info["feedback_updated"]:
            return msg + " (feedback already fetched)"
        if info["has_exchange_feedback"]:
            return msg + " (feedback ready to be fetched)"
        return msg + " (no feedback available)"

    def format_outbound_assignment(self, info: dict) -> str:
        """nbgrader's line for a release."""
        msg = "{course_id} {assignment_id}".format(**info)
        if info["status"] == "fetched":
            msg += " (already downloaded)"
        return msg
