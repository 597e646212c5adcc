"""The names the hub and the LMS share: the one source of both sides.

The LMS reads them through courses/jupyter/names.py, which adds the names only
the LMS needs; tests/hub_config/test_contract.py checks that the hub's config
(hub_config/jupyterhub_config.py) is built from them. Plain Python: the hub and
the lab servers import this without Django.
"""

# The OpenID Connect client the hub signs in with.
HUB_CLIENT_ID = "jupyterhub"
# The LMS's own service account on the hub (group sync, server status, stop).
LMS_SERVICE_NAME = "lms"
# nbgrader's documented multi-course group contract (demos/demo_multiple_classes).
LEARNER_GROUP_PREFIX = "nbgrader-"
GRADER_GROUP_PREFIX = "formgrade-"
# LMS administrators are hub administrators.
ADMIN_GROUP = "lms-admins"
# The claim the hub reads groups from (also an OIDC scope of the same name).
GROUPS_CLAIM = "groups"
# System accounts of labs on one machine: "lab-" + hub user name (≤ 32 chars),
# never an existing account such as root or postgres.
SYSTEM_USER_PREFIX = "lab-"

# The shared formgrader of a cohort runs as hub user "grader_<course id>" (its
# system account "lab-grader_<course id>"): "_" is never in a person's handle.
GRADER_USER_PREFIX = "grader_"
# In the grader account's home: the nbgrader course the formgrader shows, and
# the file naming its course id (written by the LMS, read by the formgrader).
FORMGRADER_COURSE_DIR = "course"
FORMGRADER_STATE_FILE = ".lms-formgrader.json"


def is_lab_group(name: str) -> bool:
    """A group that lets its members into the lab."""
    return name == ADMIN_GROUP or name.startswith(
        (LEARNER_GROUP_PREFIX, GRADER_GROUP_PREFIX)
    )


def system_user(hub_user: str) -> str:
    return f"{SYSTEM_USER_PREFIX}{hub_user}"


def is_grader_user(name: str) -> bool:
    return name.startswith(GRADER_USER_PREFIX)
