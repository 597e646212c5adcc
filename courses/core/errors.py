"""A service's refusal, with a code and a message people can read."""

from django.utils.translation import gettext


class ServiceError(Exception):
    """A rule refused the action; ``message`` is for the person who asked."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def problem_text(problem) -> str:
    """A problem from courses.jupyter, in the language of the person reading."""
    return gettext(problem.template) % problem.params
