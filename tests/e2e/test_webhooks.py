"""An organisation admin adds a webhook from the organisation's page, copies its secret, pauses
it and deletes it; each page passes axe."""

import pytest
from playwright.sync_api import expect

from webhooks.models import WebhookEndpoint

from .conftest import axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_adds_pauses_and_deletes_a_webhook(page, live_server, world):
    login(page, live_server, world.users["org_admin"].email)
    page.goto(f"{live_server.url}/organisations/{world.organisation.pk}/")
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
    expect(page.get_by_text("No webhooks yet.")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Add a webhook").first.click()
    page.get_by_label("Address").fill("https://hooks.example.org/codesign")
    page.get_by_label("A session was cancelled").check()
    page.get_by_role("button", name="Add webhook").click()
    expect(page.get_by_text("Webhook added. Copy its signing secret now.")).to_be_visible()
    secret = WebhookEndpoint.objects.get().signing_secret
    expect(page.get_by_label("Signing secret")).to_have_value(secret)
    axe_check(page)

    page.get_by_role("link", name="Pause").click()
    axe_check(page)
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_text("Webhook paused.")).to_be_visible()
    expect(page.get_by_text("Paused: no new events are sent.")).to_be_visible()
    expect(page.get_by_label("Signing secret")).to_have_count(0)

    page.get_by_role("link", name="Delete").click()
    axe_check(page)
    page.get_by_role("button", name="Delete webhook").click()
    expect(page.get_by_text("Webhook deleted.")).to_be_visible()
    expect(page.get_by_text("No webhooks yet.")).to_be_visible()
    assert not WebhookEndpoint.objects.exists()
