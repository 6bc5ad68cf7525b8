from django.urls import path

from . import views

app_name = "reports"

project = "projects/<int:project_pk>/reports/"
organisation = "organisations/<int:organisation_pk>/reports/"
report = "<int:generated_report_pk>/"

urlpatterns = [
    path(project, views.ProjectReportsView.as_view(), name="project-reports"),
    path(
        f"{project}{report}", views.ProjectReportStatusView.as_view(), name="project-report-status"
    ),
    path(
        f"{project}{report}download/",
        views.ProjectReportDownloadView.as_view(),
        name="project-report-download",
    ),
    path(
        f"{project}{report}retry/",
        views.ProjectReportRetryView.as_view(),
        name="project-report-retry",
    ),
    path(organisation, views.OrganisationReportsView.as_view(), name="organisation-reports"),
    path(
        f"{organisation}evidence/",
        views.EvidenceReportsView.as_view(),
        name="organisation-evidence",
    ),
    path(
        f"{organisation}{report}",
        views.OrganisationReportStatusView.as_view(),
        name="organisation-report-status",
    ),
    path(
        f"{organisation}{report}download/",
        views.OrganisationReportDownloadView.as_view(),
        name="organisation-report-download",
    ),
    path(
        f"{organisation}{report}retry/",
        views.OrganisationReportRetryView.as_view(),
        name="organisation-report-retry",
    ),
]
