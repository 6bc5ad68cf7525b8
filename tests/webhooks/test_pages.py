"""An organisation's admins manage its webhooks in the browser: the list (empty at first),
adding one (its secret shown once), changing, pausing, replacing the secret, deleting after a
confirmation, and the deliveries, failed ones shown with their answer and sent again."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from outbox.models import OutboxMessage
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import webhook_endpoint_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, world):
    client.force_login(world.users["org_admin"])
    return client


def list_url(world):
    return reverse("webhooks:endpoint-list", args=[world.organisation.pk])


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_organisation_page_links_its_admins_to_an_empty_list(admin, world):
    assert list_url(world) in page(admin, world.organisation.get_absolute_url())
    html = page(admin, list_url(world))
    assert "No webhooks yet." in html
    assert reverse("webhooks:endpoint-create", args=[world.organisation.pk]) in html


def test_a_manager_sees_no_link_and_is_refused(client, world):
    client.force_login(world.users["manager"])
    assert list_url(world) not in page(client, world.organisation.get_absolute_url())
    assert client.get(list_url(world)).status_code == 403


def test_adding_a_webhook_shows_its_secret_once(admin, world):
    url = reverse("webhooks:endpoint-create", args=[world.organisation.pk])
    response = admin.post(
        url,
        {
            "url": "https://hooks.example.org/codesign",
            "description": "Intranet news",
            "events": ["change.moved", "report.ready"],
        },
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["change.moved", "report.ready"]
    html = response.content.decode()
    assert "Webhook added. Copy its signing secret now." in html
    assert endpoint.signing_secret.startswith("whsec_") and endpoint.signing_secret in html
    # Shown once: the next visit has it no more.
    assert endpoint.signing_secret not in page(admin, endpoint.get_absolute_url())
    listed = page(admin, list_url(world))
    assert "https://hooks.example.org/codesign" in listed and "Intranet news" in listed
    assert endpoint.signing_secret not in listed


@pytest.mark.parametrize(
    "address, error",
    [
        ("ftp://hooks.example.org/", "Enter an address starting with https://"),
        ("http://127.0.0.1:8080/hook", "private network"),
        ("http://localhost/hook", "private network"),
        ("https://10.1.2.3/hook", "private network"),
        ("https://[::1]/hook", "private network"),
        ("https://user:secret@hooks.example.org/", "Leave the name and password out"),
    ],
)
def test_an_address_a_webhook_may_not_reach_is_refused_beside_the_field(
    admin, world, address, error
):
    url = reverse("webhooks:endpoint-create", args=[world.organisation.pk])
    response = admin.post(url, {"url": address, "events": ["change.moved"]})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_an_endpoint_needs_an_event(admin, world):
    url = reverse("webhooks:endpoint-create", args=[world.organisation.pk])
    response = admin.post(url, {"url": "https://hooks.example.org/"})
    assert "Choose at least one event to send." in response.content.decode()


@pytest.fixture
def endpoint(world):
    endpoint, _secret = webhook_endpoint_create(
        organisation=world.organisation,
        url="https://hooks.example.org/codesign",
        events=["change.moved"],
    )
    return endpoint


def endpoint_url(endpoint, name):
    return reverse(f"webhooks:{name}", args=[endpoint.organisation_id, endpoint.pk])


def test_changing_pausing_and_resuming(admin, endpoint):
    response = admin.post(
        endpoint_url(endpoint, "endpoint-edit"),
        {"url": "https://hooks.example.org/v2", "events": ["session.cancelled"]},
        follow=True,
    )
    assert "Webhook saved." in response.content.decode()
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events) == (
        "https://hooks.example.org/v2",
        ["session.cancelled"],
    )

    pause = endpoint_url(endpoint, "endpoint-pause")
    assert "Pause this webhook" in page(admin, pause)
    assert "Webhook paused." in admin.post(pause, follow=True).content.decode()
    endpoint.refresh_from_db()
    assert endpoint.paused
    assert "Resume this webhook" in page(admin, pause)
    assert "Webhook resumed." in admin.post(pause, follow=True).content.decode()
    endpoint.refresh_from_db()
    assert not endpoint.paused


def test_replacing_the_secret_shows_the_new_one_once(admin, endpoint):
    old = endpoint.signing_secret
    url = endpoint_url(endpoint, "endpoint-secret")
    assert "Replace the signing secret" in page(admin, url)
    html = admin.post(url, follow=True).content.decode()
    endpoint.refresh_from_db()
    assert endpoint.signing_secret != old and endpoint.signing_secret in html
    assert endpoint.signing_secret not in page(admin, endpoint.get_absolute_url())


def test_deleting_asks_first(admin, endpoint, world):
    url = endpoint_url(endpoint, "endpoint-delete")
    assert "Delete this webhook" in page(admin, url)
    assert WebhookEndpoint.objects.exists()
    response = admin.post(url, follow=True)
    assert response.redirect_chain[-1][0] == list_url(world)
    assert "Webhook deleted." in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_failed_delivery_is_shown_with_its_answer_and_can_be_sent_again(
    admin, endpoint, world, django_capture_on_commit_callbacks, settings
):
    message = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.JOB,
        job="webhooks.services.webhook_deliver",
        status=OutboxMessage.Status.FAILED,
        attempts=1,
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event="change.moved",
        payload={"type": "change.moved"},
        status=WebhookDelivery.Status.FAILED,
        attempts=1,
        response_code=410,
        error="HTTP 410",
        message=message,
    )
    message.payload = {"delivery_id": delivery.pk}
    message.save()
    html = page(admin, endpoint.get_absolute_url())
    assert "Failed" in html and "410" in html and str(delivery.delivery_id) in html
    assert '<span class="badge text-bg-danger">1</span>' in page(admin, list_url(world))

    retry = reverse(
        "webhooks:delivery-retry", args=[world.organisation.pk, endpoint.pk, delivery.pk]
    )
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.5
    with django_capture_on_commit_callbacks(execute=False):
        response = admin.post(retry, follow=True)
    assert "The delivery will be sent again." in response.content.decode()
    delivery.refresh_from_db()
    message.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.PENDING, 0)
    assert message.status == OutboxMessage.Status.PENDING


def test_the_pages_cost_the_same_queries_with_2_and_with_30_rows(admin, world, count_queries):
    def add_endpoints(n):
        for i in range(n):
            webhook_endpoint_create(
                organisation=world.organisation,
                url=f"https://hooks.example.org/{i}",
                events=["change.moved"],
            )

    def add_deliveries(endpoint, n):
        WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                endpoint=endpoint,
                event="change.moved",
                status=WebhookDelivery.Status.FAILED if i % 2 else WebhookDelivery.Status.RETRYING,
                response_code=500,
                message=OutboxMessage.objects.create(
                    kind=OutboxMessage.Kind.JOB, job="webhooks.services.webhook_deliver"
                ),
            )
            for i in range(n)
        )

    add_endpoints(2)
    endpoint = WebhookEndpoint.objects.first()
    add_deliveries(endpoint, 2)
    small_list = count_queries(lambda: admin.get(list_url(world)))
    small_detail = count_queries(lambda: admin.get(endpoint.get_absolute_url()))
    add_endpoints(28)
    add_deliveries(endpoint, 28)
    assert count_queries(lambda: admin.get(list_url(world))) == small_list
    assert count_queries(lambda: admin.get(endpoint.get_absolute_url())) == small_detail


def test_an_admin_sends_a_test_event(admin, endpoint, settings):
    url = endpoint_url(endpoint, "endpoint-ping")
    assert url in page(admin, endpoint.get_absolute_url())
    assert admin.get(url).status_code == 405
    response = admin.post(url, follow=True)
    assert "A test event is on its way" in response.content.decode()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.status) == ("ping", WebhookDelivery.Status.PENDING)
    assert "A test event" in response.content.decode()


def test_every_change_an_admin_makes_is_in_the_organisations_audit_log(admin, world):
    admin.post(
        reverse("webhooks:endpoint-create", args=[world.organisation.pk]),
        {
            "url": "https://hooks.example.org/riverside?key=s3cret",
            "events": ["session.scheduled"],
        },
    )
    endpoint = WebhookEndpoint.objects.get()
    admin.post(
        endpoint_url(endpoint, "endpoint-edit"),
        {"url": "https://hooks.example.org/v2?key=s3cret", "events": ["session.cancelled"]},
    )
    admin.post(endpoint_url(endpoint, "endpoint-pause"))
    admin.post(endpoint_url(endpoint, "endpoint-pause"))
    admin.post(endpoint_url(endpoint, "endpoint-secret"))
    admin.post(endpoint_url(endpoint, "endpoint-delete"))
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.WEBHOOK_CHANGED).order_by("id")
    assert [entry.details["what"] for entry in entries] == [
        "created",
        "changed",
        "paused",
        "resumed",
        "secret_replaced",
        "deleted",
    ]
    assert {(e.actor, e.organisation_id) for e in entries} == {
        (world.users["org_admin"], world.organisation.pk)
    }
    # The host only: an address may carry a key.
    assert all(e.details["host"] == "hooks.example.org" for e in entries)
    assert "s3cret" not in str([e.details for e in entries])
    log = page(admin, reverse("audit:organisation-entry-list", args=[world.organisation.pk]))
    assert "Webhook added, changed, paused or removed" in log
