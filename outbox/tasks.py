from celery import shared_task

from .receiving import receipts_poll
from .services import outbox_deliver, outbox_sweep


@shared_task(name="outbox.tasks.outbox_deliver_task", ignore_result=True)
def outbox_deliver_task(message_id: int) -> str:
    """Deliver one outbox message; a retry or redelivery finds it claimed and does nothing."""
    return outbox_deliver(message_id=message_id).status


@shared_task(name="outbox.tasks.outbox_sweep_task", ignore_result=True)
def outbox_sweep_task() -> dict:
    """Deliver what was never queued and flag claims that never reported back."""
    return outbox_sweep()


@shared_task(name="outbox.tasks.outbox_receipts_poll_task", ignore_result=True)
def outbox_receipts_poll_task() -> int:
    """Ask GOV.UK Notify what became of the messages it accepted (when it is set)."""
    return receipts_poll()
