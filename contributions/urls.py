from django.urls import path

from . import views

app_name = "contributions"

project = "projects/<int:project_pk>/"
board = project + "contributions/"
contribution = board + "<int:contribution_pk>/"

urlpatterns = [
    path(board, views.BoardView.as_view(), name="board"),
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
    path(project + "touchpoints/", views.TouchpointMapView.as_view(), name="touchpoint-map"),
]
