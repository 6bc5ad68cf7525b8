from django.urls import path

from . import views

app_name = "rounds"

project = "projects/<int:project_pk>/rounds/"
prioritisation_round = project + "<int:round_pk>/"

urlpatterns = [
    path(project, views.RoundListView.as_view(), name="round-list"),
    path(project + "new/", views.RoundCreateView.as_view(), name="round-create"),
    path(prioritisation_round, views.RoundDetailView.as_view(), name="round-detail"),
    path(prioritisation_round + "vote/", views.RoundVoteView.as_view(), name="round-vote"),
    path(prioritisation_round + "close/", views.RoundCloseView.as_view(), name="round-close"),
    path(
        prioritisation_round + "in-the-open/",
        views.RoundDeclareOpenView.as_view(),
        name="round-declare-open",
    ),
    path(
        prioritisation_round + "results.csv",
        views.RoundResultsCsvView.as_view(),
        name="round-results-csv",
    ),
]
