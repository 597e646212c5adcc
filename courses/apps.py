"""The one Django app of the domain; its slices connect their receivers here."""

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        # deferred: Django's ready(): receivers and policies need loaded models
        from courses.catalogue import receivers as _catalogue  # noqa: F401
        from courses.completion import receivers as _completion  # noqa: F401
        from courses.core import audit, exports
        from courses.core.receivers import roles_after_migrate
        from courses.enrollment import receivers as _enrollment  # noqa: F401
        from courses.grading import receivers as _grading  # noqa: F401
        from courses.lab import receivers as _lab  # noqa: F401
        from courses.policies import register_policies
        from courses.reporting import receivers as _reporting  # noqa: F401

        register_policies()
        exports.neutralise_wagtail_exports()
        audit.register_models()

        # Permissions exist only once migrate has run every app's post_migrate;
        # the roles (groups and what they may do) are brought up to date after
        # the last one.
        with_models = [a for a in apps.get_app_configs() if a.models_module]
        last_app = with_models[-1]  # only apps with models get the signal
        post_migrate.connect(roles_after_migrate, sender=last_app)
