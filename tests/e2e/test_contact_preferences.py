"""Issue #18: a person chooses text messages on their phone (375 px): a landline is refused
beside the field in plain words, a mobile is kept in E.164, and the page passes axe."""

import pytest
from playwright.sync_api import expect

from participants.contact import contact_for
from participants.models import Channel

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_chooses_texts_on_a_narrow_screen(world, live_server, open_page):
    page = open_page(viewport=NARROW)
    login(page, live_server, "carer@example.org")
    page.goto(f"{live_server.url}/projects/{world.project.pk}/")
    page.get_by_role("link", name="How we contact you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How we contact you")
    axe_check(page)

    page.get_by_role("radio", name="Text message").check()
    mobile = page.get_by_label("Mobile number")
    mobile.fill("0113 496 0000")
    page.get_by_role("button", name="Save contact preferences").click()
    expect(mobile).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#div_id_mobile")).to_contain_text("cannot receive text messages")
    axe_check(page)

    page.get_by_label("Mobile number").fill("07400 123456")
    page.get_by_role("button", name="Save contact preferences").click()
    expect(page.get_by_role("status")).to_contain_text("Contact preferences saved.")
    contact = contact_for(world.users["carer"])
    assert (contact.channel, contact.mobile) == (Channel.TEXT, "+447400123456")
