"""The names this hub shares with the LMS (the LMS's copy: courses/jupyter/names.py;
tests/hub_config/test_contract.py keeps the two equal)."""

HUB_CLIENT_ID = "jupyterhub"
LMS_SERVICE_NAME = "lms"
LEARNER_GROUP_PREFIX = "nbgrader-"
GRADER_GROUP_PREFIX = "formgrade-"
ADMIN_GROUP = "lms-admins"
GROUPS_CLAIM = "groups"
SYSTEM_USER_PREFIX = "lab-"


def is_lab_group(name: str) -> bool:
    return name == ADMIN_GROUP or name.startswith(
        (LEARNER_GROUP_PREFIX, GRADER_GROUP_PREFIX)
    )


def system_user(hub_user: str) -> str:
    return f"{SYSTEM_USER_PREFIX}{hub_user}"
