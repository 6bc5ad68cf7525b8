"""The Celery app of a worker that dies right after it claims an outbox message.

Fault injection lives here, in the tests: this module connects a receiver to the outbox's
``message_claimed`` signal that ends the process at once, as a power cut would.
"""

import os

from codesign.celery import app
from outbox.signals import message_claimed


def _die(sender, **kwargs):
    os._exit(1)


message_claimed.connect(_die, weak=False, dispatch_uid="crashing-worker")

__all__ = ["app"]
