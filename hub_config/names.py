"""The names this hub shares with the LMS (the LMS's copy: courses/jupyter/names.py;
tests/hub_config/test_contract.py keeps the two equal)."""

HUB_CLIENT_ID = "jupyterhub"
LMS_SERVICE_NAME = "lms"
LEARNER_GROUP_PREFIX = "nbgrader-"
GRADER_GROUP_PREFIX = "formgrade-"
ADMIN_GROUP = "lms-admins"
GROUPS_CLAIM = "groups"
SYSTEM_USER_PREFIX = "lab-"

# The shared formgrader of a cohort runs as hub user "grader_<course id>" (its
# system account "lab-grader_<course id>"): "_" is never in a person's handle.
GRADER_USER_PREFIX = "grader_"
# In the grader account's home: the nbgrader course the formgrader shows, and
# the file naming its course id (written by the LMS, read by the formgrader).
FORMGRADER_COURSE_DIR = "course"
FORMGRADER_STATE_FILE = ".lms-formgrader.json"


def is_lab_group(name: str) -> bool:
    return name == ADMIN_GROUP or name.startswith(
        (LEARNER_GROUP_PREFIX, GRADER_GROUP_PREFIX)
    )


def system_user(hub_user: str) -> str:
    return f"{SYSTEM_USER_PREFIX}{hub_user}"


def is_grader_user(name: str) -> bool:
    return name.startswith(GRADER_USER_PREFIX)
