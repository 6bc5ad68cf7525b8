from django.db.models import Count, Max, Q

from .models import WebhookDelivery, WebhookEndpoint

RECENT = 25


def organisation_endpoints(organisation):
    """The organisation's endpoints, each with its failed deliveries and its last one's time."""
    return WebhookEndpoint.objects.filter(organisation=organisation).annotate(
        failed_count=Count("deliveries", filter=Q(deliveries__status="failed")),
        last_delivery_at=Max("deliveries__created_at"),
    )


def recent_deliveries(endpoint):
    return list(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("message")
        .order_by("-created_at", "-pk")[:RECENT]
    )
