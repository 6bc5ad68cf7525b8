"""Issue #17: a service user places a touchpoint on a step of the journey from the board on
their phone, and the touchpoint map's curve for service users and carers moves at that step;
the touchpoints behind the point open in the page. Checked with axe at 375 px and on a desk."""

import re

import pytest
from playwright.sync_api import expect

from contributions.models import Contribution
from participants.models import Membership
from projects.models import JourneyStep
from tests.factories import ContributionFactory

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Nobody told me how long the wait would be"


def field(page, label):
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def service_users_point(page):
    return page.locator(".journey-series-service-users .journey-point")


@pytest.mark.parametrize("viewport", [NARROW, {"width": 1280, "height": 900}])
def test_a_touchpoint_placed_on_a_step_moves_the_curve(open_page, live_server, world, viewport):
    project = world.project
    getting_there, waiting = (
        JourneyStep.objects.create(project=project, name=name, order=order)
        for order, name in [(1, "Getting there"), (2, "Waiting")]
    )

    def member(role):
        return Membership.objects.get(project=project, user=world.users[role])

    ContributionFactory(
        project=project,
        author=member("carer"),
        kind="touchpoint",
        emotion="happy",
        title="A friendly welcome",
        journey_step=waiting,
    )
    ContributionFactory(
        project=project,
        author=member("staff"),
        kind="touchpoint",
        emotion="content",
        title="The clinic ran on time",
        journey_step=waiting,
    )
    page = open_page(viewport=viewport)
    login(page, live_server, world.users["service_user"].email)
    map_url = f"{live_server.url}/projects/{project.pk}/touchpoints/"

    page.goto(map_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Touchpoint map")
    point = service_users_point(page)
    expect(point).to_have_count(1)
    happy_y = float(point.get_attribute("cy"))
    expect(page.locator("#journey-findings")).to_contain_text("staff felt worse")
    axe_check(page)

    # On the board, the inline form places the touchpoint on "Waiting".
    page.goto(f"{live_server.url}/projects/{project.pk}/contributions/")
    form = page.get_by_role("region", name="Add to the board")
    form.get_by_role("radio", name="Touchpoint", exact=True).check()
    field(form, "Title").fill(TITLE)
    form.get_by_role("radio", name="Upset", exact=True).check()
    field(form, "Where in the journey?").select_option(label="Waiting")
    form.get_by_role("button", name="Add to the board").click()
    expect(page.locator("#messages")).to_contain_text(f"Thank you. “{TITLE}” is on the board.")
    assert Contribution.objects.get(title=TITLE).journey_step == waiting

    # Back on the map, the service users' point at "Waiting" has moved down (happy and upset
    # average neutral), and the page now says service users and carers felt worse there.
    page.goto(map_url)
    point = service_users_point(page)
    expect(point).to_have_count(1)
    assert float(point.get_attribute("cy")) > happy_y
    expect(page.locator("#journey-findings")).to_contain_text(
        "service users and carers felt worse (0.0 on average) than staff (1.0)"
    )
    numbers = page.locator("#journey-numbers")
    waiting_row = numbers.get_by_role("row").filter(has_text="2. Waiting")
    expect(waiting_row.get_by_role("cell").nth(1)).to_have_text("0.0")

    # The touchpoints behind the point open in the page (htmx), without leaving it.
    waiting_row.get_by_role("link", name=re.compile("touchpoints from service users")).click()
    behind = page.locator("#touchpoints-at-step")
    expect(behind).to_contain_text("Service users and carers at “Waiting”")
    expect(behind.get_by_role("link", name=TITLE)).to_be_visible()
    expect(behind).not_to_contain_text("The clinic ran on time")
    assert page.url == map_url
    axe_check(page)
    assert getting_there.pk
