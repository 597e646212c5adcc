"""``{% public_progress as progress %}``: the progress page's figures and chart
(see ``courses.progress_page``), in previews as on the live page."""

from django import template

from courses.progress_page import progress_context

register = template.Library()


@register.simple_tag
def public_progress() -> dict:
    return progress_context()
