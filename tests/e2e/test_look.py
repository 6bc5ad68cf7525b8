"""An organisation admin gives the organisation its look in the browser; its pages keep
passing axe with the chosen colours and break no Content Security Policy (browser_problems)."""

import io

import pytest
from playwright.sync_api import expect

from .conftest import axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _logo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (160, 80), "#0b3d2e").save(out, format="PNG")
    return out.getvalue()


def test_an_admin_sets_a_logo_and_colours_and_the_pages_stay_accessible(page, live_server, world):
    login(page, live_server, world.users["org_admin"].email)
    page.goto(f"{live_server.url}/organisations/{world.organisation.pk}/edit/")
    page.get_by_label("Header background colour").fill("#777777")
    page.get_by_label("Header text colour").fill("#ffffff")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#id_look_text").locator("xpath=..")).to_contain_text("at least 4.5:1")
    axe_check(page)

    page.get_by_label("Header background colour").fill("#0b3d2e")
    page.get_by_label("Header text colour").fill("#fdf6e3")
    page.get_by_label("Logo", exact=True).set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": _logo()}
    )
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Organisation settings saved.")).to_be_visible()

    banner = page.get_by_test_id("organisation-look")
    expect(banner).to_contain_text("Riverside Trust")
    expect(banner).to_have_css("background-color", "rgb(11, 61, 46)")
    expect(banner).to_have_css("color", "rgb(253, 246, 227)")
    logo = banner.locator("img")
    expect(logo).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", logo.element_handle()) == 160
    axe_check(page)

    page.goto(f"{live_server.url}/projects/{world.project.pk}/")
    expect(page.get_by_test_id("organisation-look")).to_have_css(
        "background-color", "rgb(11, 61, 46)"
    )
    axe_check(page)
