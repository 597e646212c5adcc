from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Page

register = template.Library()


@register.inclusion_tag("includes/language_links.html", takes_context=True)
def language_links(context) -> dict:
    """Links to this page in every interface language (KO/EN)."""
    request = context.get("request")
    page = context.get("page")
    translations = {}
    if isinstance(page, Page):
        for translation in (
            page.get_translations(inclusive=True).live().select_related("locale")
        ):
            translations[translation.locale.language_code] = translation.url
    current = get_language()
    path = request.get_full_path() if request else "/"
    links = [
        {
            "code": code,
            "name": name,
            "url": translations.get(code) or translate_url(path, code),
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]
    return {"links": links}
