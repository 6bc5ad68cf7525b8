"""Every main page passes axe (no serious or critical violations), in English and in Welsh, and
works by keyboard."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outbox.models import InboundText, OutboxMessage
from outbox.services import outbox_deliver, outbox_letter, outbox_text
from participants.models import Constituency
from participants.services import participant_invite

from .conftest import LANGUAGES, NARROW, axe_check, login, read_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pages_world(world):
    """The shared world plus one open invitation, so the outbox and audit log have rows."""
    participant_invite(
        project=world.project,
        invited_by=world.users["facilitator"],
        email="new.person@example.org",
        constituency=Constituency.CARER,
        role="participant",
        display_name="New Person",
    )
    # A letter in the print queue, a text that failed, a text nobody could read.
    letter = outbox_letter(
        address="Mrs Ada Jones\n4 Mill Lane\nRiverside\nRS1 2AB",
        subject="New session: Going home",
        body="Dear Ada,\nYou are invited.",
        project=world.project,
    )
    outbox_deliver(message_id=letter.pk)
    text = outbox_text(phone="+447400123456", body="Codesign: hello", project=world.project)
    OutboxMessage.objects.filter(pk=text.pk).update(
        status=OutboxMessage.Status.FAILED, last_error="phone_number Not a UK mobile number"
    )
    InboundText.objects.create(
        notify_id="pages-1",
        source_number="+447400123456",
        content="What time?",
        received_at=timezone.now(),
        outcome=InboundText.Outcome.UNCLEAR,
        project=world.project,
    )
    return world


# Who is signed in, which path, and the heading the page must show; the id names the page.
PAGES = [
    pytest.param(None, "/", "Improve public services", id="landing"),
    pytest.param(None, "/accounts/login/", "Sign in", id="login"),
    pytest.param("service_user", "/", "My projects", id="home"),
    pytest.param("org_admin", "/organisations/{org}/", "Riverside Trust", id="organisation"),
    pytest.param("facilitator", "/projects/{project}/", "Going home from Ward 7", id="project"),
    pytest.param(
        "facilitator",
        "/projects/{project}/participants/",
        "Participants",
        id="participants-facilitator",
    ),
    pytest.param(
        "service_user",
        "/projects/{project}/participants/",
        "Participants",
        id="participants-participant",
    ),
    pytest.param(
        "facilitator",
        "/projects/{project}/participants/invite-many/",
        "Invite many",
        id="invite-many",
    ),
    pytest.param("service_user", "/projects/{project}/consent/", "Taking part in", id="consent"),
    pytest.param(
        "service_user",
        "/projects/{project}/access-needs/",
        "Access needs",
        id="access-needs",
    ),
    pytest.param("carer", "/contact/", "How we contact you", id="contact-preferences"),
    pytest.param(
        "carer",
        "/projects/{project}/my-display-name/",
        "Your display name",
        id="own-display-name",
    ),
    pytest.param("facilitator", "/projects/{project}/messages/", "Messages sent", id="outbox"),
    pytest.param(
        "facilitator", "/projects/{project}/letters/", "Letters to post", id="print-queue"
    ),
    pytest.param(
        "facilitator",
        "/projects/{project}/texts/unmatched/",
        "Texts we could not match",
        id="unmatched-texts",
    ),
    pytest.param("superuser", "/audit/", "Audit log", id="audit-log"),
]


def _open(page, live_server, world, who, path):
    if who is not None:
        login(page, live_server, world.users[who].email)
    url = live_server.url + path.format(org=world.organisation.pk, project=world.project.pk)
    page.goto(url)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("who", "path", "heading"), PAGES)
def test_page_is_accessible(page, live_server, pages_world, who, path, heading, language):
    if who is not None:
        login(page, live_server, pages_world.users[who].email)
    read_in(page, live_server, language)
    page.goto(
        live_server.url
        + path.format(org=pages_world.organisation.pk, project=pages_world.project.pk)
    )
    expect(page.locator("html")).to_have_attribute("lang", language)
    if language == "en-gb":
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    else:
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(page)


@pytest.mark.parametrize(("who", "path"), [(None, "/"), ("facilitator", "/projects/{project}/")])
def test_first_tab_reaches_skip_link_to_main(page, live_server, pages_world, who, path):
    _open(page, live_server, pages_world, who, path)
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    expect(skip_link).to_have_attribute("href", "#main")
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_invite_form_shows_errors_next_to_fields(page, live_server, pages_world):
    login(page, live_server, pages_world.users["facilitator"].email)
    page.goto(f"{live_server.url}/projects/{pages_world.project.pk}/participants/invite/")
    page.get_by_role("button", name="Send invitation").click()

    email = page.get_by_label("Email address")
    expect(email).to_have_attribute("aria-invalid", "true")
    error_id = email.get_attribute("aria-describedby").split()
    described = page.locator(", ".join(f"#{i}" for i in error_id))
    expect(described.filter(has_text="Enter email address")).to_have_count(1)
    expect(page.locator("#div_id_email")).to_contain_text("Enter email address")
    axe_check(page)


def test_narrow_nav_collapses_to_a_menu_button(page, live_server, pages_world):
    page.set_viewport_size(NARROW)
    login(page, live_server, pages_world.users["facilitator"].email)
    my_projects = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="My projects"
    )
    expect(my_projects).to_be_hidden()
    toggler = page.get_by_role("button", name="Show menu")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")

    toggler.click()

    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(my_projects).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    axe_check(page)
