from django.urls import path

from . import views

app_name = "outbox"

urlpatterns = [
    path(
        "projects/<int:project_pk>/messages/", views.MessageListView.as_view(), name="message-list"
    ),
    path(
        "projects/<int:project_pk>/messages/<int:message_pk>/retry/",
        views.MessageRetryView.as_view(),
        name="message-retry",
    ),
]
