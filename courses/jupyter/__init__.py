"""The boundary to JupyterHub, nbgrader, nbclient and jupyter_client.

The rest of the project uses only the names below; nothing else imports
jupyterhub, nbgrader, nbclient, jupyter_client or traitlets. No Django here:
this package is plain Python, tested without a database. Install the lab
environment and the grading sandbox with ``python -m courses.jupyter.provision``
(see docs/sandbox.md).

The grading names load on first use, so the web processes that only talk to
the hub never import nbgrader.
"""

import importlib

from courses.jupyter import names
from courses.jupyter.hub import HubClient, HubError, HubUnavailable

_LAZY = {
    "SandboxConfig": "config",
    "SandboxLimits": "config",
    "generate_feedback": "feedback",
    "grade_submission": "grading",
    "KernelLane": "lanes",
    "Course": "nbgrader_app",
    "course_prepare": "coursedir",
    "learner_course": "coursedir",
    "file_lock": "coursedir",
    "manual_scores_set": "gradebook",
    "assignment_structure": "gradebook",
    "comments_set": "gradebook",
    "FormgraderError": "formgrader",
    "autograded_files": "formgrader",
    "formgrader_dump": "formgrader",
    "formgrader_load": "formgrader",
    "formgrader_prepared": "formgrader",
    "formgrader_down": "formgrader",
    "gradebook_mark": "formgrader",
    "encoded_files": "formgrader",
    "submission_timestamp": "gradebook",
    "GradingError": "nbgrader_app",
    "generate_assignment": "nbgrader_app",
    "GradingPool": "pool",
    "COULD_NOT_GRADE": "results",
    "GRADED": "results",
    "MISSING": "results",
    "CellScore": "results",
    "GradeResult": "results",
    "NotebookResult": "results",
    "NoFreeSlot": "slots",
    "notebook_read": "notebooks",
    "tampering": "notebooks",
    "Release": "releases",
    "ReleaseRefused": "releases",
    "release_build": "releases",
    "safe_relative": "releases",
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
    return getattr(module, name)


__all__ = ["HubClient", "HubError", "HubUnavailable", "names", *_LAZY]
