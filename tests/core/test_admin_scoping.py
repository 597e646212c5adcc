"""Institution scoping in the Wagtail admin: staff and instructors of one
institution find, choose, filter, read the history of and edit only their own
institution's records and catalogue pages; every admin save leaves history."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from wagtail.log_actions import log
from wagtail.models import GroupPagePermission, ModelLogEntry, Page

from courses.core.receivers import roles_after_migrate
from courses.core.roles import (
    INSTRUCTORS,
    PROGRAMME_STAFF,
    institution_editors_sync,
    roles_ensure,
)
from courses.enrollment.cohorts import cohort_save
from courses.enrollment.models import Cohort, Enrollment, Invitation
from courses.enrollment.services import enrollment_create
from courses.grading.models import Assignment
from tests.factories import CoursePageFactory, InstitutionFactory
from tests.forms import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_ui")]

CHOOSER = "wagtailsnippetchoosers_courses_enrollment"


@pytest.fixture
def other_institution(db):
    return InstitutionFactory(code="elsewhere")


@pytest.fixture
def other_staff(user_factory, roles, other_institution):
    user = user_factory(username="their-staffer", full_name="Their Staffer")
    user.groups.add(Group.objects.get(name=PROGRAMME_STAFF))
    other_institution.staff.add(user)
    return user


@pytest.fixture
def ours(cohort_factory, instructor):
    return cohort_factory(title="Ours", instructors=[instructor])


@pytest.fixture
def theirs(cohort_factory, other_institution):
    return cohort_factory(title="Theirs", institution=other_institution)


@pytest.fixture
def enrolments(ours, theirs, user_factory):
    """One enrolment in each institution's cohort, by people named after it."""
    mine = user_factory(full_name="Mina Ours")
    other = user_factory(full_name="Otto Theirs")
    enrollment_create(user=mine, cohort=ours)
    enrollment_create(user=other, cohort=theirs)
    return Enrollment.objects.get(user=mine), Enrollment.objects.get(user=other)


@pytest.fixture(params=["staff", "instructor"])
def manager(request, staff_member, instructor, ours):
    """Someone who manages ``ours`` and nothing of the other institution."""
    return staff_member if request.param == "staff" else instructor


# a. the enrolment chooser


def test_enrolment_chooser_lists_only_enrolments_one_manages(
    client_for, manager, enrolments
):
    client = client_for(manager)

    for view in ("choose", "choose_results"):
        listing = client.get(reverse(f"{CHOOSER}:{view}")).content.decode()
        assert "Mina Ours" in listing
        assert "Otto Theirs" not in listing


def test_enrolment_chooser_does_not_return_another_institutions_enrolment(
    client_for, manager, enrolments
):
    mine, other = enrolments
    client = client_for(manager)

    assert client.get(reverse(f"{CHOOSER}:chosen", args=[mine.pk])).status_code == 200
    assert client.get(reverse(f"{CHOOSER}:chosen", args=[other.pk])).status_code == 404
    chosen = client.get(
        reverse(f"{CHOOSER}:chosen_multiple"), {"id": [mine.pk, other.pk]}
    ).content.decode()
    assert "Mina Ours" in chosen and "Otto Theirs" not in chosen


# b. the bulk-approve confirmation page


def test_bulk_confirmation_names_nobody_outside_ones_cohorts(
    client_for, manager, enrolments
):
    mine, other = enrolments
    url = reverse("wagtail_bulk_action", args=["courses", "enrollment", "approve"])

    page = client_for(manager).get(url, {"id": [mine.pk, other.pk]})

    assert page.status_code == 200
    assert "Mina Ours" in page.content.decode()
    assert "Otto Theirs" not in page.content.decode()


def test_bulk_confirmation_of_only_foreign_ids_names_nobody(
    client_for, manager, enrolments
):
    _mine, other = enrolments
    url = reverse("wagtail_bulk_action", args=["courses", "enrollment", "approve"])

    page = client_for(manager).get(url, {"id": [other.pk]})

    assert "Otto Theirs" not in page.content.decode()


# c. the Site history


