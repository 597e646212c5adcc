from django.urls import path

from courses.catalogue import views as catalogue
from courses.completion import views as completion
from courses.enrollment import views as enrollment
from courses.grading import views as grading

app_name = "courses"
urlpatterns = [
    path("learning/", completion.my_learning, name="my_learning"),
    path("search/", catalogue.course_search, name="search"),
    path("cohorts/<int:cohort_id>/enroll/", enrollment.cohort_enroll, name="enroll"),
    path("cohorts/<int:cohort_id>/apply/", enrollment.cohort_apply, name="apply"),
    path(
        "enrollments/<int:enrollment_id>/withdraw/",
        enrollment.enrollment_withdraw,
        name="withdraw",
    ),
    path("invitations/<str:token>/", enrollment.invitation, name="invitation"),
    path("assignments/<int:pk>/", grading.assignment_detail, name="assignment"),
    path(
        "assignments/<int:pk>/attempts/<int:attempt>/feedback/<str:page>",
        grading.feedback_page,
        name="feedback",
    ),
    path(
        "assignments/<int:pk>/attempts/<int:attempt>/download/",
        grading.submission_file_download,
        name="submission_download",
    ),
    path(
        "certificates/<str:code>/",
        completion.certificate_verify,
        name="certificate",
    ),
    path(
        "certificates/<str:code>/pdf/",
        completion.certificate_download,
        name="certificate_pdf",
    ),
]
