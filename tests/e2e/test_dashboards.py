"""The manager's and the facilitator's dashboards: axe-clean, wide and at 375 px."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from changes.models import ServiceChange
from participants.models import Constituency
from sessions.models import Attendance
from tests.factories import (
    ContributionFactory,
    MembershipFactory,
    ReplyFactory,
    ServiceChangeFactory,
    WorkshopSessionFactory,
)

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dashboard_world(world):
    project = world.project
    members = [
        MembershipFactory(project=project, constituency=constituency)
        for constituency in [Constituency.SERVICE_USER] * 5 + [Constituency.STAFF] * 5
    ]
    ideas = [ContributionFactory(project=project, author=member) for member in members]
    change = ServiceChangeFactory(
        project=project, title="Medicines ready the day before", status="implemented"
    )
    ServiceChange.objects.filter(pk=change.pk).update(implemented_on=timezone.localdate())
    change.contributions.set(ideas[:3])
    ServiceChangeFactory(
        project=project,
        title="Large-print sheet",
        status="in_progress",
        target_date=timezone.localdate() - timedelta(days=3),
    )
    start = timezone.now() - timedelta(days=2)
    held = WorkshopSessionFactory(
        project=project, status="held", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    for member in members[:6]:
        ReplyFactory(session=held, membership=member)
    for member in members[:4]:
        Attendance.objects.create(session=held, membership=member)
    WorkshopSessionFactory(project=project, title="Joint event")
    return world


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "narrow"])
def test_manager_opens_the_organisation_dashboard(
    dashboard_world, live_server, open_page, viewport
):
    page = open_page(**({"viewport": viewport} if viewport else {}))
    login(page, live_server, dashboard_world.users["manager"].email)
    page.goto(f"{live_server.url}/organisations/{dashboard_world.organisation.pk}/")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard: Riverside Trust")
    expect(page.get_by_role("img", name="Service users' share of each measure")).to_be_visible()
    expect(page.locator("#parity-adopted-share")).to_contain_text("%")
    page.get_by_text("Show the numbers as a table").first.click()
    expect(page.locator("#chart-changes-table")).to_be_visible()
    axe_check(page)
    if viewport:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"the page scrolls sideways at 375 px ({width} px)"


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "narrow"])
def test_facilitator_opens_the_project_dashboard(dashboard_world, live_server, open_page, viewport):
    page = open_page(**({"viewport": viewport} if viewport else {}))
    login(page, live_server, dashboard_world.users["facilitator"].email)
    page.goto(f"{live_server.url}/projects/{dashboard_world.project.pk}/")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard: Going home")
    expect(page.locator("#overdue-changes")).to_contain_text("Large-print sheet")
    expect(page.get_by_role("img", name="Attendance rate by constituency")).to_be_visible()
    page.get_by_role("textbox", name="From").fill("2026-05-01")
    page.get_by_role("textbox", name="To", exact=True).fill("2026-04-01")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator("#id_date_to-error")).to_be_visible()
    axe_check(page)
    if viewport:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"the page scrolls sideways at 375 px ({width} px)"
