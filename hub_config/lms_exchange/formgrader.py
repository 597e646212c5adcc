"""The cohort's formgrader, for grading by hand only (jupyter_server extension
``lms_exchange.formgrader``, enabled in the grader account's server alone by
hub_config/formgrader/).

The LMS holds the assignments, runs learners' code in its sandbox and makes the
feedback; the formgrader shows the autograded notebooks the LMS put in its
course directory and records scores and comments in its gradebook, which the
LMS reads back. So nbgrader's buttons that would run learners' code here
(autograde), rebuild what the LMS builds (generate), or release and collect
answer with the LMS's address instead; the server's files cannot be changed,
and it starts no kernels or terminals.

The spawner names these classes on the server's command line (hub_config/
lms_hub.py), which outranks every config file: importing this module is what
makes nbgrader's buttons refuse, so a server that runs without it does not
start at all, instead of running with nbgrader's defaults.
"""

import os

from jupyter_server.services.contents.largefilemanager import LargeFileManager
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
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


class NoKernelManager(AsyncMappingKernelManager):
    """Starts no kernel, by any name. ``KernelSpecManager.allowed_kernelspecs``
    only hides kernels from the list: jupyter_client still starts one asked for
    by name (python3 is always found), so it refuses nothing."""

    async def start_kernel(self, *args, **kwargs):
        raise web.HTTPError(403, messages.NO_KERNELS)


class ReadOnlyContentsManager(LargeFileManager):
    """The course directory may be read (nbgrader's pages link to notebooks),
    never written: a file here could be a config that nbgrader executes."""

    def _refuse(self, *args, **kwargs):
        raise web.HTTPError(403, messages.READ_ONLY)

    save = delete_file = rename_file = _refuse
    create_checkpoint = restore_checkpoint = delete_checkpoint = _refuse


# On import, not only when the extension loads: the command line makes the
# server import this module for its kernel and contents managers.
for _name in REFUSED:
    setattr(NbGraderAPI, _name, _refuse)


def _jupyter_server_extension_points():
    return [{"module": "lms_exchange.formgrader"}]


def _load_jupyter_server_extension(serverapp):
    serverapp.log.info("lms_exchange.formgrader: grading by hand only")
