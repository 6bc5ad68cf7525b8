"""An organisation's admin makes an API token, sees it once, uses it and revokes it; the API's
documentation renders from this site's own files within its Content-Security-Policy."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _call(page, live_server, secret):
    response = page.request.get(
        f"{live_server.url}/api/v1/projects/", headers={"Authorization": f"Bearer {secret}"}
    )
    return response.status


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "narrow"])
def test_admin_makes_sees_once_and_revokes_a_token(world, live_server, open_page, viewport):
    page = open_page(**({"viewport": viewport} if viewport else {}))
    login(page, live_server, world.users["org_admin"].email)
    page.goto(f"{live_server.url}/organisations/{world.organisation.pk}/")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    expect(page.get_by_text("There are no tokens yet")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Make a token").click()
    page.get_by_role("textbox", name="Name").fill("Power BI")
    page.get_by_label("Projects and their stages").check()
    page.get_by_label("Dashboard figures").check()
    axe_check(page)
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Copy your new token now")
    expect(page.get_by_text("The token “Power BI” is made.")).to_be_visible()
    secret = page.get_by_label("Your new token").input_value()
    assert re.fullmatch(r"csk_[A-Za-z0-9_-]{40,}", secret)
    axe_check(page)
    assert _call(page, live_server, secret) == 200
    page.get_by_role("link", name="I have copied it").click()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Power BI")
    expect(row).to_contain_text(secret[:12])
    expect(row).to_contain_text("1 call from")
    assert secret not in page.content()
    axe_check(page)
    page.get_by_role("link", name="Revoke Power BI").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke an API token")
    axe_check(page)
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("is revoked: calls with it are refused from now on")).to_be_visible()
    expect(row).to_contain_text("Revoked")
    assert _call(page, live_server, secret) == 401


def test_the_api_documentation_renders_within_the_policy(world, live_server, page):
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Codesign API")
    # Swagger UI, started by our own script, lists the endpoints it read from the document.
    expect(page.locator("#swagger-ui .opblock-summary-path").first).to_be_visible()
    expect(page.locator("#swagger-ui")).to_contain_text("/api/v1/projects/")
    # One level-one heading, ours: Swagger UI's own title block is left out.
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text("Codesign API")
