from django.urls import path

from . import views

app_name = "workshops"

project = "projects/<int:project_pk>/sessions/"
session = project + "<int:session_pk>/"

urlpatterns = [
    path(project, views.SessionListView.as_view(), name="session-list"),
    path(project + "new/", views.SessionCreateView.as_view(), name="session-create"),
    path(session, views.SessionDetailView.as_view(), name="session-detail"),
    path(session + "edit/", views.SessionUpdateView.as_view(), name="session-edit"),
    path(session + "cancel/", views.SessionCancelView.as_view(), name="session-cancel"),
    path(session + "start/", views.SessionStartView.as_view(), name="session-start"),
    path(session + "replies/", views.SessionRepliesView.as_view(), name="session-replies"),
    path(session + "reply/", views.ReplyView.as_view(), name="session-reply"),
    path(
        session + "reply/<int:membership_pk>/",
        views.ReplyForView.as_view(),
        name="session-reply-for",
    ),
    path(session + "calendar.ics", views.SessionIcsView.as_view(), name="session-ics"),
    path(session + "print/", views.SessionPrintView.as_view(), name="session-print"),
]
