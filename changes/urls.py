from django.urls import path

from . import views

app_name = "changes"

changes = "projects/<int:project_pk>/changes/"
change = changes + "<int:change_pk>/"

urlpatterns = [
    path(changes, views.ChangeListView.as_view(), name="change-list"),
    path(changes + "new/", views.ChangeCreateView.as_view(), name="change-create"),
    path(change, views.ChangeDetailView.as_view(), name="change-detail"),
    path(change + "edit/", views.ChangeUpdateView.as_view(), name="change-edit"),
    path(change + "status/", views.ChangeStatusView.as_view(), name="change-status"),
    path(change + "evidence/new/", views.EvidenceAddView.as_view(), name="evidence-add"),
    path(
        changes + "follow-ups/<int:follow_up_pk>/",
        views.FollowUpRecordView.as_view(),
        name="follow-up-record",
    ),
]
