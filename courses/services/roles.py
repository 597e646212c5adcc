"""The roles people have in the admin, as Django groups with permissions.

Administrators are superusers. Instructors and programme staff share one set of
model permissions; which cohorts they may touch is narrowed per object by
``courses.selectors.permissions`` (their institutions and the cohorts they teach).
"""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_noop
from wagtail.models import GroupPagePermission, Page

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
# Page tree permissions on the root: they write the catalogue; publishing included,
# since course pages are theirs to keep current.
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def roles_ensure() -> dict[str, Group]:
    """Create or update the instructor and programme staff groups (idempotent)."""
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in STAFF_PERMISSIONS
    ]
    page_permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=PAGE_PERMISSIONS
    )
    root = Page.get_first_root_node()
    groups = {}
    for name in (INSTRUCTORS, PROGRAMME_STAFF):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)
        if root is not None:
            for permission in page_permissions:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root, permission=permission
                )
        groups[name] = group
    return groups
