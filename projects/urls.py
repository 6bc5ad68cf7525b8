from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path(
        "organisations/<int:organisation_pk>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path(
        "organisations/<int:organisation_pk>/edit/",
        views.OrganisationUpdateView.as_view(),
        name="organisation-edit",
    ),
    path(
        "organisations/<int:organisation_pk>/roles/add/",
        views.OrganisationRoleAddView.as_view(),
        name="organisation-role-add",
    ),
    path(
        "organisations/<int:organisation_pk>/roles/<int:role_pk>/remove/",
        views.OrganisationRoleRemoveView.as_view(),
        name="organisation-role-remove",
    ),
    path(
        "organisations/<int:organisation_pk>/projects/new/",
        views.ProjectCreateView.as_view(),
        name="project-create",
    ),
    path("projects/<int:project_pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<int:project_pk>/edit/", views.ProjectUpdateView.as_view(), name="project-edit"),
    path(
        "projects/<int:project_pk>/status/",
        views.ProjectStatusView.as_view(),
        name="project-status",
    ),
    path("projects/<int:project_pk>/stages/", views.StageEditView.as_view(), name="stage-edit"),
    path(
        "projects/<int:project_pk>/journey/", views.JourneyEditView.as_view(), name="journey-edit"
    ),
]
