from django.apps import AppConfig


class LmsConfig(AppConfig):
    """The project itself: base templates, static files, template tags."""

    name = "lms"
    label = "lms"
