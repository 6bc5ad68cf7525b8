"""What an accessibility audit by hand found and axe cannot see: footer pages, the error
summary, the idle sign-out's warning, drafts kept, reflow at 320 px, input borders."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from participants.models import Membership
from tests.factories import ServiceChangeFactory

from .conftest import _axe, axe_check, login
from .test_round_comparison import demo_round  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOOTER_PAGES = [
    ("Help", "Help: how to take part"),
    ("Privacy", "Privacy notice"),
    ("Accessibility", "Accessibility statement for Codesign"),
    ("Cookies", "Cookies"),
]


def test_the_footer_links_work_signed_out(page, live_server, world):
    page.goto(live_server.url + "/")
    for link, heading in FOOTER_PAGES:
        page.get_by_role("navigation", name="About Codesign").get_by_role(
            "link", name=link, exact=True
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        axe_check(page)


def test_a_form_returned_with_errors_has_a_focused_summary_and_says_error_in_its_title(
    page, live_server, world
):
    login(page, live_server, world.users["facilitator"].email)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/participants/invite/")
    page.get_by_role("button", name="Send invitation").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    summary.get_by_role("link", name="Enter email address").click()
    expect(page.get_by_label("Email address")).to_be_focused()
    axe_check(page)


def test_the_idle_warning_comes_before_the_sign_out_and_lets_the_person_stay(
    page, live_server, world, settings
):
    # Signed out after 130 s without a request; warned 128 s before, so 2 s after the page.
    settings.CODESIGN_IDLE_TIMEOUT = 130
    settings.CODESIGN_IDLE_WARNING = 128
    login(page, live_server, world.users["service_user"].email)
    dialog = page.get_by_role("dialog", name="Do you want to stay signed in?")
    expect(dialog).to_be_visible()
    axe_check(page)
    with page.expect_response(re.compile(r"/stay-signed-in/$")) as stayed:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert stayed.value.json() == {"remaining": 130}
    expect(dialog).to_be_hidden()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("My projects")


def test_a_draft_on_the_board_survives_a_reload_and_goes_once_sent(page, live_server, world):
    login(page, live_server, world.users["service_user"].email)
    board = f"{live_server.url}/projects/{world.project.pk}/contributions/"
    page.goto(board)
    add = page.locator("#board-add")
    add.get_by_role("radio").first.check()
    add.get_by_label("Title").fill("The discharge letter came late")
    add.get_by_label("In your own words").fill("We waited four hours for it.")
    page.reload()
    expect(add.get_by_role("radio").first).to_be_checked()
    expect(add.get_by_label("Title")).to_have_value("The discharge letter came late")
    expect(add.get_by_label("In your own words")).to_have_value("We waited four hours for it.")

    expect(page.locator("#board-count")).to_contain_text("0 contributions")
    button = page.get_by_role("button", name="Add to the board")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#board-list")).to_contain_text("The discharge letter came late")
    expect(page.locator("#board-count")).to_contain_text("1 contribution")
    expect(page.get_by_role("button", name="Add to the board")).to_be_focused()
    expect(page.get_by_role("button", name="Add to the board")).to_be_in_viewport()
    expect(page.locator("#messages")).to_contain_text("is on the board")
    page.reload()
    expect(add.get_by_label("Title")).to_have_value("")
    axe_check(page)


def test_the_board_skips_to_its_contributions(page, live_server, world):
    login(page, live_server, world.users["service_user"].email)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/contributions/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to contributions")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="On the board")).to_be_focused()


REFLOW_PAGES = [
    (None, "/"),
    (None, "/accounts/login/"),
    (None, "/help/"),
    (None, "/privacy/"),
    (None, "/accessibility/"),
    (None, "/cookies/"),
    ("service_user", "/"),
    ("facilitator", "/projects/{project}/"),
    ("facilitator", "/projects/{project}/participants/"),
    ("facilitator", "/projects/{project}/participants/invite/"),
    ("service_user", "/projects/{project}/contributions/"),
    ("facilitator", "/projects/{project}/changes/"),
    ("facilitator", "/projects/{project}/dashboard/"),
    ("service_user", "/your-data/"),
]


def test_main_pages_reflow_at_320_px_without_sideways_scrolling(open_page, live_server, world):
    ServiceChangeFactory(
        project=world.project,
        title="Medicines ready the afternoon before discharge",
        owner=Membership.objects.get(project=world.project, user=world.users["facilitator"]),
        owner_role="Ward 7 pharmacy lead and discharge co-ordinator",
        target_date=datetime.date(2027, 3, 31),
    )
    signed_in = {}
    for who, path in REFLOW_PAGES:
        if who not in signed_in:
            signed_in[who] = open_page(viewport={"width": 320, "height": 640})
            if who:
                login(signed_in[who], live_server, world.users[who].email)
        page = signed_in[who]
        page.goto(live_server.url + path.format(project=world.project.pk))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        sizes = page.evaluate(
            "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
        )
        assert sizes[0] <= sizes[1], f"{path} as {who}: {sizes[0]} px wide in 320"


def _luminance(rgb: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(v) for v in re.findall(r"\d+", rgb)[:3])
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_input_borders_have_3_to_1_contrast_against_white(page, live_server, world):
    login(page, live_server, world.users["facilitator"].email)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/participants/add/")
    controls = {
        "text box": page.get_by_label("Full name"),
        "select": page.get_by_label("Constituency"),
        "checkbox": page.get_by_role("checkbox").first,
    }
    borders = {
        kind: c.evaluate("(e) => getComputedStyle(e).borderTopColor")
        for kind, c in controls.items()
    }
    page.goto(f"{live_server.url}/projects/{world.project.pk}/contributions/")
    add = page.locator("#board-add")
    for kind, control in (
        ("radio", add.get_by_role("radio").first),
        ("text area", add.get_by_label("In your own words")),
    ):
        borders[kind] = control.evaluate("(e) => getComputedStyle(e).borderTopColor")
    for kind, border in borders.items():
        ratio = 1.05 / (_luminance(border) + 0.05)
        assert ratio >= 3, f"{kind}: border {border} is {ratio:.2f}:1 against white"


def test_the_changes_and_participants_tables_stack_at_200_percent_zoom(page, live_server, world):
    # A 1280 px wide screen at 200% zoom leaves 640 CSS pixels.
    ServiceChangeFactory(
        project=world.project,
        title="Medicines ready the afternoon before discharge",
        owner=Membership.objects.get(project=world.project, user=world.users["facilitator"]),
        owner_role="Ward 7 pharmacy lead and discharge co-ordinator",
        target_date=datetime.date(2027, 3, 31),
    )
    page.set_viewport_size({"width": 640, "height": 720})
    login(page, live_server, world.users["facilitator"].email)
    for path, table in (("changes/", "#change-table"), ("participants/", "#participant-table")):
        page.goto(f"{live_server.url}/projects/{world.project.pk}/{path}")
        widths = page.locator(table).evaluate(
            "(t) => [t.scrollWidth, t.parentElement.clientWidth,"
            " document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
        )
        assert widths[0] <= widths[1] and widths[2] <= widths[3], (path, widths)
        expect(page.locator(f"{table} thead")).not_to_be_in_viewport()


def test_signing_in_by_code_speaks_codesigns_words(page, live_server, world):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Send me a sign-in code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send me a sign-in code")
    axe_check(page)
    page.get_by_role("main").get_by_role("button", name="Send me a code").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("#error-summary")).to_be_focused()
    page.get_by_role("textbox", name="Email").fill("carer@example.org")
    page.get_by_role("main").get_by_role("button", name="Send me a code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Type in your sign-in code")
    expect(page.get_by_role("main")).to_contain_text("We have emailed a code to carer@example.org")
    axe_check(page)


def test_round_results_and_opened_dashboard_tables_name_their_landmarks_once(
    page,
    live_server,
    world,
    demo_round,  # noqa: F811
):
    login(page, live_server, world.users["facilitator"].email)
    for path in (demo_round.get_absolute_url(), f"/projects/{world.project.pk}/dashboard/"):
        page.goto(live_server.url + path)
        page.evaluate(
            "() => document.querySelectorAll('details').forEach((d) => { d.open = true; })"
        )
        results = _axe.run(page, options={"runOnly": ["landmark-unique"]})
        assert results.response["violations"] == [], (path, results.response["violations"])


def test_a_quick_add_returned_with_errors_is_announced_and_focuses_the_field(
    page, live_server, world
):
    login(page, live_server, world.users["service_user"].email)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/contributions/")
    add = page.locator("#board-add")
    add.get_by_role("radio").first.check()
    add.get_by_role("button", name="Add to the board").click()
    expect(page.locator("#messages")).to_contain_text("There is a problem: Enter title")
    expect(add.get_by_label("Title")).to_be_focused()
    axe_check(page)
