from celery import shared_task

from .services import digest_send


@shared_task(name="digests.tasks.digest_send_task", ignore_result=True)
def digest_send_task() -> int:
    """Write today's digests; a second beat, a retry or a redelivery the same day sends nothing."""
    return digest_send()
