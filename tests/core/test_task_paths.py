"""Tasks queued before the slices still run after the upgrade (migration 0009)."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.utils.module_loading import import_string

migration = import_module("courses.migrations.0009_task_paths")


def test_every_moved_task_path_names_a_task():
    for new in migration.MOVED.values():
        assert import_string(new).module_path == new


@pytest.mark.django_db
def test_queued_tasks_are_pointed_at_where_their_task_lives_now(settings):
    from django_tasks_db.models import DBTaskResult

    from courses.grading.services.autograde import grade_submissions

    # The database backend of `make run` (the tests run tasks at once).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    grade_submissions.enqueue([1])
    queued = DBTaskResult.objects.get()
    queued.task_path = "courses.tasks.grade_submissions"
    queued.save(update_fields=["task_path"])

    migration.forward(django_apps, None)

    queued.refresh_from_db()
    assert queued.task == grade_submissions
    migration.backward(django_apps, None)
    queued.refresh_from_db()
    assert queued.task_path == "courses.tasks.grade_submissions"
