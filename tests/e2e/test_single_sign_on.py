"""Single sign-on in the browser: an organisation admin sets the provider up from the
organisation's page (errors beside their fields, axe-clean, in English and Welsh), and a member
of staff signs in through the provider on loopback from the sign-in page."""

import pytest
from playwright.sync_api import expect

from projects.models import OrganisationRole
from sso.models import SingleSignOn
from tests.factories import OrganisationRoleFactory, UserFactory
from tests.sso.conftest import CLIENT_SECRET, configure, oidc_provider  # noqa: F401

from .conftest import axe_check, login, read_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_at_320_px(page):
    page.set_viewport_size({"width": 320, "height": 640})
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 321, f"{page.url} scrolls sideways at 320 px ({width} px)"


def test_an_admin_sets_up_single_sign_on(world, live_server, open_page, oidc_provider):  # noqa: F811
    page = open_page()
    login(page, live_server, world.users["org_admin"].email)
    page.goto(f"{live_server.url}/organisations/{world.organisation.pk}/")
    page.get_by_role("link", name="Single sign-on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Single sign-on")
    expect(page.locator("#redirect-uri")).to_contain_text(
        f"/accounts/oidc/org-{world.organisation.pk}/login/callback/"
    )
    axe_check(page)
    page.get_by_label("Staff sign in with this provider").check()
    page.get_by_role("button", name="Save single sign-on").click()
    expect(page.locator("#id_issuer").locator("..")).to_contain_text(
        "Enter the issuer URL to switch single sign-on on."
    )
    expect(page.locator("#id_issuer")).to_have_attribute("aria-invalid", "true")
    axe_check(page)
    page.get_by_label("Issuer URL").fill(oidc_provider.issuer)
    page.get_by_label("Client ID").fill("codesign")
    page.get_by_label("Client secret").fill(CLIENT_SECRET)
    page.get_by_label("Email domains").fill("riverside.example")
    page.get_by_label("The provider's two-factor authentication counts").check()
    page.get_by_role("button", name="Save single sign-on").click()
    expect(page.get_by_text("Single sign-on settings saved.")).to_be_visible()
    sso = SingleSignOn.objects.get(organisation=world.organisation)
    assert sso.enabled and sso.client_secret() == CLIENT_SECRET
    page.get_by_role("link", name="Single sign-on").click()
    expect(page.get_by_text("A secret is set. Leave this empty to keep it.")).to_be_visible()
    expect(page.get_by_label("Client secret")).to_have_value("")
    read_in(page, live_server, "cy")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mewngofnodi sengl")
    axe_check(page)
    fits_at_320_px(page)


def test_staff_sign_in_from_the_sign_in_page(world, live_server, open_page, oidc_provider):  # noqa: F811
    staff = UserFactory(email="sam.staff@riverside.example")
    OrganisationRoleFactory(
        organisation=world.organisation, user=staff, role=OrganisationRole.Role.MANAGER
    )
    sso = configure(world.organisation, oidc_provider)
    callback = f"{live_server.url}/accounts/oidc/{sso.provider_id}/login/callback/"
    oidc_provider.behave(redirect_uri=callback, email=staff.email, email_verified=True)
    page = open_page()
    page.goto(f"{live_server.url}/accounts/login/")
    axe_check(page)
    fits_at_320_px(page)
    page.get_by_label("Your work email address").fill(staff.email)
    page.get_by_role("button", name="Continue to my organisation").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("navigation").first).to_contain_text("Sign out")
