"""Every sentence the exchange shows a learner (tests assert on these).

The LMS's own refusals are shown as it words them (its ``detail``); these are
the lab's. The ones marked "nbgrader's" keep the default exchange's wording.
"""

UNREACHABLE = "The LMS could not be reached ({reason}); try again in a minute."
SERVER_ERROR = "The LMS could not answer (HTTP {status}); try again in a minute."
REFUSED = "The LMS refused the request (HTTP {status})."
NOT_JSON = (
    "The LMS answered {url} with something other than JSON: "
    "LMS_EXCHANGE_URL is probably wrong; tell your instructor."
)
NOT_CONFIGURED = (
    "This lab is not connected to the LMS ({variable} is not set): stop and "
    "start your server from the hub's control panel, and tell your instructor "
    "if this stays."
)
LMS_ONLY = (
    "Release assignments, collect submissions and release feedback in the LMS "
    "(Wagtail admin → Assignments): {admin_url}"
)
IN_THE_LMS = (
    "This formgrader is for grading by hand. Assignments are generated, released "
    "and autograded (in a sandbox), and feedback is made and released, in the "
    "LMS: {admin_url}"
)
NO_KERNELS = (
    "The formgrader runs no code: learners' notebooks run in the LMS's sandbox."
)
READ_ONLY = "The formgrader's files are kept by the LMS and cannot be changed here."
NO_REMOVE = (
    "Removing assignments is not possible from a lab: the LMS keeps every "
    "release and every submission."
)
BAD_NAME = "{name!r} cannot be a course or assignment id: it must be a plain name."
NOT_RELEASED = "No released assignment {assignment_id} in course {course_id} for you."
NO_FEEDBACK = "No feedback has been released yet for {course_id} {assignment_id}."

# nbgrader's
NO_COURSE = "No course id specified. Re-run with --course flag."
ALREADY_FETCHED = "You already have a copy of the assignment in this directory: {root}"
NOT_FOUND_LOCALLY = "Assignment not found at: {path}"
MISSING_NOTEBOOKS_STRICT = (
    "Assignment {assignment_id} not submitted. "
    "There are missing notebooks for the submission:\n{diff}"
)
MISSING_NOTEBOOKS = (
    "Possible missing notebooks and/or extra notebooks "
    "submitted for assignment {assignment_id}:\n{diff}"
)

# Archives
UNSAFE_ARCHIVE = (
    "The LMS sent a release archive with an unsafe entry ({name}: {reason}); "
    "nothing was extracted. Tell your instructor."
)
TOO_MANY_FILES = (
    "{path} holds more than {limit} files to submit: remove the ones the "
    "assignment does not need and submit again."
)
TOO_LARGE = (
    "The submission would be {size_mb:.1f} MB, more than the LMS accepts "
    "({limit_mb:.0f} MB): remove large files from {path} and submit again."
)
SKIPPED = "Not submitted: {name} ({reason})."
DOWNLOAD_TOO_LARGE = (
    "The LMS sent more than {limit_mb:.0f} MB from {url}; nothing was saved. "
    "Tell your instructor."
)
