"""Fetch a release, and released feedback, from the LMS into the learner's folder."""

import hashlib
import os
from urllib.parse import urljoin, urlsplit

from nbgrader.exchange.abc import ExchangeFetchAssignment, ExchangeFetchFeedback
from traitlets import Integer

from . import messages
from .archive import Limits, copy_missing, unpacked_release
from .client import api_path
from .exchange import LMSExchange, is_plain_name, is_plain_path


class LMSFetchAssignment(LMSExchange, ExchangeFetchAssignment):
    """Unpack the release zip into ``<course_id>/<assignment_id>/``."""

    max_release_files = Integer(
        1000, help="Refuse a release archive with more files than this."
    ).tag(config=True)
    max_release_bytes = Integer(
        500 * 2**20, help="Refuse a release archive larger than this, unpacked."
    ).tag(config=True)

    def init_src(self):
        course_id, assignment_id = self.check_ids()
        self.src_path = api_path(
            "courses", course_id, "assignments", assignment_id, "release"
        )

    def init_dest(self):
        course_id, assignment_id = self.check_ids()
        self.dest_path = self.local_path(course_id, assignment_id)
        if os.path.isdir(self.dest_path) and not self.replace_missing_files:
            root = os.path.join(course_id, assignment_id)
            self.fail(messages.ALREADY_FETCHED.format(root=root))

    def copy_files(self):
        self.log.info("Source: %s", self.api_url(self.src_path))
        self.log.info("Destination: %s", self.dest_path)
        data = self.client.get_bytes(self.src_path, limit=self.max_release_bytes)
        limits = Limits(self.max_release_files, self.max_release_bytes)
        with unpacked_release(
            data,
            beside=os.path.dirname(self.dest_path),
            ignore=self.coursedir.ignore,
            limits=limits,
        ) as staging:
            if os.path.isdir(self.dest_path):  # replace_missing_files
                copy_missing(staging, self.dest_path, self.log)
            else:
                os.rename(staging, self.dest_path)
        self.log.info(
            "Fetched as: %s %s", self.coursedir.course_id, self.coursedir.assignment_id
        )


class LMSFetchFeedback(LMSExchange, ExchangeFetchFeedback):
    """Save each released feedback page as ``feedback/<timestamp>/<notebook>.html``."""

    max_feedback_bytes = Integer(
        50 * 2**20, help="Refuse a feedback page larger than this."
    ).tag(config=True)

    def init_src(self):
        course_id, assignment_id = self.check_ids()
        self.assignment = self.released_one(course_id, assignment_id)
        if self.assignment is None:
            self.fail(
                messages.NOT_RELEASED.format(
                    course_id=course_id, assignment_id=assignment_id
                )
            )

    def init_dest(self):
        course_id, assignment_id = self.check_ids()
        self.dest_path = self.local_path(course_id, assignment_id, "feedback")

    def copy_files(self):
        released = [
            (submission, notebook_id, feedback)
            for submission in self.assignment["submissions"]
            for notebook_id, feedback in sorted(submission["feedback"].items())
        ]
        if not released:
            self.log.warning(
                messages.NO_FEEDBACK.format(
                    course_id=self.coursedir.course_id,
                    assignment_id=self.coursedir.assignment_id,
                )
            )
        for submission, notebook_id, feedback in released:
            self.fetch_one(submission, notebook_id, feedback)

    def source(self, submission: dict, notebook_id: str, feedback: dict) -> str:
        """The LMS's ``url`` for the page (same origin only), else the contract's."""
        if feedback.get("url"):
            url = urljoin(self.url.rstrip("/") + "/", feedback["url"])
            if urlsplit(url)[:2] == urlsplit(self.url)[:2]:
                return url
            self.log.warning("Ignoring a feedback URL on another server: %s", url)
        return api_path(
            "courses",
            self.coursedir.course_id,
            "assignments",
            self.coursedir.assignment_id,
            "feedback",
            str(submission["attempt"]),
            f"{notebook_id}.html",
        )

    def fetch_one(self, submission: dict, notebook_id: str, feedback: dict) -> None:
        timestamp = submission["timestamp"]
        if not (is_plain_name(timestamp) and is_plain_path(notebook_id)):
            self.log.warning("Skipping feedback with an unsafe name: %s", notebook_id)
            return
        source = self.source(submission, notebook_id, feedback)
        html = self.client.get_bytes(source, limit=self.max_feedback_bytes)
        if feedback.get("sha256") not in (None, hashlib.sha256(html).hexdigest()):
            self.log.warning("Feedback %s differs from the LMS's checksum.", source)
        target = os.path.join(self.dest_path, timestamp, f"{notebook_id}.html")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as stream:
            stream.write(html)
        self.log.info("Fetched feedback: %s", target)
