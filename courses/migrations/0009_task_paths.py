"""Tasks queued before the slices (issue 17) name their old module: point them at
where each task lives now, so a queue that was not drained before the upgrade still
runs (grading is also recovered by the sweep; RQ queues must be drained first)."""

from django.db import migrations

MOVED = {
    "courses.tasks.send_enrollment_notice": (
        "courses.enrollment.notifications.send_enrollment_notice"
    ),
    "courses.tasks.send_invitation": "courses.enrollment.invitations.send_invitation",
    "courses.tasks.sync_lab": "courses.lab.services.sync_lab",
    "courses.tasks.delete_lab_groups": "courses.lab.services.delete_lab_groups",
    "courses.tasks.check_assignment": (
        "courses.grading.services.assignments.check_assignment"
    ),
    "courses.tasks.grade_submissions": (
        "courses.grading.services.autograde.grade_submissions"
    ),
    "courses.tasks.make_feedback": "courses.grading.services.feedback.make_feedback",
    "courses.tasks.sync_formgrader": (
        "courses.grading.services.formgrader_sync.sync_formgrader"
    ),
    "courses.tasks.sweep_completions": (
        "courses.completion.services.sweep.sweep_completions"
    ),
}


def _repoint(apps, schema_editor, moves):
    try:
        tasks = apps.get_model("django_tasks_database", "DBTaskResult")
    except LookupError:  # another task backend: nothing stored here
        return
    for old, new in moves.items():
        tasks.objects.filter(task_path=old).update(task_path=new)


def forward(apps, schema_editor):
    _repoint(apps, schema_editor, MOVED)


def backward(apps, schema_editor):
    _repoint(apps, schema_editor, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0008_completion_rules"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forward, backward)]