def test_site_history_shows_only_entries_about_what_one_manages(
    client_for, manager, admin_user, ours, theirs
):
    log(instance=ours, action="wagtail.edit", user=admin_user)
    log(instance=theirs, action="wagtail.edit", user=admin_user)
    url = reverse("wagtailadmin_reports:site_history")

    history = client_for(manager).get(url).content.decode()
    everything = client_for(admin_user).get(url).content.decode()

    assert "Ours" in history and "Theirs" not in history
    assert "Ours" in everything and "Theirs" in everything


def test_site_history_hides_other_institutions_pages(
    client_for, staff_member, admin_user, institution, other_institution, track
):
    own = CoursePageFactory(parent=track, title="Our page")
    foreign = CoursePageFactory(parent=track, title="Their page")
    _own_pages(institution, own)
    _own_pages(other_institution, foreign)
    for page in (own, foreign):
        page.save_revision(user=admin_user, log_action=True)

    history = client_for(staff_member).get(reverse("wagtailadmin_reports:site_history"))

    assert "Our page" in history.content.decode()
    assert "Their page" not in history.content.decode()


# d. the assignment list's cohort filter


def test_assignment_cohort_filter_offers_only_cohorts_one_manages(
    client_for, manager, ours, theirs
):
    listing = client_for(manager).get(reverse("assignment:index"))

    offered = set(listing.context["filters"].form.fields["cohort"].queryset)
    assert offered == {ours}


# e. catalogue pages: each institution edits its own subtree


def _own_pages(institution, *pages):
    institution.catalogue_pages.set(pages)
    institution_editors_sync(institution=institution)


@pytest.fixture
def two_courses(course, track, institution, other_institution):
    """``course`` is ours, a sibling in the same (shared) track is theirs."""
    foreign = CoursePageFactory(parent=track, title="Their course")
    _own_pages(institution, course)
    _own_pages(other_institution, foreign)
    return course, foreign


def _edits(client, page) -> bool:
    return (
        client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code
        == 200
    )


def test_staff_edit_their_institutions_pages_and_not_others(
    client_for, staff_member, other_staff, two_courses
):
    own, foreign = two_courses

    assert _edits(client_for(staff_member), own)
    assert not _edits(client_for(staff_member), foreign)
    assert _edits(client_for(other_staff), foreign)
    assert not _edits(client_for(other_staff), own)


def test_staff_cannot_delete_or_move_other_institutions_pages(
    client_for, staff_member, two_courses, catalogue
):
    _own, foreign = two_courses
    client = client_for(staff_member)

    client.post(reverse("wagtailadmin_pages:delete", args=[foreign.pk]))
    client.post(
        reverse("wagtailadmin_pages:move_confirm", args=[foreign.pk, catalogue.pk])
    )

    foreign.refresh_from_db()
    assert foreign.get_parent().specific_class.__name__ == "TrackPage"


def test_staff_cannot_delete_their_own_subtrees_root(
    client_for, staff_member, two_courses
):
    own, _foreign = two_courses

    response = client_for(staff_member).post(
        reverse("wagtailadmin_pages:delete", args=[own.pk])
    )

    assert response.status_code == 302
    assert Page.objects.filter(pk=own.pk).exists()


def test_staff_delete_and_add_pages_below_their_own_track(
    client_for, staff_member, institution, track, course
):
    _own_pages(institution, track)
    client = client_for(staff_member)

    assert _edits(client, course)
    client.post(reverse("wagtailadmin_pages:delete", args=[course.pk]))

    assert not Page.objects.filter(pk=course.pk).exists()
    add = reverse("wagtailadmin_pages:add", args=["courses", "coursepage", track.pk])
    assert client.get(add).status_code == 200


def test_staff_explore_the_page_tree_only_once_their_institution_owns_pages(
    client_for, staff_member, institution, course
):
    explore = reverse("wagtailadmin_explore_root")
    assert client_for(staff_member).get(explore).status_code == 302  # to the home

    _own_pages(institution, course)

    explorer = client_for(staff_member).get(explore, follow=True)
    assert explorer.status_code == 200
    assert course.title in explorer.content.decode()


def test_administrators_keep_the_whole_tree(client_for, admin_user, two_courses):
    own, foreign = two_courses

    assert _edits(client_for(admin_user), own)
    assert _edits(client_for(admin_user), foreign)


