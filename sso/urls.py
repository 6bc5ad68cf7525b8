from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path(
        "organisations/<int:organisation_pk>/single-sign-on/",
        views.SingleSignOnSettingsView.as_view(),
        name="settings",
    ),
    path("accounts/organisation/", views.SignInStartView.as_view(), name="start"),
]
