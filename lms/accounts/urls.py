from django.urls import path

from lms.accounts import views

app_name = "accounts"
urlpatterns = [path("profile/", views.profile, name="profile")]
