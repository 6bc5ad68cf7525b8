"""Themes in the browser: a facilitator asks for themes, reads how they were suggested,
accepts one under a new name; axe-clean, wide and at 375 px."""

import pytest
from playwright.sync_api import expect

from learning.models import ThemeRun
from learning.themes import tasks
from outbox.models import OutboxMessage
from tests.factories import ContributionFactory
from tests.learning.theme_texts import TEXTS

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "narrow"])
def test_facilitator_accepts_a_suggested_theme(world, live_server, open_page, viewport):
    for number, text in sorted(TEXTS.items()):
        ContributionFactory(project=world.project, title=f"Said {number}", body=text)
    page = open_page(**({"viewport": viewport} if viewport else {}))
    login(page, live_server, world.users["facilitator"].email)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/")
    page.get_by_role("link", name="Themes in what people said").click()
    page.get_by_role("button", name="Suggest themes from the contributions").click()
    expect(page.get_by_text("Themes are being suggested.")).to_be_visible()
    # The outbox ran the job after the request committed (the tests' worker runs at once);
    # run again, as a redelivery would, it changes nothing.
    job = OutboxMessage.objects.get(job="learning.themes.tasks.theme_run_build_job")
    tasks.theme_run_build_job(**job.payload)
    assert ThemeRun.objects.get().status == "done"
    page.reload()
    expect(page.get_by_role("heading", name="pharmacy, medicines, tablets")).to_be_visible()
    expect(page.get_by_role("heading", name="How these themes were suggested")).to_be_visible()
    expect(page.get_by_text("People decided")).to_be_visible()
    axe_check(page)
    if viewport:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"the page scrolls sideways at 375 px ({width} px)"
    page.get_by_role("link", name="Accept, rename or reject pharmacy, medicines, tablets").click()
    page.get_by_label("Name").fill("Waiting for medicines")
    page.get_by_label("Accept it").check()
    axe_check(page)
    page.get_by_role("button", name="Save").click()
    accepted = page.locator("section", has=page.get_by_role("heading", name="Accepted themes"))
    expect(accepted).to_contain_text("Waiting for medicines")
    expect(accepted).to_contain_text("Suggested as “pharmacy, medicines, tablets”")
    axe_check(page)
