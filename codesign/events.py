"""Events an organisation's other systems may hear of (webhooks), raised by the services that
cause them, so that whatever sends them is imported by no domain app.

A service calls ``event_raise`` inside its transaction; a receiver of ``event_raised`` (the
``webhooks`` app, from its ``ready()``) writes what it will send to the outbox in that same
transaction, so nothing leaves before the action commits and nothing is lost if it rolls back.
An event carries ids, types, times, stage names and links: never a person's name, contact or
words (``webhooks`` tests this for every event).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.dispatch import Signal
from django.utils import timezone

CHANGE_MOVED = "change.moved"
SESSION_SCHEDULED = "session.scheduled"
SESSION_CHANGED = "session.changed"
SESSION_CANCELLED = "session.cancelled"
REPORT_READY = "report.ready"
EVENTS = (CHANGE_MOVED, SESSION_SCHEDULED, SESSION_CHANGED, SESSION_CANCELLED, REPORT_READY)

# Sent with ``event``, an Event, inside the transaction of the action that raised it.
event_raised = Signal()


@dataclass(frozen=True)
class Event:
    name: str
    organisation_id: int
    project_id: int | None
    data: dict
    occurred_at: datetime = field(default_factory=timezone.now)


def site_link(path: str) -> str:
    """A link to a page of this site, for an event's receiver."""
    return settings.CODESIGN_SITE_URL.rstrip("/") + path


def event_raise(*, name: str, organisation_id: int, project_id: int | None, data: dict) -> None:
    """Tell whoever listens (webhooks) that this happened; call it inside the transaction."""
    if name not in EVENTS:
        raise ValueError(f"{name} is not an event")
    event = Event(name=name, organisation_id=organisation_id, project_id=project_id, data=data)
    event_raised.send(sender=Event, event=event)
