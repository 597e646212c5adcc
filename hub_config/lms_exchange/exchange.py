"""The base of every LMS exchange action: configuration, the client, local paths."""

import os
import threading
from functools import cached_property

from nbgrader.exchange.abc import Exchange, ExchangeError
from nbgrader.utils import get_username
from traitlets import Float, Integer, Unicode, default

from . import messages
from .client import LMSClient

API_SUFFIX = "/api/exchange"
# The last refusal in this thread, for the Assignments tab (tab.py) to show.
last_error = threading.local()


def is_plain_path(path: str) -> bool:
    """Plain names joined by ``/``: stays inside the folder it is joined to."""
    return all(is_plain_name(part) for part in path.split("/"))


def is_plain_name(name: str) -> bool:
    """One folder name: no separators, not ``.`` or ``..``, nothing hidden."""
    return (
        bool(name)
        and not name.startswith(".")
        and not any(c in name for c in "/\\\0")
        and name == name.strip()
    )


class LMSExchange(Exchange):
    """nbgrader's exchange as a client of the LMS.

    Assignments live in ``<assignment_dir>/<course_id>/<assignment_id>/``
    (nbgrader's ``path_includes_course`` layout, always: a learner may be in
    several courses).
    """

    url = Unicode(
        help="The LMS's exchange API, e.g. http://lms:8000/api/exchange "
        "(default: $LMS_EXCHANGE_URL, set by the hub in every lab)."
    ).tag(config=True)
    timeout = Float(30.0, help="Seconds to wait for the LMS.").tag(config=True)
    retries = Integer(
        3, help="Retries of a submission after a dropped connection or a 5xx."
    ).tag(config=True)
    retry_delay = Float(
        1.0, help="Seconds before the first retry; doubled for each next one."
    ).tag(config=True)

    @default("url")
    def _url_default(self):
        return os.environ.get("LMS_EXCHANGE_URL", "")

    @property
    def token(self) -> str:
        return os.environ.get("JUPYTERHUB_API_TOKEN", "")

    def api_url(self, path: str) -> str:
        return self.url.rstrip("/") + path

    @property
    def admin_url(self) -> str:
        """The LMS's Wagtail admin, where instructors release and collect."""
        base = self.url.rstrip("/").removesuffix(API_SUFFIX)
        return f"{base}/admin/"

    @cached_property
    def client(self) -> LMSClient:
        return LMSClient(
            base_url=self.url,
            token=self.token,
            timeout=self.timeout,
            retries=self.retries,
            retry_delay=self.retry_delay,
            log=self.log,
        )

    @property
    def student_id(self) -> str:
        """The hub user this lab belongs to (the LMS knows it from the token)."""
        return os.environ.get("JUPYTERHUB_USER") or get_username()

    def check_connected(self) -> None:
        for variable, value in (
            ("LMS_EXCHANGE_URL", self.url),
            ("JUPYTERHUB_API_TOKEN", self.token),
        ):
            if not value:
                self.fail(messages.NOT_CONFIGURED.format(variable=variable))

    def check_ids(self, *, assignment: bool = True) -> tuple[str, str]:
        """The course and assignment ids of the command, safe as folder names."""
        course_id = self.coursedir.course_id
        assignment_id = self.coursedir.assignment_id
        if not course_id:
            self.fail(messages.NO_COURSE)
        for name in (course_id, assignment_id) if assignment else (course_id,):
            if not is_plain_name(name):
                self.fail(messages.BAD_NAME.format(name=name))
        return course_id, assignment_id

    def local_path(self, course_id: str, assignment_id: str, *more: str) -> str:
        return os.path.abspath(
            os.path.join(self.assignment_dir, course_id, assignment_id, *more)
        )

    def released(self, course_id: str) -> list[dict]:
        """The LMS's released assignments (with submissions) of one or all courses."""
        params = {"course_id": course_id} if course_id else None
        return self.client.get_json("/assignments", params=params)["assignments"]

    def released_one(self, course_id: str, assignment_id: str) -> dict | None:
        wanted = (course_id, assignment_id)
        for assignment in self.released(course_id):
            if (assignment["course_id"], assignment["assignment_id"]) == wanted:
                return assignment
        return None

    def fail(self, msg):
        raise ExchangeError(msg)  # start() logs it, with every other refusal

    def start(self):
        try:
            self.check_connected()
            return super().start()
        except ExchangeError as error:
            self.log.error("%s", error)
            last_error.message = str(error)
            raise
        finally:
            if "client" in self.__dict__:
                self.__dict__.pop("client").session.close()
