"""In the browser, an organisation's manager asks for the annual involvement report from the
organisation's page, sees it queued then ready, and downloads it as Word; and finds, decides
and reads themes across the organisation's projects. axe-clean, wide and at 375 px."""

import io
from datetime import date

import pytest
from docx import Document
from playwright.sync_api import expect

from changes.models import ServiceChange
from learning.models import ThemeRun
from learning.themes import tasks
from outbox import services as outbox_services
from outbox.models import OutboxMessage
from tests.factories import ContributionFactory, ProjectFactory, ServiceChangeFactory
from tests.learning.theme_texts import TEXTS

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_not_yet_running(monkeypatch):
    """The job waits in the outbox until the test runs the worker's sweep."""
    monkeypatch.setattr(outbox_services, "_publish_after_commit", lambda *ids: None)


def no_sideways_scroll(page, viewport):
    if viewport:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"the page scrolls sideways at 375 px ({width} px)"


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "narrow"])
def test_manager_asks_for_the_annual_report_and_downloads_it(
    world, live_server, open_page, viewport, worker_not_yet_running, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    ServiceChangeFactory(
        project=world.project,
        title="Medicines ready the day before discharge",
        status=ServiceChange.Status.IMPLEMENTED,
        implemented_on=date(2025, 10, 1),
        you_said="Waiting all day for tablets.",
        cqc_statements=["safe-medicines"],
    )
    page = open_page(**({"viewport": viewport} if viewport else {}))
    login(page, live_server, world.users["manager"].email)
    page.goto(f"{live_server.url}{world.organisation.get_absolute_url()}")
    page.get_by_role("link", name="Evidence reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence reports")
    axe_check(page)
    no_sideways_scroll(page, viewport)
    page.get_by_label("Annual involvement report").check()
    page.get_by_label("Word (.docx), to edit before it goes out").check()
    page.locator("#id_evidence-date_from").fill("2025-04-01")
    page.locator("#id_evidence-date_to").fill("2026-03-31")
    page.get_by_role("button", name="Make it").click()

    expect(page.get_by_text("is queued")).to_be_visible()
    row = page.locator(".report-row").first
    expect(row.locator(".report-status")).to_have_text("Queued")
    axe_check(page)
    assert outbox_services.outbox_sweep()["sent"] == 1  # the worker builds it
    expect(row.locator(".report-status")).to_have_text("Ready", timeout=10_000)
    no_sideways_scroll(page, viewport)
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download Annual involvement report").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "5. What changed as a result" in headings
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "Medicines ready the day before discharge" in cells
    assert "Medicines optimisation" in cells


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "narrow"])
def test_manager_finds_and_accepts_a_theme_across_projects(world, live_server, open_page, viewport):
    outpatients = ProjectFactory(organisation=world.organisation, title="Outpatients")
    for number, text in sorted(TEXTS.items()):
        project = world.project if number % 2 else outpatients
        ContributionFactory(project=project, title=f"Said {number}", body=text)
    page = open_page(**({"viewport": viewport} if viewport else {}))
    login(page, live_server, world.users["manager"].email)
    page.goto(f"{live_server.url}{world.organisation.get_absolute_url()}")
    page.get_by_role("link", name="Learning across projects").click()
    page.get_by_role("link", name="Themes across projects").click()
    page.get_by_role("button", name="Suggest themes across all projects").click()
    expect(page.get_by_text("Themes are being suggested.")).to_be_visible()
    # The outbox ran the job after the request committed; run again, it changes nothing.
    job = OutboxMessage.objects.get(job="learning.themes.tasks.theme_run_build_job")
    tasks.theme_run_build_job(**job.payload)
    assert ThemeRun.objects.get().status == "done"
    page.reload()
    theme = page.locator("article", has=page.get_by_role("heading", name="pharmacy, medicines"))
    expect(theme.locator(".theme-projects")).to_contain_text("Outpatients")
    expect(page.get_by_text("Nobody's name is shown here")).to_be_visible()
    expect(page.get_by_text("Said 1", exact=True)).to_have_count(0)
    axe_check(page)
    no_sideways_scroll(page, viewport)
    page.get_by_role("link", name="Accept, rename or reject pharmacy, medicines, tablets").click()
    expect(page.get_by_text("Going home from Ward 7: 2 contributions")).to_be_visible()
    page.get_by_label("Name").fill("Waiting for medicines")
    page.get_by_label("Accept it").check()
    axe_check(page)
    page.get_by_role("button", name="Save").click()
    accepted = page.locator("section", has=page.get_by_role("heading", name="Accepted themes"))
    expect(accepted).to_contain_text("Waiting for medicines")
    axe_check(page)
