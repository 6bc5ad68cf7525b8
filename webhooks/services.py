"""Webhook endpoints and their deliveries: what an organisation's admins change, what an event
writes to the outbox, and the outbox job that sends one delivery."""

import json
import logging
import time
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from codesign.events import Event, site_link
from outbox.channels import PermanentFailure
from outbox.models import OutboxMessage
from outbox.services import outbox_job, outbox_retry

from . import signing, transport, vault
from .addresses import AddressRefused
from .models import Event as Heard
from .models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

DELIVER_JOB = "webhooks.services.webhook_deliver"
# Answers that say "try later": timeouts and too many requests; 5xx are tried again too.
RETRIED_CODES = (408, 429)
Status = WebhookDelivery.Status
UNREADABLE = "the signing secret can no longer be read (the server's key changed): replace it"
PAUSED = "not sent: the endpoint was paused (resume it, then send this again)"


def _audit(endpoint: WebhookEndpoint, what: str, changed_by) -> None:
    """An admin's change to an endpoint, in the organisation's log: what, and the address's
    host (the address may hold a key in its path)."""
    audit_record(
        action=AuditEntry.Action.WEBHOOK_CHANGED,
        actor=changed_by,
        organisation=endpoint.organisation,
        target=endpoint,
        details={"what": what, "host": urlsplit(endpoint.url).hostname or ""},
    )


class DeliveryFailed(Exception):
    """This attempt failed; the outbox tries again later (with back-off)."""


@transaction.atomic
def webhook_endpoint_create(
    *, organisation, url: str, events: list[str], description: str = "", changed_by=None
) -> tuple[WebhookEndpoint, str]:
    """Register an address for the organisation's events; returns it and its signing secret
    (shown to the admin once)."""
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        organisation=organisation,
        url=url,
        events=sorted(events),
        description=description,
        secret=vault.keep(secret),
    )
    endpoint.full_clean()
    endpoint.save()
    _audit(endpoint, "created", changed_by)
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str,
    events: list[str],
    description: str = "",
    changed_by=None,
) -> WebhookEndpoint:
    """Change where an endpoint is and what it hears of."""
    endpoint.url, endpoint.events, endpoint.description = url, sorted(events), description
    endpoint.full_clean()
    endpoint.save()
    _audit(endpoint, "changed", changed_by)
    return endpoint


@transaction.atomic
def webhook_endpoint_set_paused(
    *, endpoint: WebhookEndpoint, paused: bool, changed_by=None
) -> WebhookEndpoint:
    """Pause an endpoint (no new event is sent to it) or resume it."""
    endpoint.paused = paused
    endpoint.save(update_fields=["paused", "updated_at"])
    _audit(endpoint, "paused" if paused else "resumed", changed_by)
    return endpoint


@transaction.atomic
def webhook_secret_replace(*, endpoint: WebhookEndpoint, changed_by=None) -> str:
    """Give an endpoint a new signing secret (shown once); the old one signs nothing more."""
    secret = signing.new_secret()
    endpoint.secret = vault.keep(secret)
    endpoint.save(update_fields=["secret", "updated_at"])
    _audit(endpoint, "secret_replaced", changed_by)
    return secret


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, changed_by=None) -> None:
    """Remove an endpoint and its deliveries; a delivery still queued finds it gone."""
    _audit(endpoint, "deleted", changed_by)
    endpoint.delete()


def _payload(event: Event, delivery_id: uuid.UUID) -> dict:
    project = None
    if event.project_id:
        path = reverse("projects:project-detail", args=[event.project_id])
        project = {"id": event.project_id, "url": site_link(path)}
    return {
        "id": str(delivery_id),
        "type": event.name,
        "occurred_at": event.occurred_at.isoformat(),
        "organisation": {"id": event.organisation_id},
        "project": project,
        "data": event.data,
    }


@transaction.atomic
def webhook_event_record(*, event: Event) -> list[WebhookDelivery]:
    """Write a delivery, and its outbox job, for each of the organisation's endpoints that
    hears of this event and is not paused; the outbox sends them once the action commits."""
    endpoints = WebhookEndpoint.objects.filter(
        organisation_id=event.organisation_id, paused=False
    ).only("pk", "events")
    return [
        _delivery_write(endpoint, event) for endpoint in endpoints if event.name in endpoint.events
    ]


