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


# Parts of words, synonyms and ranking, in Korean and English.


@pytest.fixture
def indexed(track, django_capture_on_commit_callbacks):
    """A factory of live courses under ``track``, written to the search index."""
    from tests.factories import CoursePageFactory

    def make(title: str, summary: str = "Hands-on sessions.", **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return CoursePageFactory(
                parent=track, title=title, summary=summary, **fields
            )

    return make


def _titles(client, query: str, path: str = "/search/", **filters) -> list[str]:
    response = client.get(path, {"q": query, **filters})
    assert response.status_code == 200
    return [course.title for course in response.context["results"]]


def test_search_finds_an_english_stem_at_the_start_of_a_word(client, indexed):
    indexed("Deep Learning")
    indexed("Yearning for data")

    assert _titles(client, "learn") == ["Deep Learning"]
    assert _titles(client, "LEARN") == ["Deep Learning"]


def test_search_finds_part_of_a_korean_compound(client, indexed):
    indexed("AI 데이터 엔지니어링 실무")
    indexed("머신러닝 입문")
    indexed("국방 영상 인식 실무")

    assert _titles(client, "엔지니어") == ["AI 데이터 엔지니어링 실무"]
    assert _titles(client, "러닝") == ["머신러닝 입문"]


def test_search_of_a_term_finds_its_synonym(client, indexed):
    indexed("기계학습 기초 이론")
    indexed("심층학습 세미나")
    indexed("인공지능 윤리")
    indexed("데이터사이언스 캠프")

    assert _titles(client, "머신러닝") == ["기계학습 기초 이론"]
    assert _titles(client, "딥러닝") == ["심층학습 세미나"]
    assert _titles(client, "AI") == ["인공지능 윤리"]
    assert _titles(client, "데이터 과학") == ["데이터사이언스 캠프"]
    assert _titles(client, "데이터과학") == ["데이터사이언스 캠프"]


def test_search_of_a_synonym_runs_both_ways_and_across_languages(client, indexed):
    indexed("머신러닝 입문")
    indexed("장병을 위한 파이썬과 데이터")

    assert _titles(client, "기계학습") == ["머신러닝 입문"]
    assert _titles(client, "machine learning") == ["머신러닝 입문"]
    assert _titles(client, "python") == ["장병을 위한 파이썬과 데이터"]


def test_search_needs_every_word_in_mixed_korean_and_english(client, indexed):
    indexed("AI 데이터 엔지니어링 실무")
    indexed("에너지 AI")
    indexed("엔지니어를 위한 통계")

    assert _titles(client, "ai 엔지") == ["AI 데이터 엔지니어링 실무"]
    assert _titles(client, "엔지 통계 ai") == []


def test_search_ranks_whole_words_before_parts_of_words(client, indexed):
    indexed("빅데이터 처리")
    indexed("Databases", summary="빅데이터 없이 시작합니다.")
    indexed("데이터 분석 입문")

    assert _titles(client, "데이터") == [
        "데이터 분석 입문",
        "빅데이터 처리",
        "Databases",
    ]


def test_search_ranks_parts_in_the_title_before_parts_in_the_text(client, indexed):
    indexed("Statistics", summary="Uses deep learning models.")
    indexed("Deep Learning")

    assert _titles(client, "learn") == ["Deep Learning", "Statistics"]


def test_search_reads_the_syllabus_and_prerequisites_not_their_markup(client, indexed):
    indexed(
        "Course with text",
        prerequisites="<p><strong>파이썬</strong> 기초 문법</p>",
        syllabus=[
            ("module", {"title": "Convolutional networks", "hours": 6}),
        ],
    )

    assert _titles(client, "문법") == ["Course with text"]
    assert _titles(client, "convolution") == ["Course with text"]
    assert _titles(client, "strong") == []
    assert _titles(client, "module") == []


def test_search_by_part_of_a_word_still_applies_the_filters(client, indexed):
    indexed("머신러닝 입문", level="beginner")
    indexed("딥러닝 심화", level="advanced", format="onsite")

    assert _titles(client, "러닝", level="advanced") == ["딥러닝 심화"]
    assert _titles(client, "러닝", format="online") == ["머신러닝 입문"]
    assert _titles(client, "러닝", language="en") == []


def test_search_of_a_very_long_query_keeps_its_first_words(client, indexed):
    indexed("AI 데이터 엔지니어링 실무")

    assert _titles(client, "엔지 " * 40) == ["AI 데이터 엔지니어링 실무"]
    # Words past SEARCH_MAX_WORDS are dropped, not matched.
    assert _titles(client, "엔지 " * 25 + "없는말") == ["AI 데이터 엔지니어링 실무"]


def test_search_box_example_finds_a_demo_course(client, indexed):
    from courses.demo.courses import COURSES

    for courses in COURSES.values():
        for demo in courses:
            indexed(demo["ko"][0], summary=demo["ko"][1], code=demo["code"])

    assert _titles(client, "머신러닝") == ["기계학습 기초 이론"]
    assert "딥러닝 컴퓨터 비전" in _titles(client, "러닝")


@pytest.mark.parametrize("query", ["러닝", "learn", "ai 엔지", "머신러닝 python"])
def test_search_queries_do_not_grow_with_the_catalogue(client, indexed, query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _titles(client, query)
        return len(queries)

    for n in range(20):
        indexed(f"머신러닝 AI 엔지니어링 learning python {n}")
    count()  # the first request fills the site and locale caches
    at_20 = count()
    for n in range(20, 60):
        indexed(f"머신러닝 AI 엔지니어링 learning python {n}")

    assert count() == at_20
    assert len(_titles(client, query)) == 60
