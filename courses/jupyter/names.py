"""The names shared with the hub (hub_config/), which cannot import this module.

tests/hub_config/test_contract.py loads hub_config/jupyterhub_config.py and checks
its values against these, so the two sides never drift apart.
"""

import hashlib

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
# What the LMS's hub token may do, and no more. It never reads tokens or
# authentication state; the only users it creates are the cohorts' formgraders
# (a person appears on the hub at first sign-in, with the groups of their claims).
LMS_SERVICE_SCOPES = [
    "users",  # read users: their groups, servers and last activity
    "admin:users",  # create a cohort's formgrader user (grader_<course id>)
    "admin:groups",  # create a course's groups the first time someone needs one
    "servers",  # start a formgrader; read and stop servers (an administrator's
    # stop, a disabled account)
    "shares",  # share a cohort's formgrader with its graders' group …
    "access:servers",  # … which needs access to it (the LMS, as the hub's
    # identity provider, could sign in as anyone anyway)
]


def learner_group(course_id: str) -> str:
    return f"{LEARNER_GROUP_PREFIX}{course_id}"


def grader_group(course_id: str) -> str:
    return f"{GRADER_GROUP_PREFIX}{course_id}"


def is_lab_group(name: str) -> bool:
    """A group that lets its members into the lab."""
    return name == ADMIN_GROUP or name.startswith(
        (LEARNER_GROUP_PREFIX, GRADER_GROUP_PREFIX)
    )


def system_user(hub_user: str) -> str:
    return f"{SYSTEM_USER_PREFIX}{hub_user}"


def grader_user(course_id: str) -> str:
    """The hub user of a cohort's formgrader; its system account fits in 32
    characters (a long or unusual course id is shortened by a hash)."""
    name = f"{GRADER_USER_PREFIX}{course_id.lower()}"
    if len(system_user(name)) <= 32 and all(
        ch.isascii() and (ch.isalnum() or ch in "-_") for ch in name
    ):
        return name
    digest = hashlib.sha256(course_id.encode()).hexdigest()[:16]
    return f"{GRADER_USER_PREFIX}{digest}"


def is_grader_user(name: str) -> bool:
    return name.startswith(GRADER_USER_PREFIX)
