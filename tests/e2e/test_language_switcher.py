"""The language switcher, by keyboard at 375 px: signed out it is remembered by the browser,
signed in by the account too (another device opens in it); Welsh pages pass axe."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_by_keyboard(page, name):
    """Tab from the skip link to the switcher's button and press Enter."""
    button = page.get_by_role("banner").get_by_role("button", name=name, exact=True)
    for _ in range(6):
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_someone_signed_out_switches_to_welsh_and_back(world, live_server, open_page):
    page = open_page(viewport=NARROW)
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    switcher = page.get_by_role("banner").get_by_role("button", name="Cymraeg", exact=True)
    expect(switcher).to_be_visible()
    expect(switcher).to_have_attribute("lang", "cy")
    switch_by_keyboard(page, "Cymraeg")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mewngofnodi")
    axe_check(page)
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    switch_by_keyboard(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")


def test_someone_signed_in_keeps_welsh_on_their_account(world, live_server, open_page):
    carer = world.users["carer"]
    page = open_page(viewport=NARROW)
    login(page, live_server, carer.email)
    board = f"{live_server.url}/projects/{world.project.pk}/contributions/"
    page.goto(board)
    switch_by_keyboard(page, "Cymraeg")
    expect(page).to_have_url(board)
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cyfraniadau")
    axe_check(page)
    assert User.objects.get(pk=carer.pk).language == "cy"

    elsewhere = open_page(viewport=NARROW)
    login(elsewhere, live_server, carer.email)
    elsewhere.goto(f"{live_server.url}/")
    expect(elsewhere.locator("html")).to_have_attribute("lang", "cy")
    expect(elsewhere.get_by_role("navigation", name="Prif")).to_contain_text("Fy mhrosiectau")
    axe_check(elsewhere)
