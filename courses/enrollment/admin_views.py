"""The base of a cohort's admin pages (gradebook, completion)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from courses.enrollment.permissions import cohorts_manageable_by

# The cohort gradebook --------------------------------------------------------------


def cohort_or_404(request, pk: int):
    return get_object_or_404(cohorts_manageable_by(request.user), pk=pk)


class CohortAdminPage(WagtailAdminTemplateMixin, TemplateView):
    """An admin page about one cohort the person may manage (404 otherwise),
    under Cohorts → the cohort in the breadcrumbs."""

    def dispatch(self, request, *args, pk: int, **kwargs):
        self.cohort = cohort_or_404(request, pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.cohort)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("cohort:index"), "label": _("Cohorts")},
            {
                "url": reverse("cohort:edit", args=[self.cohort.pk]),
                "label": str(self.cohort),
            },
            {"url": "", "label": self.page_title},
        ]
