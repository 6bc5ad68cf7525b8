from django.urls import path

from . import panels, views

app_name = "dashboards"

organisation = "organisations/<int:organisation_pk>/dashboard/"
project = "projects/<int:project_pk>/dashboard/"

# One pattern per panel, each naming its panel in the view's keyword arguments: any other
# name is not found, and `{% url ... panel="parity" %}` picks the pattern by that keyword.
urlpatterns = [
    path(organisation, views.OrganisationDashboardView.as_view(), name="organisation"),
    path(project, views.ProjectDashboardView.as_view(), name="project"),
    *(
        path(
            f"{organisation}{panel}.csv",
            views.OrganisationDashboardCsvView.as_view(),
            {"panel": panel},
            name="organisation-csv",
        )
        for panel in panels.ORGANISATION_PANELS
    ),
    *(
        path(
            f"{project}{panel}.csv",
            views.ProjectDashboardCsvView.as_view(),
            {"panel": panel},
            name="project-csv",
        )
        for panel in panels.PROJECT_PANELS
    ),
]
