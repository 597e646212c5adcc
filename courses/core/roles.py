"""The roles people have in the admin, as Django groups with permissions.

Administrators are superusers. Instructors and programme staff share one set of
model permissions; which cohorts they may touch is narrowed per object by
``courses.selectors.permissions`` (their institutions and the cohorts they teach).
Catalogue pages are written per institution: each has an "<code> editors" group
holding page permissions on its own subtrees (``Institution.catalogue_pages``);
only administrators hold the root.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_noop
from wagtail.models import GroupPagePermission

from courses.core.models import Institution
from courses.core.permissions import institution_editors

INSTRUCTORS = gettext_noop("Instructors")
PROGRAMME_STAFF = gettext_noop("Programme staff")

STAFF_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("courses", "add_cohort"),
    ("courses", "change_cohort"),
    ("courses", "view_cohort"),
    ("courses", "view_enrollment"),
    ("courses", "change_enrollment"),
    ("courses", "add_invitation"),
    ("courses", "view_invitation"),
    ("courses", "view_institution"),
    ("courses", "add_assignment"),
    ("courses", "change_assignment"),
    ("courses", "delete_assignment"),
    ("courses", "view_assignment"),
    ("courses", "view_submission"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
]
# Page permissions on an institution's own subtree: they write its catalogue pages;
# publishing included, since course pages are theirs to keep current. No
# delete_page: with "change" Wagtail still lets them delete leaf pages below the
# subtree's root, and a hook keeps the root itself (courses/wagtail_hooks.py).
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def roles_ensure(*, editors: bool = True) -> dict[str, Group]:
    """Create or update the instructor and programme staff groups and, unless
    ``editors`` is false, every institution's editors group (idempotent)."""
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in STAFF_PERMISSIONS
    ]
    groups = {}
    for name in (INSTRUCTORS, PROGRAMME_STAFF):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)
        # Page permissions come from the per-institution editors groups; drop the
        # whole-tree grant (on the root) that earlier versions gave these groups.
        GroupPagePermission.objects.filter(group=group, page__depth=1).delete()
        groups[name] = group
    # Run after every migrate: page grants follow the pages a migration gave
    # institutions, and the people who joined or left outside the admin.
    if editors:
        for institution in Institution.objects.all():
            institution_editors_sync(institution=institution)
    return groups


def _editors_group_name(institution: Institution) -> str:
    return f"{institution.code} editors"


@transaction.atomic
def institution_editors_sync(*, institution: Institution) -> Group:
    """Make the institution's editors group hold its staff and instructors, with
    page permissions on its catalogue pages' subtrees and nowhere else."""
    group, _ = Group.objects.get_or_create(name=_editors_group_name(institution))
    group.user_set.set(institution_editors(institution=institution))
    pages = list(institution.catalogue_pages.all())
    GroupPagePermission.objects.filter(group=group).exclude(page__in=pages).delete()
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS
    )
    for page in pages:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=permission
            )
    return group
