"""Webhooks against a receiver on loopback: signed, retried with back-off after a 500 or a
timeout, delivered once (also when the task runs twice, or twice at once), refused for good
on a 4xx or a redirect, and never sent to a private address unless the setting allows it."""

import json
import socket
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from changes.models import ServiceChange
from changes.services import change_set_status
from outbox.models import OutboxMessage
from outbox.services import outbox_deliver, outbox_sweep
from outbox.tasks import outbox_deliver_task
from tests.conftest import at_once
from tests.factories import ServiceChangeFactory
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import webhook_deliver, webhook_endpoint_create

from .receiver import Receiver

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True  # the receiver is on loopback
    settings.WEBHOOKS_TIMEOUT_SECONDS = 2
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def endpoint(world, receiver):
    endpoint, secret = webhook_endpoint_create(
        organisation=world.organisation, url=receiver.url, events=["change.moved"]
    )
    receiver.secret = secret
    return endpoint


def move(world, capture, change=None):
    """Move a change on and commit: its event goes out through the outbox after commit."""
    change = change or ServiceChangeFactory(project=world.project)
    with capture(execute=True):
        change_set_status(
            change=change,
            status=ServiceChange.Status.AGREED,
            progress=None,
            note="",
            changed_by=world.users["facilitator"],
        )
    return change


def only_delivery() -> WebhookDelivery:
    (delivery,) = WebhookDelivery.objects.all()
    return delivery


def test_an_event_is_posted_signed_with_its_delivery_id(
    world, endpoint, receiver, django_capture_on_commit_callbacks
):
    change = move(world, django_capture_on_commit_callbacks)
    (request,) = receiver.received
    assert request.signed
    assert request.path == "/hooks/codesign"
    delivery = only_delivery()
    assert request.headers["Codesign-Delivery"] == str(delivery.delivery_id)
    assert request.headers["Codesign-Event"] == "change.moved"
    assert request.headers["Content-Type"] == "application/json"
    body = json.loads(request.body)
    assert body["id"] == str(delivery.delivery_id)
    assert body["type"] == "change.moved"
    assert body["organisation"] == {"id": world.organisation.pk}
    assert body["project"]["id"] == world.project.pk
    assert body["data"]["change"]["id"] == change.pk
    assert body["data"]["change"]["status"] == "agreed"
    assert body["data"]["change"]["previous_status"] == "proposed"
    assert (delivery.status, delivery.response_code, delivery.attempts) == (
        Status.DELIVERED,
        200,
        1,
    )


def test_a_signature_with_another_secret_or_body_or_an_old_time_does_not_verify(
    world, endpoint, receiver, django_capture_on_commit_callbacks
):
    from webhooks.signing import verify

    move(world, django_capture_on_commit_callbacks)
    (request,) = receiver.received
    header = request.headers["Codesign-Signature"]
    assert verify(endpoint.signing_secret, header, request.body)
    assert not verify("whsec_other", header, request.body)
    assert not verify(endpoint.signing_secret, header, request.body + b" ")
    timestamp = int(header.split(",")[0].removeprefix("t="))
    assert not verify(endpoint.signing_secret, header, request.body, now=timestamp + 301)


def test_a_500_is_tried_again_after_the_back_off_and_delivered_once(
    world, endpoint, receiver, django_capture_on_commit_callbacks, settings
):
    receiver.answer_next(500)
    move(world, django_capture_on_commit_callbacks)
    delivery = only_delivery()
    assert (delivery.status, delivery.response_code, delivery.attempts) == (
        Status.RETRYING,
        500,
        1,
    )
    message = OutboxMessage.objects.get(pk=delivery.message_id)
    assert message.status == OutboxMessage.Status.PENDING
    assert message.next_attempt_at > timezone.now()
    # Not before its time: the sweep finds nothing due.
    assert outbox_sweep()["due"] == 0
    assert len(receiver.received) == 1

    with time_machine.travel(
        timezone.now() + timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS + 1)
    ):
        assert outbox_sweep()["sent"] == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts) == (
        Status.DELIVERED,
        200,
        2,
    )
    assert receiver.delivery_ids() == [str(delivery.delivery_id)] * 2
    assert all(request.signed for request in receiver.received)

    # A redelivered task, a second sweep, the job run again by hand: nothing more is sent.
    outbox_deliver_task(message.pk)
    outbox_sweep()
    webhook_deliver(delivery_id=delivery.pk)
    assert len(receiver.received) == 2


