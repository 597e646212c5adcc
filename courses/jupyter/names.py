"""The names shared with the hub (hub_config/), which cannot import this module.

tests/hub_config/test_contract.py loads hub_config/jupyterhub_config.py and checks
its values against these, so the two sides never drift apart.
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
# What the LMS's hub token may do, and no more: it never creates users (a person
# appears on the hub at first sign-in, with the groups of their claims) and never
# reads tokens or authentication state.
LMS_SERVICE_SCOPES = [
    "users",  # read users: their groups, servers and last activity
    "admin:groups",  # create a course's groups the first time someone needs one
    "servers",  # read and stop servers (an administrator's stop, a disabled account)
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
