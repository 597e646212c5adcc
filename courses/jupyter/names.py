"""The names shared with the hub, and the few only the LMS needs.

The shared ones are defined once, in hub_config/names.py (the hub and the lab
servers import it without Django); tests/hub_config/test_contract.py checks
that the hub's config is built from them. Import them from here in the LMS.
"""

import hashlib

from hub_config.names import (
    ADMIN_GROUP,
    FORMGRADER_COURSE_DIR,
    FORMGRADER_STATE_FILE,
    GRADER_GROUP_PREFIX,
    GRADER_USER_PREFIX,
    GROUPS_CLAIM,
    HUB_CLIENT_ID,
    LEARNER_GROUP_PREFIX,
    LMS_SERVICE_NAME,
    SYSTEM_USER_PREFIX,
    is_grader_user,
    is_lab_group,
    system_user,
)

__all__ = [
    "ADMIN_GROUP",
    "FORMGRADER_COURSE_DIR",
    "FORMGRADER_STATE_FILE",
    "GRADER_GROUP_PREFIX",
    "GRADER_USER_PREFIX",
    "GROUPS_CLAIM",
    "HUB_CLIENT_ID",
    "LEARNER_GROUP_PREFIX",
    "LMS_SERVICE_NAME",
    "LMS_SERVICE_SCOPES",
    "SYSTEM_USER_PREFIX",
    "grader_group",
    "grader_user",
    "is_grader_user",
    "is_lab_group",
    "learner_group",
    "system_user",
]

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
