"""The REFI-QDA export: a .qdpx whose project.qde validates against the REFI-QDA schema, with
contributions coded by theme and by the catalogue entries of the CMO records they support."""

import io
import zipfile

import pytest
from django.urls import reverse
from lxml import etree

from learning.refi.export import NS, SCHEMA, guid
from learning.themes import services as theme_services
from outbox.services import outbox_sweep
from reports.models import Report
from reports.services import ReportNotAllowed, report_request
from tests.factories import ContributionFactory, ProjectFactory

from .helpers import cmo_record, link, mechanism

pytestmark = pytest.mark.django_db

QDPX = {"report-what": "qdpx:qdpx"}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def run_worker():
    return outbox_sweep


def qdpx_from_the_worker(client, project, run_worker) -> bytes:
    """Ask for the .qdpx from the project's CMO page, let the worker build it, download it."""
    page = client.get(reverse("learning:project-cmo-list", args=[project.pk])).content.decode()
    assert 'value="qdpx:qdpx"' in page
    response = client.post(reverse("reports:project-reports", args=[project.pk]), QDPX)
    assert response.status_code == 302
    report = Report.objects.get(kind="qdpx", project=project)
    assert report.status == Report.Status.QUEUED and not report.file  # not built in the request
    run_worker()
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and report.filename.endswith(".qdpx")
    response = client.get(report.download_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        return archive.read("project.qde")


def test_the_qdpx_validates_and_carries_themes_and_cmo_codes(world, client_for, run_worker):
    project = world.project
    waiting = ContributionFactory(
        project=project, title="Waiting for tablets", body="Pharmacy medicines came late."
    )
    ContributionFactory(project=project, title="Late medicines", body="Pharmacy tablets late.")
    ContributionFactory(project=project, title="Transport", body="The ambulance came at 9pm.")
    hidden = ContributionFactory(project=project, title="Hidden one", hidden_at="2026-01-01T00:00Z")
    run = theme_services.theme_run_request(project=project, requested_by=None)
    theme_services.theme_run_build(run_id=run.pk)
    theme = run.themes.get(contributions=waiting)
    theme_services.theme_accept(theme=theme, name="Waiting for medicines", decided_by=None)
    cmo = cmo_record(project)
    link(cmo, item=mechanism(world.organisation))
    link(cmo, contribution=waiting)

    qde = qdpx_from_the_worker(client_for(world.users["facilitator"]), project, run_worker)
    document = etree.fromstring(qde)
    assert etree.XMLSchema(etree.parse(str(SCHEMA))).validate(document)
    ns = {"q": NS}
    names = document.xpath("//q:CodeBook//q:Code/@name", namespaces=ns)
    assert "Waiting for medicines" in names and "Hearing experiences first-hand" in names
    source = document.xpath(
        "//q:TextSource[@guid=$g]", namespaces=ns, g=guid("contribution", waiting.pk)
    )[0]
    coded = set(source.xpath(".//q:CodeRef/@targetGUID", namespaces=ns))
    mechanism_guid = guid("item", mechanism(world.organisation).pk)
    assert coded == {guid("theme", theme.pk), mechanism_guid}
    assert source.xpath("string(.//q:TextValue)", namespaces=ns) == "Service user"
    titles = document.xpath("//q:TextSource/@name", namespaces=ns)
    assert not any(hidden.title in title for title in titles)
    assert world.users["facilitator"].email.encode() not in qde
    record = document.xpath("//q:TextSource[starts-with(@name, 'CMO record')]", namespaces=ns)[0]
    assert record.xpath(".//q:CodeRef/@targetGUID", namespaces=ns) == [mechanism_guid]


def test_managers_may_not_export(world, client_for, run_worker):
    facilitator = client_for(world.users["facilitator"])
    facilitator.post(reverse("reports:project-reports", args=[world.project.pk]), QDPX)
    run_worker()
    report = Report.objects.get(kind="qdpx")
    manager = client_for(world.users["manager"])
    # Not offered to them, and the facilitators' file is not theirs to know of.
    response = manager.post(reverse("reports:project-reports", args=[world.project.pk]), QDPX)
    assert response.status_code == 400
    assert Report.objects.count() == 1
    assert manager.get(report.download_url).status_code == 404
    with pytest.raises(ReportNotAllowed):
        report_request(
            user=world.users["org_admin"],
            organisation=world.organisation,
            kind="qdpx",
            file_format="qdpx",
        )


def test_a_project_with_nothing_yet_exports_a_valid_file(world, client_for, run_worker):
    qde = qdpx_from_the_worker(client_for(world.users["facilitator"]), world.project, run_worker)
    document = etree.fromstring(qde)
    assert etree.XMLSchema(etree.parse(str(SCHEMA))).validate(document)


def test_a_theme_across_projects_codes_this_projects_contributions(world, client_for, run_worker):
    project = world.project
    outpatients = ProjectFactory(organisation=world.organisation, title="Outpatients")
    mine = ContributionFactory(project=project, title="Tablets late", body="Pharmacy tablets.")
    ContributionFactory(project=outpatients, title="Medicines late", body="Pharmacy medicines.")
    ContributionFactory(project=project, title="Transport", body="The ambulance came at 9pm.")
    ContributionFactory(project=outpatients, title="Bus", body="No bus before ten.")
    run = theme_services.theme_run_request(organisation=world.organisation, requested_by=None)
    theme_services.theme_run_build(run_id=run.pk)
    theme = run.themes.get(contributions=mine)
    theme_services.theme_accept(theme=theme, name="Waiting for medicines", decided_by=None)
    qde = qdpx_from_the_worker(client_for(world.users["facilitator"]), project, run_worker)
    document = etree.fromstring(qde)
    assert etree.XMLSchema(etree.parse(str(SCHEMA))).validate(document)
    ns = {"q": NS}
    source = document.xpath(
        "//q:TextSource[@guid=$g]", namespaces=ns, g=guid("contribution", mine.pk)
    )[0]
    assert source.xpath(".//q:CodeRef/@targetGUID", namespaces=ns) == [guid("theme", theme.pk)]
    # Only this project's contributions are sources, whatever the theme holds elsewhere.
    assert "Medicines late" not in qde.decode()
