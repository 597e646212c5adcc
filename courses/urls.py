from django.urls import path

from . import certificate_views, views

app_name = "courses"
urlpatterns = [
    path("learning/", views.my_learning, name="my_learning"),
    path("search/", views.course_search, name="search"),
    path("cohorts/<int:cohort_id>/enroll/", views.cohort_enroll, name="enroll"),
    path("cohorts/<int:cohort_id>/apply/", views.cohort_apply, name="apply"),
    path(
        "enrollments/<int:enrollment_id>/withdraw/",
        views.enrollment_withdraw,
        name="withdraw",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path(
        "assignments/<int:pk>/attempts/<int:attempt>/feedback/<str:page>",
        views.feedback_page,
        name="feedback",
    ),
    path(
        "assignments/<int:pk>/attempts/<int:attempt>/download/",
        views.submission_file_download,
        name="submission_download",
    ),
    path(
        "certificates/<str:code>/",
        certificate_views.certificate_verify,
        name="certificate",
    ),
    path(
        "certificates/<str:code>/pdf/",
        certificate_views.certificate_download,
        name="certificate_pdf",
    ),
]
