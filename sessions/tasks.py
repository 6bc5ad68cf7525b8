from celery import shared_task

from .reminders.services import session_reminders_send


@shared_task(name="sessions.tasks.session_reminders_send_task", ignore_result=True)
def session_reminders_send_task() -> int:
    """Send the reminders that are due; a second beat, a retry or a redelivery sends nothing."""
    return session_reminders_send()
