"""Equality monitoring in the browser: a participant answers with consent and "prefer not to
say"; a manager reads the counts; axe-clean at 375 px."""

import pytest
from playwright.sync_api import expect

from learning.models import EqualityResponse

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{page.url} scrolls sideways at 375 px ({width} px)"


def test_a_participant_answers_and_a_manager_reads_counts(world, live_server, open_page):
    page = open_page(viewport=NARROW)
    login(page, live_server, world.users["carer"].email)
    page.goto(f"{live_server.url}/your-data/")
    page.get_by_role("link", name="Answer, change or delete your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About you: equality monitoring")
    axe_check(page)
    _fits(page)
    page.get_by_role("group", name="Age").get_by_label("65 to 74").check()
    page.get_by_role("group", name="Ethnic group").get_by_label("Prefer not to say").check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator("#id_consent")).to_be_visible()  # no consent: nothing kept
    assert not EqualityResponse.objects.exists()
    axe_check(page)
    page.get_by_label("I agree that Codesign keeps these answers").check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    saved = EqualityResponse.objects.get(user=world.users["carer"])
    assert (saved.age_band, saved.ethnicity) == ("65_74", "prefer_not")

    manager = open_page(viewport=NARROW)
    login(manager, live_server, world.users["manager"].email)
    manager.goto(f"{live_server.url}/organisations/{world.organisation.pk}/")
    manager.get_by_role("link", name="Who took part").click()
    expect(manager.locator("#table-age_band")).to_contain_text("fewer than 5")
    axe_check(manager)
    _fits(manager)
