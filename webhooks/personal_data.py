"""What webhooks hold of a person: nothing (see codesign/personal_data.py). Endpoints are the
organisation's; deliveries carry ids, types, times, stage names and links, never a person."""

from codesign import personal_data

from .models import WebhookDelivery, WebhookEndpoint

personal_data.holds_none(WebhookEndpoint, WebhookDelivery)
