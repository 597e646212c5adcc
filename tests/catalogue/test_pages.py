"""The catalogue's page tree and its pages' rules."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from courses.catalogue.models import CataloguePage, CoursePage, TrackPage
from tests.factories import CoursePageFactory, TrackPageFactory

pytestmark = pytest.mark.django_db


def test_tree_rules_catalogue_then_tracks_then_courses(catalogue, track, course):
    root = Page.get_first_root_node()
    assert CataloguePage.allowed_parent_page_models() == [Page]
    assert not TrackPage.can_create_at(root)
    assert TrackPage.can_create_at(catalogue)
    assert not CoursePage.can_create_at(catalogue)
    assert CoursePage.can_create_at(track)
    assert not TrackPage.can_create_at(track)
    assert not CoursePage.can_create_at(course)


def test_only_one_catalogue_per_parent(catalogue):
    assert not CataloguePage.can_create_at(Page.get_first_root_node())


def test_course_code_cannot_change_once_created(course):
    course.code = "renamed"
    with pytest.raises(ValidationError) as refused:
        course.full_clean()
    assert "code" in refused.value.message_dict


def test_renaming_a_course_keeps_its_code_and_cohort_lab_ids(course, cohort_factory):
    cohort = cohort_factory(code="2027a")
    lab_course_id = cohort.lab_course_id  # the factory's: it carries the test run
    course.title = "A new title"
    course.save_revision().publish()

    cohort.refresh_from_db()
    assert cohort.lab_course_id == lab_course_id
    assert course.code == "ml-basics"


def test_course_code_is_unique_among_courses_of_a_language(track, course):
    twin = CoursePageFactory.build(code=course.code, slug="twin")
    with pytest.raises(ValidationError) as refused:
        track.add_child(instance=twin)
        twin.full_clean()
    assert "code" in refused.value.message_dict


def test_translation_shares_the_code(course, english_course):
    assert english_course.code == course.code
    english_course.full_clean()


def test_track_page_lists_its_live_courses_only(client, track, course):
    hidden = CoursePageFactory(parent=track, title="Draft course")
    hidden.unpublish()

    response = client.get(track.url)

    titles = [c.title for c in response.context["courses"]]
    assert titles == [course.title]


def test_pages_render_for_visitors(client, catalogue, track, course):
    for page in (catalogue, track, course):
        assert client.get(page.url).status_code == 200


def test_tracks_of_another_catalogue_language_are_counted_once(
    client, catalogue, english, cohort_factory, course
):
    english_catalogue = catalogue.copy_for_translation(english)
    english_catalogue.save_revision().publish()
    track = TrackPageFactory._meta.model.objects.get(locale__language_code="ko")
    english_track = track.copy_for_translation(english)
    english_track.save_revision().publish()
    cohort_factory(seats=7)

    response = client.get(english_catalogue.url)

    assert [t.seats_open for t in response.context["tracks"]] == [7]