def test_the_shared_roles_lose_the_whole_tree(roles):
    root = Page.get_first_root_node()
    staff = Group.objects.get(name=PROGRAMME_STAFF)
    GroupPagePermission.objects.create(group=staff, page=root, permission_type="change")

    roles_ensure()

    shared = Group.objects.filter(name__in=[INSTRUCTORS, PROGRAMME_STAFF])
    assert not GroupPagePermission.objects.filter(group__in=shared).exists()


def test_instructors_edit_pages_of_the_institutions_they_teach_for(
    client_for, instructor, institution, course, cohort_factory
):
    _own_pages(institution, course)
    cohort = cohort_factory()
    client = client_for(instructor)
    assert not _edits(client, course)

    cohort_save(cohort=cohort, instructors=[instructor])
    assert _edits(client_for(instructor), course)

    cohort_save(cohort=cohort, instructors=[])
    assert not _edits(client_for(instructor), course)


def test_instructors_of_a_deleted_cohort_no_longer_edit_its_pages(
    client_for, instructor, institution, course, cohort_factory
):
    _own_pages(institution, course)
    cohort = cohort_save(cohort=cohort_factory(), instructors=[instructor])

    cohort.delete()

    assert not _edits(client_for(instructor), course)


def test_staff_who_leave_an_institution_no_longer_edit_its_pages(
    client_for, staff_member, institution, course
):
    _own_pages(institution, course)

    institution.staff.remove(staff_member)

    assert not _edits(client_for(staff_member), course)


def test_administrator_gives_an_institution_its_pages_in_the_admin(
    client_for, admin_user, staff_member, institution, course
):
    response = client_for(admin_user).post(
        reverse("institution:edit", args=[institution.pk]),
        {
            "code": institution.code,
            "name": institution.name,
            "name_en": institution.name_en,
            "staff": [staff_member.pk],
            "catalogue_pages": [course.pk],
        },
    )

    assert response.status_code == 302
    assert _edits(client_for(staff_member), course)


def _institution_form(client, institution, staff, pages):
    return client.post(
        reverse("institution:edit", args=[institution.pk]),
        {
            "code": institution.code,
            "name": institution.name,
            "name_en": institution.name_en,
            "staff": [person.pk for person in staff],
            "catalogue_pages": [page.pk for page in pages],
        },
    )


def test_an_institution_with_two_course_pages_edits_both_and_no_third(
    client_for, staff_member, institution, track, course
):
    second = CoursePageFactory(parent=track, title="Second course")
    third = CoursePageFactory(parent=track, title="Someone else's course")

    _own_pages(institution, course, second)

    client = client_for(staff_member)
    assert _edits(client, course) and _edits(client, second)
    assert not _edits(client, third)


def test_a_page_taken_off_an_institutions_list_is_no_longer_theirs_to_edit(
    client_for, admin_user, staff_member, institution, track, course
):
    second = CoursePageFactory(parent=track, title="Second course")
    admin = client_for(admin_user)
    _institution_form(admin, institution, [staff_member], [course, second])
    assert _edits(client_for(staff_member), second)

    response = _institution_form(admin, institution, [staff_member], [course])

    assert response.status_code == 302
    assert _edits(client_for(staff_member), course)
    assert not _edits(client_for(staff_member), second)
    assert not GroupPagePermission.objects.filter(page=second).exists()


def test_the_institution_form_offers_track_and_course_pages_as_checkboxes(
    client_for, admin_user, institution, catalogue, track, course, english_course
):
    response = client_for(admin_user).get(
        reverse("institution:edit", args=[institution.pk])
    )

    field = response.context["form"].fields["catalogue_pages"]
    offered = {page.pk for page in field.queryset}
    english_track = english_course.get_parent()
    assert offered == {track.pk, course.pk, english_track.pk, english_course.pk}
    html = response.content.decode()
    assert 'type="checkbox" name="catalogue_pages"' in html
    assert f"{track.title} › {course.title}" in html


