from django.urls import path

from . import views

app_name = "privacy"

member = "projects/<int:project_pk>/participants/<int:membership_pk>/"

urlpatterns = [
    path(
        "organisations/<int:organisation_pk>/retention/",
        views.RetentionPreviewView.as_view(),
        name="retention-preview",
    ),
    path("privacy/", views.PrivacyNoticeView.as_view(), name="notice"),
    path("your-data/", views.YourDataView.as_view(), name="your-data"),
    path("your-data/download/", views.DataDownloadView.as_view(), name="data-download"),
    path("your-data/delete-account/", views.AccountDeleteView.as_view(), name="account-delete"),
    path(
        member + "data/download/",
        views.MemberDataDownloadView.as_view(),
        name="member-data-download",
    ),
    path(
        member + "data/delete-account/",
        views.MemberAccountDeleteView.as_view(),
        name="member-account-delete",
    ),
]
