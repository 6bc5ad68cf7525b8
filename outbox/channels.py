"""How each outbox message leaves: email by the email server, or email, texts and letters by
GOV.UK Notify when ``NOTIFY_API_KEY`` is set; without Notify, texts are written to the worker's
console (development; ``TEXTS_TO_CONSOLE``, off in production, where such a text fails for good
and its person goes on the call list) and letters wait in the print queue.

Notify is sent each message under a ``reference``, the outbox row's id, and its id is kept on
the row: a row that has one is never sent again, and a retry after an attempt that did not
report back (a timeout) first asks Notify for a notification with that reference.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# Notify's letter templates take up to seven address lines, the last a postcode or country.
ADDRESS_LINES = 7


class PermanentFailure(Exception):
    """The provider refused the message for good (a bad number, say): do not retry."""


def notify_enabled() -> bool:
    return bool(settings.NOTIFY_API_KEY)


def notify_client():
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(
        settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=settings.NOTIFY_TIMEOUT
    )


def address_lines(address: str) -> list[str]:
    return [line.strip() for line in address.splitlines() if line.strip()]


def send(message: OutboxMessage) -> str:
    """Send one claimed message; returns the route it took. Raises on failure."""
    if message.kind == OutboxMessage.Kind.EMAIL and not notify_enabled():
        send_smtp(message)
        return OutboxMessage.Route.SMTP
    if notify_enabled():
        _send_notify(message)
        return OutboxMessage.Route.NOTIFY
    if message.kind == OutboxMessage.Kind.TEXT:
        if not settings.TEXTS_TO_CONSOLE:
            raise PermanentFailure("No text service is set up (NOTIFY_API_KEY).")
        # No text service: the worker's console shows the text (development).
        logger.warning("Text message to %s:\n%s", message.phone, message.body_text)
        return OutboxMessage.Route.CONSOLE
    return OutboxMessage.Route.PRINT  # a letter: the facilitators print and post it


def send_smtp(message: OutboxMessage) -> None:
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers=message.headers,
        connection=connection,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    email.send()


def _reason(error) -> str:
    """Notify's own words for a refusal ({"errors": [{"message": ...}]})."""
    detail = error.message
    if isinstance(detail, list):
        detail = "; ".join(str(item.get("message", item)) for item in detail)
    return str(detail)[:1000]


def _send_notify(message: OutboxMessage) -> None:
    from notifications_python_client.errors import HTTPError

    if message.notify_id:
        return  # Notify has it already
    client = notify_client()
    reference = str(message.pk)
    if message.attempts > 1:
        # An earlier attempt may have reached Notify without our hearing back.
        found = client.get_all_notifications(reference=reference).get("notifications") or []
        if found:
            _keep_notify_id(message, found[0]["id"])
            return
    try:
        response = _notify_post(client, message, reference)
    except HTTPError as error:
        if 400 <= error.status_code < 500 and error.status_code != 429:
            raise PermanentFailure(_reason(error)) from error
        raise  # 429, 5xx, timeouts: retried with back-off
    _keep_notify_id(message, response["id"])


def _keep_notify_id(message: OutboxMessage, notify_id: str) -> None:
    message.notify_id = notify_id
    OutboxMessage.objects.filter(pk=message.pk).update(notify_id=notify_id)


def _notify_post(client, message: OutboxMessage, reference: str) -> dict:
    body = {"subject": message.subject, "body": message.body_text}
    if message.kind == OutboxMessage.Kind.EMAIL:
        return client.send_email_notification(
            email_address=message.to,
            template_id=settings.NOTIFY_EMAIL_TEMPLATE_ID,
            personalisation=body,
            reference=reference,
        )
    if message.kind == OutboxMessage.Kind.TEXT:
        return client.send_sms_notification(
            phone_number=message.phone,
            template_id=settings.NOTIFY_TEXT_TEMPLATE_ID,
            personalisation={"body": message.body_text},
            reference=reference,
        )
    lines = address_lines(message.address)[:ADDRESS_LINES]
    address = {f"address_line_{n}": line for n, line in enumerate(lines, start=1)}
    return client.send_letter_notification(
        template_id=settings.NOTIFY_LETTER_TEMPLATE_ID,
        personalisation={**address, **body},
        reference=reference,
    )


# Notify's statuses, as the receipts name them, and what they mean here. "sending", "created"
# and a letter's "accepted" are on their way; a letter "received" by the printer is as far as
# Notify can tell.
RECEIPT_STATUSES = {
    "delivered": OutboxMessage.Delivery.DELIVERED,
    "received": OutboxMessage.Delivery.DELIVERED,
    "temporary-failure": OutboxMessage.Delivery.TEMPORARY_FAILURE,
    "permanent-failure": OutboxMessage.Delivery.PERMANENT_FAILURE,
    "technical-failure": OutboxMessage.Delivery.PERMANENT_FAILURE,
    "validation-failed": OutboxMessage.Delivery.PERMANENT_FAILURE,
    "virus-scan-failed": OutboxMessage.Delivery.PERMANENT_FAILURE,
    "cancelled": OutboxMessage.Delivery.PERMANENT_FAILURE,
}


def receipt_delivery(status: str) -> str:
    """What a Notify status says of delivery, or "" while it is still on its way."""
    return RECEIPT_STATUSES.get(status, "")


def poll_status(message: OutboxMessage) -> str:
    """Ask Notify what became of a message it accepted (the polling side of receipts)."""
    return notify_client().get_notification_by_id(message.notify_id).get("status", "")
