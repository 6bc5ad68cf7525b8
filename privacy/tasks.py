from celery import shared_task

from .retention import retention_purge


@shared_task(name="privacy.tasks.retention_purge_task", ignore_result=True)
def retention_purge_task() -> dict[str, int]:
    """Purge what has passed its retention period; a second run the same day finds nothing."""
    return retention_purge()
