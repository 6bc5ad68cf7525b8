"""Signals the core sends for infrastructure that listens without being imported (audit)."""

from django.dispatch import Signal

# Sent when a view refuses a signed-in person: ``request``, ``target`` (the object at stake,
# or None), ``project`` (the project it belongs to, or None), ``permission`` and ``outcome``
# ("hidden" for a 404, "forbidden" for a 403).
access_refused = Signal()
