"""Texts, letters and email through GOV.UK Notify (a Notify API on loopback), its receipts by
callback and by polling, and texts and letters without it."""

import json
import logging

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from outbox import registry
from outbox.models import OutboxMessage
from outbox.receiving import receipts_poll
from outbox.services import (
    outbox_deliver,
    outbox_email_rendered,
    outbox_letter,
    outbox_sweep,
    outbox_text,
    outbox_text_build,
)
from tests.notify_server import CALLBACK_TOKEN

pytestmark = pytest.mark.django_db

ADDRESS = "Mrs Ada Jones\n4 Mill Lane\nRiverside\nRS1 2AB"


def text(**fields):
    fields.setdefault("phone", "+447700900123")
    fields.setdefault("body", "Codesign: your session is on Tuesday at 2pm.")
    return outbox_text(**fields)


def due_again(message):
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())


def test_a_text_goes_to_notify_once_with_the_row_as_its_reference(
    notify, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = text()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.route == OutboxMessage.Route.NOTIFY
    [sent] = notify.accepted("sms")
    assert sent["reference"] == str(message.pk)
    assert sent["personalisation"] == {"body": "Codesign: your session is on Tuesday at 2pm."}
    assert message.notify_id == sent["id"]
    # The client signs each request with a JWT bearer token.
    assert all(h.startswith("Bearer ey") and h.count(".") == 2 for h in notify.auth_headers)
    # A redelivered task, the sweep, a retry: none sends again.
    assert outbox_deliver(message_id=message.pk).status == "skipped"
    outbox_sweep()
    assert len(notify.sends) == 1


def test_a_row_that_notify_already_has_is_never_sent_again(notify):
    message = text()
    OutboxMessage.objects.filter(pk=message.pk).update(notify_id="already-there")
    assert outbox_deliver(message_id=message.pk).status == "sent"
    assert notify.sends == []


def test_a_timeout_after_notify_took_the_text_does_not_send_it_twice(notify):
    message = text()
    notify.drop_next()
    first = outbox_deliver(message_id=message.pk)
    assert first.status == "pending"  # no answer: retried with back-off
    due_again(message)
    assert outbox_deliver(message_id=message.pk).status == "sent"
    # The retry asked Notify for the reference first, and found it.
    assert notify.lookups == [str(message.pk)]
    assert len(notify.sends) == 1 and len(notify.accepted()) == 1
    message.refresh_from_db()
    assert message.notify_id == notify.accepted()[0]["id"]


@pytest.mark.parametrize("status", [429, 500, 503])
def test_rate_limits_and_server_errors_are_retried_with_back_off(notify, settings, status):
    message = text()
    notify.fail_next(status, times=2)
    first = outbox_deliver(message_id=message.pk)
    assert first.status == "pending" and first.retry_in == settings.OUTBOX_RETRY_BASE_SECONDS
    due_again(message)
    second = outbox_deliver(message_id=message.pk)
    assert second.retry_in == 2 * settings.OUTBOX_RETRY_BASE_SECONDS
    due_again(message)
    assert outbox_deliver(message_id=message.pk).status == "sent"
    assert len(notify.accepted("sms")) == 1


def test_a_bad_number_is_marked_failed_with_notifys_reason_and_reported(
    notify, world, client, monkeypatch
):
    failed = []
    monkeypatch.setattr(registry, "_failure_handlers", [failed.append])
    message = text(phone="+441632960000", project=world.project)  # a landline
    assert outbox_deliver(message_id=message.pk).status == "failed"
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 1  # not retried
    assert "Not a UK mobile number" in message.last_error
    assert [m.pk for m in failed] == [message.pk]
    client.force_login(world.users["facilitator"])
    page = client.get(reverse("outbox:message-list", args=[world.project.pk]))
    assert "Not a UK mobile number" in page.content.decode()


def test_email_and_letters_go_through_notify_templates(notify):
    email = outbox_email_rendered(to="ada@example.org", subject="Hello", body_text="Body")
    letter = outbox_letter(address=ADDRESS, subject="Your session", body="Dear Ada")
    assert outbox_deliver(message_id=email.pk).status == "sent"
    assert outbox_deliver(message_id=letter.pk).status == "sent"
    assert mail.outbox == []
    [sent_email] = notify.accepted("email")
    assert sent_email["personalisation"] == {"subject": "Hello", "body": "Body"}
    [sent_letter] = notify.accepted("letter")
    assert sent_letter["personalisation"]["address_line_1"] == "Mrs Ada Jones"
    assert sent_letter["personalisation"]["address_line_4"] == "RS1 2AB"


def receipt(client, data, token=CALLBACK_TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(
        reverse("outbox:notify-receipts"),
        json.dumps(data),
        content_type="application/json",
        **headers,
    )


def test_receipts_by_callback_are_recorded_once(notify, client, monkeypatch):
    failed = []
    monkeypatch.setattr(registry, "_failure_handlers", [failed.append])
    message = text()
    outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    data = {"id": message.notify_id, "reference": str(message.pk), "status": "temporary-failure"}
    assert receipt(client, data).status_code == 200
    message.refresh_from_db()
    assert message.delivery == OutboxMessage.Delivery.TEMPORARY_FAILURE
    data["status"] = "permanent-failure"
    assert receipt(client, data).status_code == 200
    assert receipt(client, data).status_code == 200  # replayed
    message.refresh_from_db()
    assert message.delivery == OutboxMessage.Delivery.PERMANENT_FAILURE
    assert [m.pk for m in failed] == [message.pk]  # once


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_a_receipt_without_the_token_is_refused_and_changes_nothing(notify, client, token):
    message = text()
    outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    data = {"id": message.notify_id, "reference": str(message.pk), "status": "delivered"}
    assert receipt(client, data, token=token).status_code == 401
    message.refresh_from_db()
    assert message.delivery == ""


def test_receipts_by_polling(notify):
    delivered, failing = text(), text(phone="+447700900456")
    outbox_deliver(message_id=delivered.pk)
    outbox_deliver(message_id=failing.pk)
    delivered.refresh_from_db()
    failing.refresh_from_db()
    notify.set_status(delivered.notify_id, "delivered")
    assert receipts_poll() == 1
    notify.set_status(failing.notify_id, "permanent-failure")
    assert receipts_poll() == 1
    assert receipts_poll() == 0
    delivered.refresh_from_db()
    failing.refresh_from_db()
    assert delivered.delivery == OutboxMessage.Delivery.DELIVERED
    assert failing.delivery == OutboxMessage.Delivery.PERMANENT_FAILURE


def test_without_notify_texts_go_to_the_console(caplog):
    message = text(body="Codesign: see you on Tuesday.")
    with caplog.at_level(logging.WARNING, logger="outbox.channels"):
        assert outbox_deliver(message_id=message.pk).status == "sent"
    assert "+447700900123" in caplog.text and "see you on Tuesday" in caplog.text
    message.refresh_from_db()
    assert message.route == OutboxMessage.Route.CONSOLE


def test_without_notify_letters_wait_in_the_print_queue(world):
    message = outbox_letter(
        address=ADDRESS, subject="Your session", body="Dear Ada", project=world.project
    )
    assert outbox_deliver(message_id=message.pk).status == "sent"
    message.refresh_from_db()
    assert message.route == OutboxMessage.Route.PRINT and message.waiting_to_post


@pytest.mark.parametrize(
    ("body", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("€" * 80, 1),  # the extension table counts twice
        ("ŵ" * 70, 1),  # Welsh letters outside GSM: UCS-2
        ("ŵ" * 134, 2),
    ],
)
def test_text_length_is_counted_in_segments(body, segments):
    from outbox import texts

    assert texts.segments(body) == segments
    assert outbox_text_build(phone="+447700900123", body=body).body_text == body


@pytest.mark.parametrize("body", ["a" * 307, "ŵ" * 135, "   "])
def test_texts_longer_than_two_segments_or_empty_are_refused(body):
    with pytest.raises(ValueError):
        outbox_text_build(phone="+447700900123", body=body)


def test_a_letter_needs_a_real_address():
    with pytest.raises(ValueError):
        outbox_letter(address="Ada\nRS1 2AB", subject="Hi", body="Dear Ada")
    with pytest.raises(ValueError):
        outbox_letter(address="\n".join(f"line {n}" for n in range(8)), subject="Hi", body="x")


@pytest.mark.parametrize("body", ["a" * 400, "ŵ" * 200, "Codesign: " + "€" * 200])
def test_a_rendered_text_too_long_is_cut_to_two_segments(body):
    from outbox import texts

    short = texts.shorten(body)
    assert texts.segments(short) == 2 and short.endswith("...")
    assert body.startswith(short[:-3])
    assert outbox_text_build(phone="+447700900123", body=short).body_text == short
