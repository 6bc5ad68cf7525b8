from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditEntryListView.as_view(), name="entry-list"),
    path(
        "organisations/<int:organisation_pk>/",
        views.OrganisationAuditEntryListView.as_view(),
        name="organisation-entry-list",
    ),
    path(
        "organisations/<int:organisation_pk>/audit.csv",
        views.OrganisationAuditCsvView.as_view(),
        name="organisation-entry-csv",
    ),
]
