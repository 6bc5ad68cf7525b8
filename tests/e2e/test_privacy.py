"""A participant downloads their data and deletes their account: axe-clean, wide and at 375 px."""

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from participants.models import AccessNeeds, Membership
from tests.factories import PASSWORD, ContributionFactory

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def participant(world):
    member = Membership.objects.get(project=world.project, user=world.users["service_user"])
    AccessNeeds.objects.create(membership=member, dietary="No nuts")
    ContributionFactory(
        project=world.project, author=member, title="A quiet room", is_anonymous=True
    )
    return world.users["service_user"]


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "narrow"])
def test_participant_downloads_their_data_and_deletes_their_account(
    participant, live_server, open_page, viewport
):
    page = open_page(**({"viewport": viewport} if viewport else {}))
    login(page, live_server, "service_user@example.org")
    page.goto(f"{live_server.url}/your-data/")
    expect(page.get_by_role("heading", level=1, name="Your data")).to_be_visible()
    axe_check(page)

    # They confirm who they are, come back to the page, and download.
    page.get_by_role("link", name="Confirm it is me").click()
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    axe_check(page)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(f"{live_server.url}/your-data/")
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download my data").click()
    download = waiting.value
    # The page they downloaded from stays: nothing asks for the password any more.
    expect(page.get_by_role("heading", level=1, name="Your data")).to_be_visible()
    expect(page.get_by_role("textbox", name="Password")).to_have_count(0)
    assert re.fullmatch(r"codesign-data-\d+-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == "service_user@example.org"
    assert [c["title"] for c in data["contributions"]] == ["A quiet room"]
    assert data["access_needs"][0]["dietary"] == "No nuts"

    page.goto(f"{live_server.url}/your-data/")
    page.get_by_role("link", name="Delete my account…").click()
    expect(page.get_by_role("heading", level=1, name="Delete your account")).to_be_visible()
    expect(page.get_by_text("cannot be undone")).to_be_visible()
    axe_check(page)
    # Confirmed who they are a moment ago, so this goes straight through.
    page.get_by_role("button", name="Delete my account", exact=True).click()
    expect(page.get_by_text("Your account is deleted")).to_be_visible()
    axe_check(page)
    participant.refresh_from_db()
    assert participant.deleted_at is not None