@pytest.mark.parametrize("status", [408, 429, 502, 503])
def test_answers_that_say_try_later_are_tried_again(
    world, endpoint, receiver, django_capture_on_commit_callbacks, status
):
    receiver.answer_next(status)
    move(world, django_capture_on_commit_callbacks)
    assert only_delivery().status == Status.RETRYING


@pytest.mark.parametrize("status", [400, 401, 404, 410, 302])
def test_a_refusal_or_a_redirect_fails_for_good_and_is_not_followed(
    world, endpoint, receiver, django_capture_on_commit_callbacks, status
):
    receiver.answer_next(status)
    move(world, django_capture_on_commit_callbacks)
    delivery = only_delivery()
    assert (delivery.status, delivery.response_code, delivery.error) == (
        Status.FAILED,
        status,
        f"HTTP {status}",
    )
    assert OutboxMessage.objects.get(pk=delivery.message_id).status == "failed"
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        outbox_sweep()
    assert len(receiver.received) == 1


def test_after_its_last_attempt_a_delivery_has_failed(
    world, endpoint, receiver, django_capture_on_commit_callbacks, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    receiver.answer_next(500, 500, 500)
    move(world, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        outbox_sweep()
    delivery = only_delivery()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (Status.FAILED, 2, 500)
    assert OutboxMessage.objects.get(pk=delivery.message_id).status == "failed"
    assert len(receiver.received) == 2


def test_a_receiver_that_never_answers_times_out_and_is_tried_again(
    world, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.3
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # connections wait in the backlog; nothing ever answers
    try:
        webhook_endpoint_create(
            organisation=world.organisation,
            url=f"http://127.0.0.1:{silent.getsockname()[1]}/",
            events=["change.moved"],
        )
        move(world, django_capture_on_commit_callbacks)
    finally:
        silent.close()
    delivery = only_delivery()
    assert delivery.status == Status.RETRYING
    assert "timed out" in delivery.error.lower() or "timeout" in delivery.error.lower()


def test_a_private_address_is_never_sent_to_unless_allowed(
    world, endpoint, receiver, django_capture_on_commit_callbacks, settings
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    move(world, django_capture_on_commit_callbacks)
    delivery = only_delivery()
    assert delivery.status == Status.FAILED
    assert "private address" in delivery.error
    assert receiver.received == []


def test_paused_endpoints_other_events_and_other_organisations_hear_nothing(
    world, endpoint, receiver, django_capture_on_commit_callbacks
):
    from webhooks.services import webhook_endpoint_set_paused

    webhook_endpoint_create(
        organisation=world.other_organisation, url=receiver.url, events=["change.moved"]
    )
    webhook_endpoint_create(
        organisation=world.organisation, url=receiver.url, events=["report.ready"]
    )
    webhook_endpoint_set_paused(endpoint=endpoint, paused=True)
    move(world, django_capture_on_commit_callbacks)
    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


def test_an_event_of_a_rolled_back_action_is_never_sent(world, endpoint, receiver):
    from django.db import transaction

    change = ServiceChangeFactory(project=world.project)
    with pytest.raises(RuntimeError), transaction.atomic():
        change_set_status(
            change=change,
            status=ServiceChange.Status.AGREED,
            progress=None,
            note="",
            changed_by=world.users["facilitator"],
        )
        raise RuntimeError("the action fails after the event was raised")
    assert not WebhookDelivery.objects.exists()
    assert receiver.received == []


def test_a_deleted_endpoints_queued_delivery_is_dropped(
    world, endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.answer_next(500)
    move(world, django_capture_on_commit_callbacks)
    message_id = only_delivery().message_id
    WebhookEndpoint.objects.all().delete()
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        outbox_sweep()
    assert OutboxMessage.objects.get(pk=message_id).status == "sent"  # nothing left to do
    assert len(receiver.received) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_deliver_once(world, receiver, on_postgres):
    endpoint, receiver.secret = webhook_endpoint_create(
        organisation=world.organisation, url=receiver.url, events=["change.moved"]
    )
    receiver.answer_next(500)
    # Committed (transaction=True): the first attempt runs after commit and gets the 500.
    change = ServiceChangeFactory(project=world.project)
    change_set_status(
        change=change,
        status=ServiceChange.Status.AGREED,
        progress=None,
        note="",
        changed_by=world.users["facilitator"],
    )
    delivery = only_delivery()
    if delivery.status == Status.PENDING:
        # On a busy machine the publisher may give up queueing the first attempt after commit
        # (the sweep's job then): make that attempt here, as the sweep would.
        outbox_deliver(message_id=delivery.message_id)
        delivery.refresh_from_db()
    assert delivery.status == Status.RETRYING
    later = timezone.now() + timedelta(hours=1)
    with time_machine.travel(later):
        outcomes = at_once([lambda: outbox_deliver(message_id=delivery.message_id).status] * 4)
    assert sorted(outcomes) == ["sent", "skipped", "skipped", "skipped"]
    assert len(receiver.received) == 2
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.DELIVERED, 2)


def test_a_test_event_reaches_even_a_paused_endpoint(
    world, endpoint, receiver, django_capture_on_commit_callbacks
):
    from webhooks.services import webhook_endpoint_set_paused, webhook_ping

    webhook_endpoint_set_paused(endpoint=endpoint, paused=True)
    with django_capture_on_commit_callbacks(execute=True):
        webhook_ping(endpoint=endpoint)
    (request,) = receiver.received
    assert request.signed and request.headers["Codesign-Event"] == "ping"
    body = json.loads(request.body)
    assert (body["type"], body["organisation"], body["project"], body["data"]) == (
        "ping",
        {"id": world.organisation.pk},
        None,
        {},
    )
    assert only_delivery().status == Status.DELIVERED


def test_the_secret_is_kept_encrypted_and_an_unreadable_one_fails_saying_so(
    world, endpoint, receiver, django_capture_on_commit_callbacks, settings
):
    stored = WebhookEndpoint.objects.values_list("secret", flat=True).get()
    assert endpoint.signing_secret.startswith("whsec_")
    assert endpoint.signing_secret not in stored
    settings.SECRET_KEY = "another key for this server, long enough to be taken seriously"
    move(world, django_capture_on_commit_callbacks)
    delivery = only_delivery()
    assert delivery.status == Status.FAILED
    assert "signing secret can no longer be read" in delivery.error
    assert receiver.received == []


def test_a_delivery_queued_before_its_endpoint_was_paused_is_not_sent_until_asked_again(
    world, endpoint, receiver, django_capture_on_commit_callbacks, settings
):
    from webhooks.services import webhook_delivery_retry, webhook_endpoint_set_paused

    receiver.answer_next(500)
    move(world, django_capture_on_commit_callbacks)
    assert only_delivery().status == Status.RETRYING
    webhook_endpoint_set_paused(endpoint=endpoint, paused=True)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        outbox_sweep()
    delivery = only_delivery()
    assert len(receiver.received) == 1  # the first attempt only
    assert delivery.status == Status.FAILED and "paused" in delivery.error
    assert OutboxMessage.objects.get(pk=delivery.message_id).status == "failed"
    # Resumed, then sent again by an admin: it goes.
    webhook_endpoint_set_paused(endpoint=endpoint, paused=False)
    with django_capture_on_commit_callbacks(execute=True):
        webhook_delivery_retry(delivery=delivery)
    assert only_delivery().status == Status.DELIVERED
    assert len(receiver.received) == 2
