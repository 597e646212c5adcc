from .assignments import (
    assignment_for_learner,
    assignment_released_to,
    assignments_by_cohort,
    assignments_released_to,
    due_for,
    release_files,
    release_notebooks,
    submission_files,
    submissions_of,
)
from .catalogue import course_detail, course_search, track_cards, track_detail
from .cohorts import cohort_state, cohorts_with_seats, next_window_change
from .enrollment import (
    cohorts_taught_by,
    enrollment_of_user,
    enrollments_of_user_in,
    my_learning,
    with_waitlist_position,
)
from .lab import lab_groups_for
from .permissions import (
    assignments_manageable_by,
    cohorts_manageable_by,
    enrollments_manageable_by,
    institutions_of,
    invitations_manageable_by,
    submissions_manageable_by,
    user_can_manage_cohort,
)

__all__ = [
    "assignment_for_learner",
    "assignment_released_to",
    "assignments_by_cohort",
    "due_for",
    "assignments_manageable_by",
    "submissions_manageable_by",
    "assignments_released_to",
    "release_files",
    "release_notebooks",
    "submission_files",
    "submissions_of",
    "cohort_state",
    "cohorts_taught_by",
    "cohorts_manageable_by",
    "cohorts_with_seats",
    "course_detail",
    "course_search",
    "enrollment_of_user",
    "enrollments_manageable_by",
    "enrollments_of_user_in",
    "institutions_of",
    "lab_groups_for",
    "invitations_manageable_by",
    "my_learning",
    "next_window_change",
    "track_cards",
    "track_detail",
    "user_can_manage_cohort",
    "with_waitlist_position",
]
