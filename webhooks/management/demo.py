"""The demo trust's example webhook: paused, and pointing at example.org (a name reserved for
examples), so nothing is ever sent. Called by seed_demo."""

from webhooks.models import Event
from webhooks.services import webhook_endpoint_create, webhook_endpoint_set_paused


def seed_webhooks(*, trust) -> None:
    endpoint, _secret = webhook_endpoint_create(
        organisation=trust,
        url="https://hooks.example.org/riverside/codesign",
        description="Example: tell the intranet when a change moves on or a session is set",
        events=[Event.CHANGE_MOVED, Event.SESSION_SCHEDULED, Event.SESSION_CANCELLED],
    )
    webhook_endpoint_set_paused(endpoint=endpoint, paused=True)
