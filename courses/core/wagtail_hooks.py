"""An institution's catalogue root is deleted by administrators only."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Page

from courses.core.permissions import page_is_institution_root

ERROR_INSTITUTION_ROOT = _(
    "This page holds an institution's catalogue: only an administrator may delete it."
)


def _refuses_root_delete(request, pages) -> bool:
    """Institution editors may change their subtree's root but never delete it:
    their page permissions alone would let them when it has no children."""
    if request.user.is_superuser:
        return False
    return any(page_is_institution_root(page) for page in pages)


@hooks.register("before_delete_page")
def keep_institution_root(request, page):
    if _refuses_root_delete(request, [page]):
        messages.error(request, ERROR_INSTITUTION_ROOT)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_bulk_action")
def keep_institution_roots_in_bulk(request, action_type, objects, action):
    pages = [obj for obj in objects if isinstance(obj, Page)]
    if action_type == "delete" and _refuses_root_delete(request, pages):
        messages.error(request, ERROR_INSTITUTION_ROOT)
        return redirect(action.next_url)
    return None
