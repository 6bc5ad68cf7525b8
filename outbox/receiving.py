"""What comes back from GOV.UK Notify: delivery receipts (by callback or by polling) and the
text messages people send in. Each is recorded once however often it arrives."""

import hmac
import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from audit.models import AuditEntry
from audit.services import audit_record

from . import channels, registry
from .models import InboundText, OutboxMessage

logger = logging.getLogger(__name__)

# Receipts are polled for this long after sending; Notify keeps a message's status for 7 days.
POLL_FOR = timedelta(days=7)


def bearer_token_valid(header: str, token: str) -> bool:
    """Whether an Authorization header carries the callback's bearer token."""
    if not token or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer ") :].strip().encode(), token.encode())


def _message_for_receipt(data: dict) -> OutboxMessage | None:
    reference, notify_id = str(data.get("reference") or ""), str(data.get("id") or "")
    messages = OutboxMessage.objects.exclude(kind=OutboxMessage.Kind.JOB)
    if notify_id and (message := messages.filter(notify_id=notify_id).first()):
        return message
    if reference.isdigit():
        return messages.filter(pk=int(reference)).first()
    return None


@transaction.atomic
def receipt_record(*, data: dict) -> OutboxMessage | None:
    """Record what Notify says became of a message (a receipt's JSON). A receipt that tells
    nothing new changes nothing; a permanent failure tells the failure handlers once."""
    message = _message_for_receipt(data)
    if message is None:
        return None
    delivery = channels.receipt_delivery(str(data.get("status", "")))
    return _delivery_set(message, delivery, notify_id=str(data.get("id") or ""))


def _delivery_set(message: OutboxMessage, delivery: str, notify_id: str = "") -> OutboxMessage:
    final = [OutboxMessage.Delivery.DELIVERED, OutboxMessage.Delivery.PERMANENT_FAILURE]
    if not delivery or message.delivery == delivery or message.delivery in final:
        return message
    updated = (
        OutboxMessage.objects.filter(pk=message.pk, delivery=message.delivery)
        .exclude(delivery__in=final)
        .update(
            delivery=delivery,
            delivery_at=timezone.now(),
            notify_id=message.notify_id or notify_id,
        )
    )
    message.refresh_from_db()
    if updated and delivery == OutboxMessage.Delivery.PERMANENT_FAILURE:
        registry.delivery_failed(message)
    return message


def receipts_poll(*, batch_size: int = 200) -> int:
    """Ask Notify about messages it accepted in the last week whose fate is not known yet."""
    if not channels.notify_enabled():
        return 0
    waiting = list(
        OutboxMessage.objects.filter(
            route=OutboxMessage.Route.NOTIFY,
            sent_at__gte=timezone.now() - POLL_FOR,
        )
        .exclude(notify_id="")
        .exclude(
            delivery__in=[
                OutboxMessage.Delivery.DELIVERED,
                OutboxMessage.Delivery.PERMANENT_FAILURE,
            ]
        )
        .order_by("sent_at")[:batch_size]
    )
    changed = 0
    for message in waiting:
        try:
            delivery = channels.receipt_delivery(channels.poll_status(message))
        except Exception as exc:  # Notify unreachable: the next poll asks again
            logger.warning("Receipt poll stopped: %s", type(exc).__name__)
            break
        with transaction.atomic():
            before = message.delivery
            if _delivery_set(message, delivery).delivery != before:
                changed += 1
    return changed


def inbound_text_receive(*, data: dict) -> InboundText | None:
    """Keep a text someone sent (Notify's inbound JSON), let the registered handler read it,
    and write the text it answers with. The same text delivered again changes nothing."""
    notify_id = str(data.get("id") or "").strip()
    source = str(data.get("source_number") or "").strip()
    if not notify_id or not source:
        raise ValueError("An inbound text has an id and a source number")
    received_at = parse_datetime(str(data.get("date_received") or "")) or timezone.now()
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at, timezone.utc)
    if InboundText.objects.filter(notify_id=notify_id).exists():
        return None
    try:
        with transaction.atomic():
            inbound = InboundText.objects.create(
                notify_id=notify_id[:64],
                source_number=_e164(source),
                destination_number=str(data.get("destination_number") or "")[:20],
                content=str(data.get("content") or "")[:1000],
                received_at=received_at,
            )
            answer = registry.inbound_text_handle(inbound)
            inbound.outcome = inbound.outcome or InboundText.Outcome.UNKNOWN
            inbound.save(update_fields=["outcome", "project", "sender"])
            if answer:
                from .services import outbox_text

                outbox_text(
                    phone=inbound.source_number,
                    body=answer,
                    project=inbound.project,
                    recipient=inbound.sender,
                    dedupe_key=f"inbound-answer:{inbound.pk}",
                )
    except IntegrityError:
        return None  # the same text, delivered twice at once: the other request has it
    return inbound


def _e164(number: str) -> str:
    """Notify gives UK numbers as 447700900123; we keep numbers as +447700900123."""
    digits = "".join(char for char in number if char.isdigit())
    return f"+{digits}"[:20] if digits else number[:20]


@transaction.atomic
def letters_mark_posted(*, project, message_ids: list[int], user) -> int:
    """Mark letters from a project's print queue as posted, in the audit log."""
    letters = OutboxMessage.objects.select_for_update().filter(
        project=project,
        pk__in=message_ids,
        kind=OutboxMessage.Kind.LETTER,
        route=OutboxMessage.Route.PRINT,
        posted_at__isnull=True,
    )
    ids = sorted(letters.values_list("pk", flat=True))
    if not ids:
        return 0
    OutboxMessage.objects.filter(pk__in=ids).update(posted_at=timezone.now(), posted_by=user)
    audit_record(
        action=AuditEntry.Action.LETTERS_POSTED,
        actor=user,
        project=project,
        details={"letters": ids},
    )
    return len(ids)