@transaction.atomic
def webhook_ping(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send the endpoint a test event (paused or not), so its admins see whether it answers."""
    ping = Event(name="ping", organisation_id=endpoint.organisation_id, project_id=None, data={})
    return _delivery_write(endpoint, ping)


def _delivery_write(endpoint: WebhookEndpoint, event: Event) -> WebhookDelivery:
    delivery_id = uuid.uuid4()
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        delivery_id=delivery_id,
        event=event.name,
        payload=_payload(event, delivery_id),
    )
    delivery.message = outbox_job(
        job=DELIVER_JOB, payload={"delivery_id": delivery.pk}, dedupe_key=f"webhook:{delivery_id}"
    )
    delivery.save(update_fields=["message"])
    return delivery


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def _record(delivery: WebhookDelivery, **fields) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(last_attempt_at=timezone.now(), **fields)


def _headers(delivery: WebhookDelivery, secret: str, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "Codesign-Event": delivery.event,
        "Codesign-Delivery": str(delivery.delivery_id),
        signing.HEADER: signing.signature(secret, int(time.time()), body),
    }


def webhook_deliver(*, delivery_id: int) -> None:
    """Send one delivery (the outbox job). A 2xx answer ends it; 408, 429, 5xx, a timeout or
    no connection raise, so the outbox tries again with back-off, until its last attempt;
    any other answer, a redirect included, or an address a webhook may not reach fails it
    for good. A delivery already ended is not sent again; one queued for an endpoint that has
    since been paused is not sent, and fails saying so (a test event is sent all the same)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status in (Status.DELIVERED, Status.FAILED):
        return
    if delivery.endpoint.paused and delivery.event != Heard.PING:
        _record(delivery, attempts=delivery.attempts, status=Status.FAILED, error=PAUSED)
        raise PermanentFailure(PAUSED)
    attempts = delivery.attempts + 1
    # After the last attempt the outbox gives up: the delivery has failed.
    again = Status.FAILED if attempts >= settings.OUTBOX_MAX_ATTEMPTS else Status.RETRYING
    secret = delivery.endpoint.signing_secret
    if secret is None:
        _record(delivery, attempts=attempts, status=Status.FAILED, error=UNREADABLE)
        raise PermanentFailure(UNREADABLE)
    body = body_of(delivery)
    try:
        code = transport.post(delivery.endpoint.url, body, _headers(delivery, secret, body))
    except AddressRefused as error:
        _record(delivery, attempts=attempts, status=Status.FAILED, error=str(error)[:300])
        raise PermanentFailure(str(error)) from error
    except OSError as error:  # no connection, a timeout, a broken answer
        reason = f"{type(error).__name__}: {error}"[:300]
        _record(delivery, attempts=attempts, status=again, response_code=None, error=reason)
        raise DeliveryFailed(reason) from error
    answered = {"attempts": attempts, "response_code": code}
    if 200 <= code < 300:
        delivered = {"status": Status.DELIVERED, "delivered_at": timezone.now()}
        _record(delivery, error="", **delivered, **answered)
        return
    reason = f"HTTP {code}"
    if code in RETRIED_CODES or code >= 500:
        _record(delivery, status=again, error=reason, **answered)
        raise DeliveryFailed(reason)
    _record(delivery, status=Status.FAILED, error=reason, **answered)
    raise PermanentFailure(reason)


@transaction.atomic
def webhook_delivery_retry(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a failed delivery again at an admin's request (same delivery id, fresh attempts)."""
    if delivery.status != Status.FAILED or delivery.message_id is None:
        return delivery
    message = OutboxMessage.objects.select_for_update().get(pk=delivery.message_id)
    if message.status != OutboxMessage.Status.FAILED:
        return delivery
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=Status.PENDING, attempts=0, error=""
    )
    outbox_retry(message=message)
    delivery.refresh_from_db()
    return delivery
