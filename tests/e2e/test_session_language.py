"""A participant asks for Welsh when replying to a session; the facilitator sees the share who
asked, is prompted to hold it in Welsh, and does. At 375 px, every page checked with axe."""

import pytest
from playwright.sync_api import expect

from sessions.models import Reply
from tests.factories import ReplyFactory, WorkshopSessionFactory

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_facilitator_sees_who_asked_for_welsh_and_a_participant_answers(
    world, live_server, open_page
):
    session = WorkshopSessionFactory(project=world.project, title="Joint event", title_cy="")
    for language in ("cy", "cy", "cy", "en", "en", "en"):
        ReplyFactory(session=session, language_wanted=language)
    participant = open_page(viewport=NARROW)
    login(participant, live_server, world.users["carer"].email)
    participant.goto(f"{live_server.url}{session.get_absolute_url()}")
    participant.get_by_role("radio", name="Going", exact=True).check()
    participant.get_by_role("radio", name="Welsh", exact=True).check()
    axe_check(participant)
    participant.get_by_role("button", name="Send reply").click()
    expect(participant.locator(".alert-success")).to_be_visible()
    assert (
        Reply.objects.get(session=session, membership__user=world.users["carer"]).language_wanted
        == "cy"
    )

    facilitator = open_page(viewport=NARROW)
    login(facilitator, live_server, world.users["facilitator"].email)
    facilitator.goto(f"{live_server.url}{session.get_absolute_url()}")
    card = facilitator.get_by_role("region", name="Language asked for")
    expect(card).to_contain_text("4 of the 7 people who answered asked for Welsh (57%).")
    expect(card.get_by_role("status")).to_contain_text("Hold the session in Welsh")
    axe_check(facilitator)
    card.get_by_role("link", name="Change the session's language").click()
    facilitator.get_by_role("radio", name="In Welsh", exact=True).check()
    facilitator.get_by_role("button", name="Save session").click()
    expect(facilitator.get_by_role("region", name="Language asked for")).not_to_contain_text(
        "Hold the session in Welsh"
    )
    session.refresh_from_db()
    assert session.held_in == "cy"
