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
    path("projects/<int:project_pk>/letters/", views.PrintQueueView.as_view(), name="print-queue"),
    path(
        "projects/<int:project_pk>/letters/letters.pdf",
        views.PrintQueuePdfView.as_view(),
        name="print-queue-pdf",
    ),
    path(
        "projects/<int:project_pk>/letters/posted/",
        views.PrintQueuePostedView.as_view(),
        name="print-queue-posted",
    ),
    path(
        "projects/<int:project_pk>/texts/unmatched/",
        views.InboundTextListView.as_view(),
        name="inbound-texts",
    ),
    path("texts/unknown/", views.UnknownTextListView.as_view(), name="unknown-texts"),
    path("notify/receipts/", views.NotifyReceiptView.as_view(), name="notify-receipts"),
    path("notify/inbound/", views.NotifyInboundView.as_view(), name="notify-inbound"),
]
