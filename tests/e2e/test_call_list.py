"""Issue #18: a facilitator cancels a session; the call list shows the person reached by phone,
with their number and needs; the facilitator ticks them told, and the organisation's audit log
has it. Every page is checked with axe, wide and at 375 px."""

import re

import pytest
from playwright.sync_api import expect

from participants.models import AccessNeeds, Channel, Consent, Constituency
from participants.services import participant_add_managed
from sessions.calls.models import CallListEntry
from tests.factories import WorkshopSessionFactory

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Going home: what the discharge letter should say"


@pytest.fixture
def edna(world):
    """Edna has no email: a facilitator phones her."""
    membership = participant_add_managed(
        project=world.project,
        full_name="Edna Brooks",
        display_name="Edna",
        constituency=Constituency.SERVICE_USER,
        contact={"channel": Channel.PHONE_CALL, "phone": "0113 496 0000"},
        consent_method=Consent.Method.PAPER,
        added_by=world.users["facilitator"],
    )
    AccessNeeds.objects.create(membership=membership, hearing_loop=True, large_print=True)
    return membership


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "375px"])
def test_cancelling_puts_edna_on_the_call_list_and_told_is_audited(
    world, edna, live_server, open_page, viewport
):
    session = WorkshopSessionFactory(project=world.project, title=TITLE)
    page = open_page(**({"viewport": viewport} if viewport else {}))
    login(page, live_server, "facilitator@example.org")

    page.goto(live_server.url + session.get_absolute_url())
    page.get_by_role("link", name="Cancel session").click()
    axe_check(page)
    page.get_by_label(re.compile("Why is it cancelled")).fill("The room is flooded")
    page.get_by_role("button", name="Cancel session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    page.get_by_role("link", name=re.compile("Call list")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Call list")
    card = page.locator(f"#call-{edna.pk}")
    expect(card).to_contain_text("Edna")
    expect(card).to_contain_text("Phone call from a facilitator")
    expect(card.get_by_role("link", name="0113 496 0000")).to_have_attribute(
        "href", "tel:+441134960000"
    )
    expect(card).to_contain_text("The session is cancelled")
    expect(card).to_contain_text("hearing loop")
    expect(page.locator("#not-told-count")).to_have_text("1 person not yet told.")
    axe_check(page)

    card.get_by_role("button", name="Told Edna").click()
    expect(page.get_by_role("status")).to_contain_text("Edna is marked as told.")
    expect(page.locator(f"#call-{edna.pk}")).to_contain_text("Told by")
    expect(page.locator("#not-told-count")).to_have_text("Everyone on this list has been told.")
    axe_check(page)
    entry = CallListEntry.objects.get(session=session, membership=edna)
    assert entry.told_by == world.users["facilitator"] and entry.told_at is not None

    admin = open_page(**({"viewport": viewport} if viewport else {}))
    login(admin, live_server, "org_admin@example.org")
    admin.goto(f"{live_server.url}/audit/organisations/{world.organisation.pk}/")
    row = admin.get_by_role("row").filter(has_text="Told about a session by a facilitator")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("facilitator@example.org")
    expect(row).to_contain_text(world.project.title)
    axe_check(admin)
