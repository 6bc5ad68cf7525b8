"""Replying to a session invitation by text: GOV.UK Notify's inbound callback, end to end."""

import json
import uuid

import pytest
from django.urls import reverse

from outbox.models import InboundText, OutboxMessage
from outbox.services import outbox_text
from sessions.models import Reply
from sessions.text_replies import answer_read
from tests.factories import WorkshopSessionFactory
from tests.notify_server import CALLBACK_TOKEN

pytestmark = pytest.mark.django_db

MOBILE = "+447700900123"


@pytest.fixture(autouse=True)
def callback_token(settings):
    settings.NOTIFY_CALLBACK_TOKEN = CALLBACK_TOKEN


@pytest.fixture
def invited(world):
    """A session, and the text inviting the service user to it (as messaging sends it)."""
    session = WorkshopSessionFactory(project=world.project, title="Going home")
    membership = world.project.memberships.get(user=world.users["service_user"])
    outbox_text(
        phone=MOBILE,
        body="Codesign: you are invited to Going home. Reply YES, NO or MAYBE.",
        project=world.project,
        recipient=membership.user,
        about={"session": session.pk, "membership": membership.pk},
    )
    return session, membership


def inbound(client, content, *, number="447700900123", notify_id=None, token=CALLBACK_TOKEN):
    data = {
        "id": notify_id or str(uuid.uuid4()),
        "source_number": number,
        "destination_number": "07700900999",
        "content": content,
        "date_received": "2026-12-04T13:00:00.000000Z",
    }
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(
        reverse("outbox:notify-inbound"),
        json.dumps(data),
        content_type="application/json",
        **headers,
    )


def answers_sent():
    return list(
        OutboxMessage.objects.filter(dedupe_key__startswith="inbound-answer:").order_by("pk")
    )


@pytest.mark.parametrize(
    ("content", "answer"),
    [
        ("YES", Reply.Answer.GOING),
        (" yes! ", Reply.Answer.GOING),
        ("Ie", Reply.Answer.GOING),
        ("no", Reply.Answer.NOT_GOING),
        ("Na.", Reply.Answer.NOT_GOING),
        ("Maybe", Reply.Answer.MAYBE),
        ("EFALLAI", Reply.Answer.MAYBE),
    ],
)
def test_yes_no_maybe_by_text_is_recorded_and_confirmed(
    notify, world, client, invited, content, answer, django_capture_on_commit_callbacks
):
    session, membership = invited
    with django_capture_on_commit_callbacks(execute=True):
        assert inbound(client, content).status_code == 200
    reply = Reply.objects.get(session=session, membership=membership)
    assert reply.answer == answer and reply.by_text
    [confirmation] = answers_sent()
    assert confirmation.phone == MOBILE and "Going home" in confirmation.body_text
    # The confirmation went through Notify, once.
    [sent] = [n for n in notify.accepted("sms") if n["reference"] == str(confirmation.pk)]
    assert sent["to"] == MOBILE
    assert InboundText.objects.get().outcome == InboundText.Outcome.ANSWERED
    # The facilitator sees the reply "by text", among the session's replies.
    client.force_login(world.users["facilitator"])
    replies = reverse("workshops:session-replies", args=[session.project_id, session.pk])
    assert replies in client.get(session.get_absolute_url()).content.decode()
    assert "by text" in client.get(replies).content.decode()


def test_a_replayed_inbound_text_gets_no_second_reply(world, client, invited):
    notify_id = str(uuid.uuid4())
    assert inbound(client, "YES", notify_id=notify_id).status_code == 200
    assert inbound(client, "NO", notify_id=notify_id).status_code == 200
    assert len(answers_sent()) == 1
    assert InboundText.objects.count() == 1
    assert Reply.objects.get().answer == Reply.Answer.GOING


@pytest.mark.parametrize("token", [None, "not-the-token"])
def test_an_inbound_text_without_the_token_is_refused_and_changes_nothing(
    world, client, invited, token
):
    assert inbound(client, "YES", token=token).status_code == 401
    assert not InboundText.objects.exists()
    assert not Reply.objects.exists()
    assert answers_sent() == []


def test_an_unclear_answer_gets_one_helpful_reply_and_is_listed(world, client, invited):
    session, _membership = invited
    assert inbound(client, "What time does it start?").status_code == 200
    assert inbound(client, "Hello??").status_code == 200
    assert not Reply.objects.exists()
    [help_text] = answers_sent()  # one a day, not one per text
    assert "YES, NO or MAYBE" in help_text.body_text
    client.force_login(world.users["facilitator"])
    page = client.get(reverse("outbox:inbound-texts", args=[world.project.pk])).content.decode()
    assert "What time does it start?" in page and "Hello??" in page


def test_a_text_from_an_unknown_number_is_kept_and_answered_once(world, client, invited):
    assert inbound(client, "YES", number="447700900777").status_code == 200
    text = InboundText.objects.get()
    assert text.outcome == InboundText.Outcome.UNKNOWN and text.project is None
    [help_text] = answers_sent()
    assert help_text.phone == "+447700900777"
    assert not Reply.objects.exists()
    # Shown to the site's staff, not to the project's facilitators (it belongs to no project).
    client.force_login(world.users["superuser"])
    listed = client.get(reverse("outbox:unknown-texts")).content.decode()
    assert "+447700900777" in listed or "447700900777" in listed
    assert "Texts from numbers we do not know" in listed
    client.force_login(world.users["facilitator"])
    project_page = reverse("outbox:inbound-texts", args=[world.project.pk])
    assert "447700900777" not in client.get(project_page).content.decode()
    assert client.get(reverse("outbox:unknown-texts")).status_code == 404


def test_the_answer_is_read_from_one_word_only():
    assert answer_read("yes please") is None
    assert answer_read("") is None
    assert answer_read("YES") == Reply.Answer.GOING
