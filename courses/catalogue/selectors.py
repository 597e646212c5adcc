"""Reads for the public catalogue: tracks, courses, cohorts, search."""

import re

from django.utils import timezone
from wagtail.models import Locale

from courses.catalogue import search
from courses.catalogue.models import CoursePage, TrackPage
from courses.catalogue.signals import open_courses

# Quotes, brackets, ``*``, ``^``, ``:`` are syntax to SQLite's FTS5 (and some to
# PostgreSQL's tsquery), and both indexes keep only words: search for words alone.
NOT_A_WORD = re.compile(r"[\W_]+")
SEARCH_MAX_WORDS = 20  # enough for any title; bounds the query's size


def _search_words(query: str) -> str:
    """The words of ``query`` (letters and digits in any script), space-separated."""
    words = NOT_A_WORD.sub(" ", query).split()[:SEARCH_MAX_WORDS]
    # Uppercase AND/OR/NOT/NEAR are operators to some backends, lowercase never.
    return " ".join(word.lower() for word in words)


def track_source_paths(tracks: list[TrackPage]) -> dict[str, str]:
    """translation key → path of the default-language page of each track: cohorts
    hang off those pages, whatever the language shown."""
    return dict(
        TrackPage.objects.filter(
            translation_key__in=[t.translation_key for t in tracks],
            locale=Locale.get_default(),
        ).values_list("translation_key", "path")
    )


def course_search(
    *,
    locale: Locale,
    query: str = "",
    track: TrackPage | None = None,
    level: str = "",
    format: str = "",
    language: str = "",
    open_only: bool = False,
) -> list[CoursePage]:
    """Live courses in ``locale`` matching the text and filters, best match first."""
    courses = CoursePage.objects.live().filter(locale=locale)
    if track is not None:
        courses = courses.child_of(track)
    filters = {"level": level, "format": format, "language": language}
    courses = courses.filter(**{k: v for k, v in filters.items() if v})
    if open_only:
        for open_keys in open_courses(timezone.now()):
            courses = courses.filter(translation_key__in=open_keys)
    if not query.strip():
        return list(courses.order_by("path"))
    words = _search_words(query)
    if not words:  # punctuation only: nothing can match it
        return []
    terms = search.search_terms(words.split())
    # Wagtail ranks whole words over the locale (its index filters on few fields);
    # part-of-word hits join them in one query that also applies the filters.
    in_locale = CoursePage.objects.live().filter(locale=locale)
    ranked = [page.pk for page in in_locale.search(search.full_word_query(terms))]
    return search.rank_courses(search.part_word_matches(courses, terms, ranked), ranked)
