from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Webhooks: an organisation's admins register addresses that hear of its events
    (codesign.events), signed and delivered through the outbox."""

    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self):
        from codesign.events import event_raised

        from .receivers import record_event

        event_raised.connect(record_event, dispatch_uid="webhooks.record_event")
