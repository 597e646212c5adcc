"""The enrollment admin's URLs and menu: My cohorts and each cohort's roster."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.button import Button

from courses.enrollment.cohort_page import (
    CohortRosterView,
    MyCohortsView,
    cohort_roster_act,
    cohort_roster_csv,
)
from courses.enrollment.roster import my_cohorts


@hooks.register("register_admin_urls")
def enrollment_urls():
    return [
        path("my-cohorts/", MyCohortsView.as_view(), name="my_cohorts"),
        path(
            "cohort/<int:pk>/roster/", CohortRosterView.as_view(), name="cohort_roster"
        ),
        path(
            "cohort/<int:pk>/roster/act/",
            cohort_roster_act,
            name="cohort_roster_act",
        ),
        path("cohort/<int:pk>/roster.csv", cohort_roster_csv, name="cohort_roster_csv"),
    ]


class MyCohortsMenuItem(MenuItem):
    def is_shown(self, request):
        return my_cohorts(user=request.user).exists()


@hooks.register("register_admin_menu_item")
def my_cohorts_menu_item():
    return MyCohortsMenuItem(
        _("My cohorts"), reverse("my_cohorts"), icon_name="group", order=150
    )


def roster_button(cohort) -> Button:
    url = reverse("cohort_roster", args=[cohort.pk])
    return Button(_("Roster"), url=url, icon_name="user", priority=20)


hooks.register("cohort_buttons", roster_button)
