"""Issue #17: a round of 5 service users and carers and 3 staff (the demo's) shows both groups'
rankings side by side, says in words where they agree and differ, and reads at 375 px."""

import pytest
from playwright.sync_api import expect

from contributions.rounds.services import round_close, round_open, round_vote
from participants.models import Constituency
from tests.factories import ContributionFactory, MembershipFactory

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "One phone number for the first week at home"
SHEET = "A large-print going-home sheet"
MEDICINES = "Medicines ready the day before discharge"
VISIT = "Home visit before discharge"


@pytest.fixture
def demo_round(world):
    """The demo's round: both rank the phone number highly; only service users and carers
    the sheet, only staff the medicines."""
    project = world.project
    author = MembershipFactory(project=project, constituency=Constituency.CARER)
    ideas = {
        t: ContributionFactory(project=project, author=author, title=t)
        for t in (PHONE, SHEET, MEDICINES, VISIT)
    }
    prioritisation_round = round_open(
        project=project,
        title="What should we work on first?",
        dots_per_person=3,
        ideas=list(ideas.values()),
        opened_by=world.users["facilitator"],
    )
    spreads = [
        (Constituency.SERVICE_USER, {SHEET: 2, MEDICINES: 1}),
        (Constituency.CARER, {PHONE: 3}),
        (Constituency.SERVICE_USER, {MEDICINES: 1, PHONE: 2}),
        (Constituency.SERVICE_USER, {PHONE: 2, SHEET: 1}),
        (Constituency.SERVICE_USER, {SHEET: 3}),
        (Constituency.STAFF, {MEDICINES: 3}),
        (Constituency.STAFF, {MEDICINES: 1, PHONE: 2}),
        (Constituency.STAFF, {MEDICINES: 2, VISIT: 1}),
    ]
    for constituency, spread in spreads:
        round_vote(
            prioritisation_round=prioritisation_round,
            membership=MembershipFactory(project=project, constituency=constituency),
            dots={ideas[title].pk: count for title, count in spread.items()},
        )
    return round_close(prioritisation_round=prioritisation_round)


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "narrow"])
def test_both_groups_rankings_side_by_side(world, demo_round, live_server, open_page, viewport):
    page = open_page(**({"viewport": viewport} if viewport else {}))
    login(page, live_server, world.users["carer"].email)
    page.goto(f"{live_server.url}{demo_round.get_absolute_url()}")
    results = page.locator(f"#round-results-{demo_round.pk}")
    expect(results).to_contain_text("8 people placed dots.")
    expect(results).to_contain_text("5 voted")
    expect(results).to_contain_text("3 voted")

    su = page.get_by_role("table", name="Ranking by service users and carers")
    staff = page.get_by_role("table", name="Ranking by staff")
    expect(su).to_be_visible()
    expect(staff).to_be_visible()
    # Each group's first place, with its dots, and where they agree or differ in words.
    expect(su.get_by_role("row").nth(1)).to_contain_text(f"1 {PHONE} 7 ★ Both rank it highly")
    expect(su.get_by_role("row").nth(2)).to_contain_text(
        f"2 {SHEET} 6 ◆ Only service users and carers rank it highly"
    )
    expect(staff.get_by_role("row").nth(1)).to_contain_text(
        f"1 {MEDICINES} 6 ◆ Only staff rank it highly"
    )
    expect(staff.get_by_role("row").nth(2)).to_contain_text(f"2 {PHONE} 2 ★ Both rank it highly")
    agreement = page.locator(".round-agreement")
    expect(agreement).to_contain_text(f"Both groups rank highly: {PHONE}")
    expect(agreement).to_contain_text(f"Only service users and carers rank highly: {SHEET}")
    expect(agreement).to_contain_text(f"Only staff rank highly: {MEDICINES}")

    su_box, staff_box = su.bounding_box(), staff.bounding_box()
    if viewport:
        # One under the other on a phone, and nothing scrolls sideways.
        assert staff_box["y"] >= su_box["y"] + su_box["height"] - 1
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"the page scrolls sideways at 375 px ({width} px)"
    else:
        # Side by side on a wide screen.
        assert abs(staff_box["y"] - su_box["y"]) < 2 and staff_box["x"] > su_box["x"]
    axe_check(page)
