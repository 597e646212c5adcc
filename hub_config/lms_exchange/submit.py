"""Submit the learner's assignment folder to the LMS as one zip."""

import os

from nbgrader.exchange.abc import ExchangeSubmit
from traitlets import Integer

from . import messages
from .archive import Limits, zip_folder
from .client import api_path
from .exchange import LMSExchange


def _duration(seconds: int) -> str:
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes = rest // 60
    if hours >= 48:
        return f"{hours // 24} days {hours % 24} h"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def notebook_diff(released: list[str], submitted: list[str]) -> tuple[bool, str]:
    """Whether a released notebook is missing; nbgrader's Expected/Submitted text."""
    expected = [
        f"{name}: {'FOUND' if name in submitted else 'MISSING'}" for name in released
    ]
    sent = [f"{name}: {'OK' if name in released else 'EXTRA'}" for name in submitted]
    missing = any(line.endswith("MISSING") for line in expected)
    extra = any(line.endswith("EXTRA") for line in sent)
    if not (missing or extra):
        return False, ""
    text = "Expected:\n\t{}\nSubmitted:\n\t{}".format(
        "\n\t".join(expected), "\n\t".join(sent)
    )
    return missing, text


class LMSSubmit(LMSExchange, ExchangeSubmit):
    """Zip ``<course_id>/<assignment_id>/`` and POST it as a new attempt."""

    max_files = Integer(100, help="At most this many files (the LMS's limit).").tag(
        config=True
    )
    max_upload_bytes = Integer(20 * 2**20, help="The largest zip the LMS accepts.").tag(
        config=True
    )
    max_file_bytes = Integer(
        5 * 2**20, help="Leave out (with a warning) other files larger than this."
    ).tag(config=True)

    def init_src(self):
        course_id, assignment_id = self.check_ids()
        self.src_path = self.local_path(course_id, assignment_id)
        if not os.path.isdir(self.src_path):
            self.fail(messages.NOT_FOUND_LOCALLY.format(path=self.src_path))

    def init_dest(self):
        course_id, assignment_id = self.check_ids()
        # None when not released to this learner: the POST's refusal says why.
        self.release = self.released_one(course_id, assignment_id)
        self.dest_path = api_path(
            "courses", course_id, "assignments", assignment_id, "submissions"
        )

    def check_filename_diff(self, submitted: list[str]) -> None:
        """Warn (or, with ``strict``, refuse) when released notebooks are missing."""
        released = [f"{name}.ipynb" for name in self.release["notebooks"]]
        notebooks = sorted(name for name in submitted if name.endswith(".ipynb"))
        missing, diff = notebook_diff(released, notebooks)
        assignment_id = self.coursedir.assignment_id
        if missing and self.strict:
            self.fail(
                messages.MISSING_NOTEBOOKS_STRICT.format(
                    assignment_id=assignment_id, diff=diff
                )
            )
        elif diff:
            self.log.warning(
                messages.MISSING_NOTEBOOKS.format(
                    assignment_id=assignment_id, diff=diff
                )
            )

    def copy_files(self):
        self.log.info("Source: %s", self.src_path)
        self.log.info("Destination: %s", self.api_url(self.dest_path))
        limits = Limits(self.max_files, self.max_upload_bytes, self.max_file_bytes)
        archive, names = zip_folder(
            self.src_path, ignore=self.coursedir.ignore, limits=limits, log=self.log
        )
        if self.release is not None:
            self.check_filename_diff(names)
        status, answer = self.client.post_archive(self.dest_path, archive)
        self.timestamp = answer.get("timestamp") or self.timestamp
        self.report(status, answer)

    def report(self, status: int, answer: dict) -> None:
        """Log the LMS's answer: the attempt, on time or late, its warnings."""
        course_id, assignment_id = self.check_ids()
        self.log.info(
            "Submitted as: %s %s %s", course_id, assignment_id, self.timestamp
        )
        attempt = answer.get("attempt")
        if status == 200:
            self.log.info("The LMS already had this submission (attempt %s).", attempt)
        if answer.get("late"):
            late_by = _duration(answer.get("late_by_seconds", 0))
            self.log.warning("Attempt %s received late, by %s.", attempt, late_by)
        else:
            self.log.info("Attempt %s received on time.", attempt)
        for warning in answer.get("warnings", []):
            self.log.warning("The LMS noted: %s", warning)
