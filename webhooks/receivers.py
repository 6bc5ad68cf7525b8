"""Hears codesign.events' events and records a delivery for each endpoint that wants one."""

from .services import webhook_event_record


def record_event(sender, event, **kwargs):
    webhook_event_record(event=event)
