"""Bulk enrolment from a file: its admin URLs and its button on each cohort."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button

from courses.enrollment.bulk_enrol_views import (
    BulkEnrolPreviewView,
    BulkEnrolResultView,
    BulkEnrolUploadView,
    bulk_enrol_result_csv,
)


@hooks.register("register_admin_urls")
def bulk_enrol_urls():
    """Upload, preview and confirm, report (and its CSV) for one cohort."""
    prefix = "cohort/<int:pk>/enrol-from-file/"
    return [
        path(prefix, BulkEnrolUploadView.as_view(), name="cohort_bulk_enrol"),
        path(
            f"{prefix}<str:token>/",
            BulkEnrolPreviewView.as_view(),
            name="cohort_bulk_enrol_preview",
        ),
        path(
            f"{prefix}<str:token>/report/",
            BulkEnrolResultView.as_view(),
            name="cohort_bulk_enrol_result",
        ),
        path(
            f"{prefix}<str:token>/report.csv",
            bulk_enrol_result_csv,
            name="cohort_bulk_enrol_result_csv",
        ),
    ]


@hooks.register("cohort_buttons")
def bulk_enrol_button(cohort) -> Button:
    """Shown where the cohort is listed or edited, i.e. to those who manage it
    (the cohort views are scoped); the pages behind it check again (404)."""
    url = reverse("cohort_bulk_enrol", args=[cohort.pk])
    return Button(_("Enrol from a file"), url=url, icon_name="upload", priority=40)
