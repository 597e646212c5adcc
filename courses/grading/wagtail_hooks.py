"""The grading admin's URLs: release, preview, progress, feedback, the gradebook."""

from django.urls import path
from wagtail import hooks

from courses.grading.admin import gradebook_button
from courses.grading.admin_cohort import (
    CohortGradebookView,
    ExtensionGrantView,
    FormgraderView,
    cohort_gradebook_download,
)
from courses.grading.admin_views import (
    AssignmentRegradeView,
    assignment_feedback_release,
    assignment_preview,
    assignment_progress,
    assignment_release_now,
    submission_download,
    submission_feedback_page,
    submission_feedback_release,
    submission_grade_by_hand,
    submission_regrade,
)


@hooks.register("register_admin_urls")
def grading_urls():
    """Grading progress and actions, extensions, feedback, the gradebook."""
    return [
        path(
            "assignment/<int:pk>/release-now/",
            assignment_release_now,
            name="assignment_release_now",
        ),
        path(
            "assignment/<int:pk>/preview/<int:file_id>/",
            assignment_preview,
            name="assignment_preview",
        ),
        path(
            "submission/<int:pk>/download/",
            submission_download,
            name="submission_download",
        ),
        path(
            "assignment/<int:pk>/progress/",
            assignment_progress,
            name="assignment_progress",
        ),
        path(
            "assignment/<int:pk>/regrade/",
            AssignmentRegradeView.as_view(),
            name="assignment_regrade",
        ),
        path(
            "assignment/<int:pk>/release-feedback/",
            assignment_feedback_release,
            name="assignment_feedback_release",
        ),
        path(
            "assignment/<int:pk>/extensions/new/",
            ExtensionGrantView.as_view(),
            name="assignment_extension_grant",
        ),
        path(
            "submission/<int:pk>/regrade/",
            submission_regrade,
            name="submission_regrade",
        ),
        path(
            "submission/<int:pk>/release-feedback/",
            submission_feedback_release,
            name="submission_feedback_release",
        ),
        path(
            "submission/<int:pk>/grade-by-hand/",
            submission_grade_by_hand,
            name="submission_grade_by_hand",
        ),
        path(
            "submission/<int:pk>/feedback/<int:feedback_id>/",
            submission_feedback_page,
            name="submission_feedback_page",
        ),
        path(
            "cohort/<int:pk>/formgrader/",
            FormgraderView.as_view(),
            name="cohort_formgrader",
        ),
        path(
            "cohort/<int:pk>/gradebook/",
            CohortGradebookView.as_view(),
            name="cohort_gradebook",
        ),
        path(
            "cohort/<int:pk>/gradebook.csv",
            cohort_gradebook_download,
            {"fmt": "csv"},
            name="cohort_gradebook_csv",
        ),
        path(
            "cohort/<int:pk>/gradebook.xlsx",
            cohort_gradebook_download,
            {"fmt": "xlsx"},
            name="cohort_gradebook_xlsx",
        ),
    ]


hooks.register("cohort_buttons", gradebook_button)
