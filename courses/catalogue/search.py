"""Course search by whole words (Wagtail's index) and by parts of words, with synonyms.

Wagtail's database backend matches whole words only, and PostgreSQL splits Korean
on spaces, so 러닝 never finds 머신러닝 and "learn" never finds "Learning" on SQLite.
Part-of-word matching reads the plain text the search index already keeps for each
page (title; summary, syllabus and prerequisites without their markup), so the
same rules hold on PostgreSQL and on SQLite.
"""

import re

from django.db import connection
from django.db.models import Case, Q, QuerySet, Value, When
from wagtail.search.query import And, Or, PlainText, SearchQuery

from courses.catalogue.models import CoursePage

# Terms of the field that mean the same: a query term equal to one of a group (read
# without spaces, lower-case) also searches the others. Keep it small and certain.
SYNONYMS: list[tuple[str, ...]] = [
    ("머신러닝", "기계학습", "machine learning"),
    ("딥러닝", "심층학습", "deep learning"),
    ("ai", "인공지능"),
    ("데이터 과학", "데이터사이언스", "data science"),
    ("파이썬", "python"),
]
_GROUP_OF = {term.replace(" ", ""): group for group in SYNONYMS for term in group}
_LONGEST_TERM = max(len(term.split()) for group in SYNONYMS for term in group)
LATIN_WORD = re.compile(r"[a-z0-9 ]+")

# Ranks below Wagtail's whole-word hits: every term in the title, then elsewhere.
PART_IN_TITLE, PART_IN_TEXT = 0, 1


def search_terms(words: list[str]) -> list[tuple[str, ...]]:
    """The query's terms, each with its alternatives: the word(s), or their synonyms."""
    terms: list[tuple[str, ...]] = []
    start = 0
    while start < len(words):
        # The longest run of words that spells a synonym (데이터 과학 = 데이터과학).
        for end in range(min(len(words), start + _LONGEST_TERM), start, -1):
            group = _GROUP_OF.get("".join(words[start:end]))
            if group:
                terms.append(group)
                start = end
                break
        else:
            terms.append((words[start],))
            start += 1
    return terms


def full_word_query(terms: list[tuple[str, ...]]) -> SearchQuery:
    """Wagtail's query: every term, each by any of its alternatives."""
    return And([Or([PlainText(alt, operator="and") for alt in alts]) for alts in terms])


def _pattern(alternative: str) -> str:
    # Words hold only letters and digits (see selectors._search_words): nothing in
    # them is regex syntax, on PostgreSQL or in Python's re (SQLite).
    body = r"\s*".join(re.escape(word) for word in alternative.split())
    if LATIN_WORD.fullmatch(alternative):
        # English is typed from the start of a word: "learn" finds "Learning",
        # while "ai" inside "training" would only be noise.
        return rf"(^|\W){body}"
    # Korean compounds join nouns without spaces: 러닝 sits inside 머신러닝.
    return body


def _text_fields() -> tuple[str, str]:
    """The index entry's plain title and body, as each backend names them."""
    if connection.vendor == "postgresql":
        return "index_entries__title_text", "index_entries__body_text"
    return "index_entries__title", "index_entries__body"


def part_word_matches(
    courses: QuerySet[CoursePage], terms: list[tuple[str, ...]], ranked: list[int]
) -> list[CoursePage]:
    """Courses matching every term in part of a word, or in ``ranked``, one query.

    Each carries ``part_rank``: PART_IN_TITLE when every term is in the title.
    """
    title, body = _text_fields()
    in_title, anywhere = Q(), Q()
    for alts in terms:
        pattern = "|".join(f"({_pattern(alt)})" for alt in alts)
        in_title &= Q(**{f"{title}__iregex": pattern})
        anywhere &= Q(**{f"{title}__iregex": pattern}) | Q(
            **{f"{body}__iregex": pattern}
        )
    rank = Case(When(in_title, then=Value(PART_IN_TITLE)), default=Value(PART_IN_TEXT))
    found = courses.filter(anywhere | Q(pk__in=ranked)).annotate(part_rank=rank)
    return list({page.pk: page for page in found}.values())


def rank_courses(pages: list[CoursePage], ranked: list[int]) -> list[CoursePage]:
    """Wagtail's whole-word hits in its order, then part-of-word hits by rank, path."""
    position = {pk: index for index, pk in enumerate(ranked)}
    whole = sorted((p for p in pages if p.pk in position), key=lambda p: position[p.pk])
    parts = sorted(
        (p for p in pages if p.pk not in position), key=lambda p: (p.part_rank, p.path)
    )
    return whole + parts
