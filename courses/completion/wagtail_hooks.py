"""The completion admin's URLs: a cohort's completion page and its actions."""

from wagtail import hooks

from courses.completion.admin import completion_button, completion_urls

hooks.register("register_admin_urls", completion_urls)
hooks.register("cohort_buttons", completion_button)
