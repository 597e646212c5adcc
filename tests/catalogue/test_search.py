"""The course search answers every input with a page, never a server error.

SQLite's FTS5 and PostgreSQL's tsquery both have a query syntax (quotes,
brackets, AND/OR/NOT/NEAR, ``*``, ``^``, ``:``); what a visitor types is text.
"""

import pytest

HOSTILE = [
    '"',
    '""',
    '"python',
    "python\"'",
    "'",
    "(",
    ")",
    "((python",
    "python)",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "NEAR(python data, 2)",
    "python AND",
    "OR python",
    "NOT NOT",
    "python OR NOT data",
    "*",
    "pyth*",
    "^python",
    "title:python",
    ":",
    "-python",
    "+python",
    "!python & data | ml",
    "python <-> data",
    "\\",
    "%_",
    "x" * 10_000,
    "python " * 1_500,
    "a\x00b",
    "\x00",
    "🐍🚀",
    "파이썬",
    '"파이썬" AND (데이터 OR 분석*)',
    "머신러닝 NEAR/3 '모델'",
    '🐍 "py" (데이터) ^ml: *',
    "\u200b\ufeff",
    "é" + "\u0301",
]


@pytest.fixture
def searchable(course, django_capture_on_commit_callbacks):
    """A Korean course titled "Python data analysis", in the search index."""
    with django_capture_on_commit_callbacks(execute=True):
        course.title = "Python data analysis"
        course.save_revision().publish()
    return course


def _answers_with_a_page(client, query: str, path: str = "/en/search/"):
    response = client.get(path, {"q": query})
    assert response.status_code == 200
    form = response.context["form"]
    # Results (maybe none: "0 courses found"), or the form says what is wrong.
    assert response.context["results"] is not None or form.errors["q"]
    return response


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_search_answers_any_input_with_a_page(client, searchable, query):
    _answers_with_a_page(client, query)


def test_search_finds_words_inside_search_syntax(client, searchable):
    for query in ['"python"', "(python", "python*", "(DATA)", "python:", "^data"]:
        response = _answers_with_a_page(client, query, path="/search/")

        assert [c.title for c in response.context["results"]] == [searchable.title]


def test_search_of_punctuation_alone_says_nothing_found(client, searchable):
    response = _answers_with_a_page(client, '"()*^:')

    assert response.context["results"] == []
    assert "0 courses found" in response.text


def test_search_of_an_overlong_query_says_so(client, searchable):
    response = _answers_with_a_page(client, "x" * 10_000)

    assert "at most 200 characters" in response.text


def test_search_fuzzed_text_never_errors(client, searchable):
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    syntax = st.sampled_from(
        ['"', "'", "(", ")", "*", "^", ":", "-", " AND ", " OR ", " NOT ", " NEAR "]
    )
    words = st.sampled_from(["python", "data", "파이썬", "분석", "🐍", "\x00"])
    pieces = st.lists(st.one_of(syntax, words, st.text(max_size=8)), max_size=30)

    @hypothesis.settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
    )
    @hypothesis.given(pieces)
    def search(parts):
        _answers_with_a_page(client, "".join(parts))

    search()
