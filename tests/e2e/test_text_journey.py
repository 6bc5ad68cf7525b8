"""Issue #18: a service user with only a mobile number is invited by text, answers YES by text
(GOV.UK Notify's inbound callback, posted here), is reminded by text, signs in with a code sent
by text and sees herself down as going; her facilitator sees the reply "by text" and the texts
sent. Every page is checked with axe and watched for console errors."""

import json
import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outbox.models import OutboxMessage
from participants.services import contact_preferences_save
from sessions.models import Reply, WorkshopSession
from sessions.reminders.services import session_reminders_send
from sessions.services import session_schedule
from tests.factories import MembershipFactory, UserFactory
from tests.notify_server import CALLBACK_TOKEN

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Going home: the first day"
MOBILE = "+447400123456"


@pytest.fixture
def pat(world, settings):
    settings.NOTIFY_CALLBACK_TOKEN = CALLBACK_TOKEN
    user = UserFactory(email=None, full_name="Pat Mobile")
    contact_preferences_save(
        person=user, channel="text", mobile="07400 123456", changed_by=world.users["facilitator"]
    )
    return MembershipFactory(project=world.project, user=user, display_name="Pat")


def texts_to_pat():
    return list(
        OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT, phone=MOBILE).order_by("pk")
    )


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "375px"])
def test_pat_answers_by_text_is_reminded_and_signs_in_with_a_texted_code(
    world, pat, live_server, open_page, viewport
):
    size = {"viewport": viewport} if viewport else {}
    starts = timezone.now() + timedelta(minutes=90)
    session = session_schedule(
        project=world.project,
        created_by=world.users["facilitator"],
        title=TITLE,
        kind=WorkshopSession.Kind.WORKSHOP,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Riverside Community Centre",
        audience=WorkshopSession.Audience.EVERYONE,
    )
    [invitation] = texts_to_pat()
    assert "Reply YES, NO or MAYBE" in invitation.body_text
    assert invitation.status == OutboxMessage.Status.SENT

    # Pat texts back; Notify posts it to the inbound callback.
    page = open_page(**size)
    response = page.request.post(
        f"{live_server.url}/notify/inbound/",
        data=json.dumps(
            {
                "id": str(uuid.uuid4()),
                "source_number": MOBILE.lstrip("+"),
                "destination_number": "07700900999",
                "content": " Yes ",
                "date_received": timezone.now().isoformat(),
            }
        ),
        headers={"Authorization": f"Bearer {CALLBACK_TOKEN}", "Content-Type": "application/json"},
    )
    assert response.status == 200
    reply = Reply.objects.get(session=session, membership=pat)
    assert reply.answer == Reply.Answer.GOING and reply.by_text
    assert "you are down as going" in texts_to_pat()[-1].body_text

    # Two hours before, the reminder goes by text.
    assert session_reminders_send() == 1
    assert texts_to_pat()[-1].body_text.startswith("Codesign reminder")

    # Pat signs in with a code sent by text.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Send me a sign-in code").click()
    axe_check(page)
    page.get_by_role("textbox", name="Mobile number").fill("07400 123456")
    page.get_by_role("main").get_by_role("button").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/code/confirm/"))
    code = re.search(r"code is (\S+)\.", texts_to_pat()[-1].body_text).group(1)
    axe_check(page)
    page.get_by_role("textbox", name=re.compile("Code", re.I)).fill(code)
    page.get_by_role("main").get_by_role("button").first.click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    page.goto(live_server.url + session.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("main")).to_contain_text("Your reply: Going")
    axe_check(page)

    # The facilitator sees the reply by text and every text sent about the session.
    facilitator = open_page(**size)
    login(facilitator, live_server, "facilitator@example.org")
    facilitator.goto(live_server.url + session.get_absolute_url())
    messages = facilitator.get_by_role("region", name="Messages")
    expect(messages.get_by_role("listitem").filter(has_text="Pat Mobile")).to_have_count(2)
    axe_check(facilitator)
    replies = facilitator.get_by_role("region", name="Replies")
    replies.get_by_role("link", name=re.compile(r"^See (the reply|all \d+ replies)")).click()
    row = facilitator.get_by_role("row").filter(has_text="Pat")
    expect(row).to_contain_text("by text")
    axe_check(facilitator)
