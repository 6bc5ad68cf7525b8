"""A manager asks for a project report from the dashboard, sees it queued, then ready, and
downloads the PDF."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from outbox import services as outbox_services
from tests.factories import ServiceChangeFactory

from .conftest import NARROW, axe_check, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_not_yet_running(monkeypatch):
    """The job waits in the outbox until the test runs the worker's sweep (in tests, Celery
    would otherwise run it at once, inside the request)."""
    monkeypatch.setattr(outbox_services, "_publish_after_commit", lambda *ids: None)


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "narrow"])
def test_manager_requests_a_project_report_and_downloads_it(
    world, live_server, open_page, viewport, worker_not_yet_running, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    ServiceChangeFactory(project=world.project, title="Medicines ready the day before")
    page = open_page(**({"viewport": viewport} if viewport else {}))
    login(page, live_server, world.users["manager"].email)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/dashboard/")
    panel = page.locator("#reports-panel")
    expect(panel.get_by_role("heading", name="Reports and exports")).to_be_visible()
    expect(panel.locator("#report-list-empty")).to_be_visible()
    axe_check(page)
    panel.get_by_role("combobox", name="What to make").select_option(label="Report (PDF)")
    panel.get_by_role("button", name="Make it").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Reports and exports")
    expect(page.get_by_text("is queued")).to_be_visible()
    row = page.locator(".report-row").first
    expect(row.locator(".report-status")).to_have_text("Queued")
    axe_check(page)
    if viewport:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"the page scrolls sideways at 375 px ({width} px)"

    assert outbox_services.outbox_sweep()["sent"] == 1  # the worker builds it
    expect(row.locator(".report-status")).to_have_text("Ready", timeout=10_000)
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download Report").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Going home from Ward 7" in text
    assert "Medicines ready the day before" in text
