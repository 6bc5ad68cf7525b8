import uuid

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from codesign import events

from . import vault
from .addresses import validate_webhook_url


class Event(models.TextChoices):
    """What an endpoint may hear of (codesign.events)."""

    CHANGE_MOVED = events.CHANGE_MOVED, _("A service change moved on")
    SESSION_SCHEDULED = events.SESSION_SCHEDULED, _("A session was scheduled")
    SESSION_CHANGED = events.SESSION_CHANGED, _("A session was changed")
    SESSION_CANCELLED = events.SESSION_CANCELLED, _("A session was cancelled")
    REPORT_READY = events.REPORT_READY, _("A report is ready")
    # Sent only when an admin asks, to check the receiver: no endpoint subscribes to it.
    PING = "ping", _("A test event")


class WebhookEndpoint(models.Model):
    """An address of the organisation's own systems that hears of the events it chose.

    The signing secret is kept encrypted (webhooks.vault) to sign each delivery, and shown to
    the admins once, when the endpoint is made or its secret replaced.
    """

    organisation = models.ForeignKey(
        "projects.Organisation", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("address"), max_length=500, validators=[validate_webhook_url])
    description = models.CharField(_("what it is for"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=300)  # encrypted: read it as signing_secret
    paused = models.BooleanField(_("paused"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.url

    def get_absolute_url(self):
        return reverse("webhooks:endpoint-detail", args=[self.organisation_id, self.pk])

    @property
    def signing_secret(self) -> str | None:
        """The secret that signs deliveries, or None if it can no longer be read."""
        return vault.reveal(self.secret)

    def event_labels(self) -> list[str]:
        labels = dict(Event.choices)
        return [labels[name] for name in self.events if name in labels]


class WebhookDelivery(models.Model):
    """One event sent to one endpoint: an outbox job, tried until a 2xx answer, a refusal
    for good, or its last attempt."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to send")
        RETRYING = "retrying", _("Will try again")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Sent as the Codesign-Delivery header: a receiver that sees one twice ignores the second.
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=40, choices=Event.choices)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    message = models.ForeignKey(
        "outbox.OutboxMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_recent")]

    def __str__(self):
        return f"{self.event} → {self.endpoint_id} ({self.status})"
