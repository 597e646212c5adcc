"""The cohort's formgrader, for grading by hand only (jupyter_server extension
``lms_exchange.formgrader``, enabled in the grader account's server alone by
hub_config/formgrader/).

The LMS holds the assignments, runs learners' code in its sandbox and makes the
feedback; the formgrader shows the autograded notebooks the LMS put in its
course directory and records scores and comments in its gradebook, which the
LMS reads back. So nbgrader's buttons that would run learners' code here
(autograde), rebuild what the LMS builds (generate), or release and collect
answer with the LMS's address instead; the server's files cannot be changed,
and it starts no kernels or terminals (hub_config/formgrader/).
"""

import os

from jupyter_server.services.contents.largefilemanager import LargeFileManager
from nbgrader.apps.api import NbGraderAPI
from nbgrader.exchange.abc import ExchangeList
from tornado import web

from . import messages
from .exchange import API_SUFFIX

REFUSED = (
    "generate_assignment",
    "unrelease",
    "release_assignment",
    "collect",
    "autograde",
    "generate_feedback",
    "release_feedback",
)


def _admin_url() -> str:
    url = os.environ.get("LMS_EXCHANGE_URL", "").rstrip("/").removesuffix(API_SUFFIX)
    return f"{url}/admin/" if url else "the LMS"


def _refuse(self, *args, **kwargs) -> dict:
    """What nbgrader's API answers for a failed step: shown in the formgrader."""
    message = messages.IN_THE_LMS.format(admin_url=_admin_url())
    return {"success": False, "error": message, "log": message}


class FormgraderList(ExchangeList):
    """nbgrader's API asks the exchange for a list at every formgrader request,
    only to tell whether one is there: the LMS is, and no learner's lab list is
    wanted here (nor a call to the LMS per page)."""

    def start(self):
        return []


class ReadOnlyContentsManager(LargeFileManager):
    """The course directory may be read (nbgrader's pages link to notebooks),
    never written: a file here could be a config that nbgrader executes."""

    def _refuse(self, *args, **kwargs):
        raise web.HTTPError(403, messages.READ_ONLY)

    save = delete_file = rename_file = _refuse
    create_checkpoint = restore_checkpoint = delete_checkpoint = _refuse


def _jupyter_server_extension_points():
    return [{"module": "lms_exchange.formgrader"}]


def _load_jupyter_server_extension(serverapp):
    for name in REFUSED:
        setattr(NbGraderAPI, name, _refuse)
    serverapp.log.info("lms_exchange.formgrader: grading by hand only")
