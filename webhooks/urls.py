from django.urls import path

from . import views

app_name = "webhooks"

webhooks = "organisations/<int:organisation_pk>/webhooks/"
endpoint = webhooks + "<int:endpoint_pk>/"

urlpatterns = [
    path(webhooks, views.EndpointListView.as_view(), name="endpoint-list"),
    path(f"{webhooks}new/", views.EndpointCreateView.as_view(), name="endpoint-create"),
    path(endpoint, views.EndpointDetailView.as_view(), name="endpoint-detail"),
    path(f"{endpoint}edit/", views.EndpointUpdateView.as_view(), name="endpoint-edit"),
    path(f"{endpoint}pause/", views.EndpointPauseView.as_view(), name="endpoint-pause"),
    path(f"{endpoint}secret/", views.EndpointSecretView.as_view(), name="endpoint-secret"),
    path(f"{endpoint}delete/", views.EndpointDeleteView.as_view(), name="endpoint-delete"),
    path(f"{endpoint}test/", views.EndpointPingView.as_view(), name="endpoint-ping"),
    path(
        f"{endpoint}deliveries/<int:delivery_pk>/retry/",
        views.DeliveryRetryView.as_view(),
        name="delivery-retry",
    ),
]
