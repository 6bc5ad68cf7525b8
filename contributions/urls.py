from django.urls import path

from . import views
from .board import BoardView
from .journey import views as journey_views

app_name = "contributions"

project = "projects/<int:project_pk>/"
board = project + "contributions/"
contribution = board + "<int:contribution_pk>/"

urlpatterns = [
    path(board, BoardView.as_view(), name="board"),
    path(board + "new/", views.ContributionCreateView.as_view(), name="contribution-create"),
    path(board + "new-for/", views.ContributionAddForView.as_view(), name="contribution-add-for"),
    path(contribution, views.ContributionDetailView.as_view(), name="contribution-detail"),
    path(contribution + "edit/", views.ContributionUpdateView.as_view(), name="contribution-edit"),
    path(
        contribution + "withdraw/",
        views.ContributionWithdrawView.as_view(),
        name="contribution-withdraw",
    ),
    path(
        contribution + "status/", views.ContributionStatusView.as_view(), name="contribution-status"
    ),
    path(contribution + "tags/", views.ContributionTagsView.as_view(), name="contribution-tags"),
    path(contribution + "support/", views.SupportView.as_view(), name="support"),
    path(project + "tags/", views.TagListView.as_view(), name="tag-list"),
    path(project + "tags/<int:tag_pk>/delete/", views.TagDeleteView.as_view(), name="tag-delete"),
    path(
        project + "touchpoints/", journey_views.TouchpointMapView.as_view(), name="touchpoint-map"
    ),
    path(
        project + "touchpoints/numbers.csv",
        journey_views.TouchpointMapCsvView.as_view(),
        name="touchpoint-map-csv",
    ),
    path(
        project + "touchpoints/print/",
        journey_views.TouchpointMapPrintView.as_view(),
        name="touchpoint-map-print",
    ),
    path(
        project + "touchpoints/steps/<str:step>/<str:group>/",
        journey_views.TouchpointsAtStepView.as_view(),
        name="touchpoints-at-step",
    ),
]
