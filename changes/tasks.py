from celery import shared_task

from .followups.services import follow_ups_remind


@shared_task(name="changes.tasks.change_follow_ups_remind_task", ignore_result=True)
def change_follow_ups_remind_task() -> int:
    """Remind people of the follow-up checks that are due; a second beat sends nothing."""
    return follow_ups_remind()