def test_after_migrate_institutions_edit_the_courses_their_cohorts_run(
    client_for,
    staff_member,
    other_staff,
    institution,
    other_institution,
    track,
    course,
    english_course,
    cohort_factory,
):
    """Installs upgraded to institution pages keep editing the courses they run."""
    foreign = CoursePageFactory(parent=track, title="Their course")
    cohort_factory(course=course, institution=institution)
    cohort_factory(course=foreign, institution=other_institution, code="theirs")
    migration = import_module("courses.migrations.0006_institution_pages")

    migration.give_institutions_their_courses(django_apps, None)
    roles_ensure()  # what runs after every migrate

    ours = {page.pk for page in institution.catalogue_pages.all()}
    assert ours == {course.pk, english_course.pk}
    client = client_for(staff_member)
    assert _edits(client, course) and _edits(client, english_course)
    assert not _edits(client, foreign)
    assert _edits(client_for(other_staff), foreign)


def test_migrating_back_before_institution_pages_keeps_the_shared_roles(
    client_for, staff_member, institution, course
):
    """``migrate courses 0005`` must not fail after it: the pages table is gone."""
    before = MigrationLoader(connection).project_state(("courses", "0005_formgrader"))
    institution.catalogue_pages.add(course)  # not synced yet

    roles_after_migrate(sender=None, apps=before.apps)
    assert not _edits(client_for(staff_member), course)

    roles_after_migrate(sender=None, apps=django_apps)
    assert _edits(client_for(staff_member), course)


# 8. history and usage of the admin viewsets; saves are logged


def _logged(instance, action) -> bool:
    return ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        action=action,
    ).exists()


def _history_shows_the_save(client, prefix, instance, person):
    history = client.get(reverse(f"{prefix}:history", args=[instance.pk]))
    assert history.status_code == 200
    assert str(person) in history.content.decode()
    assert client.get(reverse(f"{prefix}:usage", args=[instance.pk])).status_code == 200


def test_cohort_edit_is_logged_and_shown_in_its_history(client_for, staff_member, ours):
    client = client_for(staff_member)
    edit = reverse("cohort:edit", args=[ours.pk])
    data = form_data(client.get(edit).context["form"])
    data["title"] = "Ours, renamed"

    assert client.post(edit, data).status_code == 302

    assert _logged(ours, "wagtail.edit")
    _history_shows_the_save(client, "cohort", ours, staff_member)


def test_cohort_creation_is_logged(client_for, staff_member, course, institution):
    from tests.core.test_admin import cohort_form

    client = client_for(staff_member)
    response = client.post(
        reverse("cohort:add"), cohort_form(None, course, institution)
    )

    assert response.status_code == 302
    assert _logged(Cohort.objects.get(code="2027-spring"), "wagtail.create")


def test_invitation_creation_is_logged_and_shown_in_its_history(
    client_for, staff_member, ours
):
    client = client_for(staff_member)
    response = client.post(
        reverse("invitation:add"),
        {"cohort": ours.pk, "email": "newcomer@example.org", "message": ""},
    )

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="newcomer@example.org")
    assert _logged(invitation, "wagtail.create")
    _history_shows_the_save(client, "invitation", invitation, staff_member)


def test_assignment_edit_is_logged_and_shown_in_its_history(
    client_for, staff_member, ours
):
    assignment = Assignment.objects.create(cohort=ours, name="ps1", title="PS 1")
    client = client_for(staff_member)
    edit = reverse("assignment:edit", args=[assignment.pk])
    data = form_data(client.get(edit).context["form"])
    data["title"] = "Problem set 1"

    assert client.post(edit, data).status_code == 302

    assert _logged(assignment, "wagtail.edit")
    _history_shows_the_save(client, "assignment", assignment, staff_member)


@pytest.mark.parametrize("view", ["history", "usage"])
def test_history_and_usage_of_other_institutions_objects_are_not_found(
    client_for, other_staff, ours, enrolments, view
):
    client = client_for(other_staff)
    mine, _other = enrolments

    assert client.get(reverse(f"cohort:{view}", args=[ours.pk])).status_code == 404
    roster = f"wagtailsnippets_courses_enrollment:{view}"
    assert client.get(reverse(roster, args=[mine.pk])).status_code == 404


@pytest.mark.parametrize("view", ["history", "usage"])
def test_roster_history_and_usage_answer_for_its_manager(
    client_for, manager, enrolments, view
):
    mine, _other = enrolments
    roster = f"wagtailsnippets_courses_enrollment:{view}"

    assert client_for(manager).get(reverse(roster, args=[mine.pk])).status_code == 200
