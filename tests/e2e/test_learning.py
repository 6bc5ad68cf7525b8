"""The learning view: a manager reads a mechanism's cases, a facilitator links a CMO record and
an admin revises the programme theory; axe-clean, wide and at 375 px."""

import pytest
from playwright.sync_api import expect

from learning.services import theory_revise
from tests.factories import ContributionFactory
from tests.learning.helpers import STAFF, SU, case, cmo_record

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{page.url} scrolls sideways at 375 px ({width} px)"


@pytest.fixture
def learning_world(world):
    organisation = world.organisation
    case(
        organisation,
        stance="supports",
        context_name="Service under staffing pressure",
        counts={SU: 5, STAFF: 5},
        project=world.project,
    )
    case(organisation, stance="supports", context_name="Stable team with time to reflect")
    case(
        organisation,
        stance="contradicts",
        context_name="Change needs approval beyond the team",
    )
    theory_revise(
        organisation=organisation,
        statements=["Staff who hear patients first-hand change how they work."],
        reason="Where we start.",
        changed_by=world.users["org_admin"],
    )
    return world


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "narrow"])
def test_manager_reads_where_a_mechanism_fired(learning_world, live_server, open_page, viewport):
    page = open_page(**({"viewport": viewport} if viewport else {}))
    login(page, live_server, learning_world.users["manager"].email)
    page.goto(f"{live_server.url}/organisations/{learning_world.organisation.pk}/")
    page.get_by_role("link", name="Learning across projects").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning across projects")
    expect(page.locator("#theory-statements")).to_contain_text("first-hand change")
    axe_check(page)
    if viewport:
        _fits(page)
    page.get_by_role("link", name="Hearing experiences first-hand").first.click()
    expect(page.get_by_role("heading", name="Where it fired (2 cases)")).to_be_visible()
    expect(page.get_by_role("heading", name="Where it did not fire (1 case)")).to_be_visible()
    expect(page.locator("#contexts-not-fired")).to_contain_text("Change needs approval")
    expect(page.locator("#constituencies")).to_contain_text("Staff")
    axe_check(page)
    if viewport:
        _fits(page)


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "narrow"])
def test_facilitator_links_a_cmo_record(world, live_server, open_page, viewport):
    cmo = cmo_record(world.project, context="Winter on the ward")
    ContributionFactory(project=world.project, title="Waiting all day for tablets")
    page = open_page(**({"viewport": viewport} if viewport else {}))
    login(page, live_server, world.users["facilitator"].email)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/")
    page.get_by_role("link", name="CMO records and their evidence").click()
    expect(page.locator(f"#cmo-{cmo.pk}")).to_contain_text("Winter on the ward")
    axe_check(page)
    page.get_by_role("link", name="Link to the catalogue or to evidence").click()
    axe_check(page)
    if viewport:
        _fits(page)
    page.get_by_label("Or a piece of evidence from this project").select_option(
        label="Idea: Waiting all day for tablets"
    )
    page.get_by_label("Contradicts").check()
    page.get_by_label("Medium").check()
    page.get_by_role("button", name="Save the link").click()
    expect(page.locator(f"#cmo-{cmo.pk}")).to_contain_text(
        "Idea: Waiting all day for tablets (contradicts, medium confidence)"
    )
    axe_check(page)


def test_admin_revises_the_programme_theory(world, live_server, open_page):
    page = open_page(viewport=NARROW)
    login(page, live_server, world.users["org_admin"].email)
    page.goto(f"{live_server.url}/organisations/{world.organisation.pk}/learning/")
    page.get_by_role("link", name="Revise the programme theory").click()
    page.get_by_label("Statements").fill("People who are paid stay.\nSponsors unblock change.")
    page.get_by_label("Why it changed").fill("What the first year showed.")
    axe_check(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#theory-statements")).to_contain_text("Sponsors unblock change.")
    page.get_by_role("link", name="History of the programme theory").click()
    expect(page.locator("ins").first).to_have_text("People who are paid stay.")
    axe_check(page)
    _fits(page)
