"""Signals the outbox sends about its messages."""

from django.dispatch import Signal

# Sent by the worker once its claim on a message is committed and before anything is sent:
# ``message_id``. Nothing in Codesign listens; the failure tests connect a receiver that
# kills the worker there, to prove such a message is shown as unconfirmed and never resent.
message_claimed = Signal()
