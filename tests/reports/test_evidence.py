"""Evidence reports: the annual involvement report and the realist synthesis, asked for from
the organisation's pages, built by the worker as PDF and Word, downloaded after a fresh check;
small groups suppressed in the annual report, tested by subtraction."""

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.table import Table

from changes.models import ServiceChange
from learning.models import EqualityResponse, ProgrammeTheoryVersion
from participants.models import ContactPreferences, Membership
from projects.models import OrganisationRole
from reports.forms import last_financial_year
from reports.models import Report
from reports.services import ReportNotAllowed, report_request
from tests.factories import (
    ContributionFactory,
    MembershipFactory,
    ServiceChangeFactory,
    UserFactory,
    WorkshopSessionFactory,
)
from tests.learning.helpers import CARER, STAFF, SU, case, mechanism

from .test_reports import download, pdf_text

pytestmark = pytest.mark.django_db

YEAR = {"evidence-date_from": "2026-04-01", "evidence-date_to": "2027-03-31"}


def evidence_url(world):
    return reverse("reports:organisation-evidence", args=[world.organisation.pk])


def ask(client, world, what, file_format, **dates):
    data = {"evidence-what": what, "evidence-file_format": file_format, **(dates or YEAR)}
    return client.post(evidence_url(world), data)


def build(client, world, what, file_format, run_worker, **dates) -> tuple[Report, bytes]:
    assert ask(client, world, what, file_format, **dates).status_code == 302
    run_worker()
    report = Report.objects.filter(kind=what, file_format=file_format).latest("created_at")
    assert report.status == Report.Status.DONE, report.error
    return report, download(client, report)


def docx_blocks(data: bytes) -> list[tuple[str, object]]:
    """The document's headings, paragraphs and tables in order: ("h1", text), ("p", text),
    ("table", [[cell text]])."""
    blocks = []
    for block in Document(io.BytesIO(data)).iter_inner_content():
        if isinstance(block, Table):
            blocks.append(("table", [[cell.text for cell in row.cells] for row in block.rows]))
        elif block.style.name.startswith("Heading") or block.style.name == "Title":
            blocks.append((block.style.name, block.text))
        else:
            blocks.append(("p", block.text))
    return blocks


def table_after(blocks, heading: str) -> dict[str, list[str]]:
    """The first table after a heading, as {first cell: the other cells}."""
    start = next(i for i, (kind, text) in enumerate(blocks) if kind != "p" and text == heading)
    rows = next(value for kind, value in blocks[start:] if kind == "table")
    return {row[0]: row[1:] for row in rows}


def answer(project, ethnicity):
    user = UserFactory()
    MembershipFactory(project=project, user=user, role=Membership.Role.PARTICIPANT)
    return EqualityResponse.objects.create(
        user=user, consented_at=timezone.now(), ethnicity=ethnicity
    )


def test_the_annual_report_in_word_and_pdf(world, client_for, run_worker):
    project = world.project
    ServiceChangeFactory(
        project=project,
        title="Medicines ready the day before discharge",
        status=ServiceChange.Status.IMPLEMENTED,
        implemented_on=date(2026, 9, 1),
        you_said="Waiting all day for tablets to take home.",
        description="Pharmacy prepares medicines the day before.",
        cqc_statements=["safe-medicines", "responsive-listening"],
    )
    ServiceChangeFactory(
        project=project,
        title="Made before the year",
        status=ServiceChange.Status.IMPLEMENTED,
        implemented_on=date(2025, 9, 1),
    )
    ContributionFactory(project=project, title="Tablets late")
    client = client_for(world.users["manager"])
    report, data = build(client, world, "annual", "docx", run_worker)
    assert report.filename.endswith(".docx") and report.project is None
    blocks = docx_blocks(data)
    headings = [text for kind, text in blocks if kind.startswith("Heading 1")]
    assert headings == [
        "1. Summary",
        "2. What we did",
        "3. Who took part and how",
        "4. Equality monitoring",
        "5. What changed as a result",
        "6. Feedback to participants: you said, we did",
    ]
    changes = table_after(blocks, "5. What changed as a result")
    assert list(changes) == ["Project", "Going home from Ward 7"]
    assert changes["Going home from Ward 7"][0] == "Medicines ready the day before discharge"
    assert "Medicines optimisation; Listening to and involving people" in changes[project.title]
    cqc = table_after(blocks, "CQC quality statements these changes address")
    assert cqc["Safe"] == ["Medicines optimisation", "1"]
    paragraphs = " ".join(text for kind, text in blocks if kind == "p")
    assert "You said: Waiting all day for tablets to take home." in paragraphs
    assert "We did: Pharmacy prepares medicines the day before." in paragraphs
    # Names nobody: neither people's names nor their addresses.
    everything = " ".join(str(value) for _kind, value in blocks)
    for user in world.users.values():
        if user is not None:
            assert user.email not in everything
    assert "Service User" not in everything and "Facilitator" not in everything

    _report, pdf = build(client, world, "annual", "pdf", run_worker)
    text = pdf_text(pdf)
    assert pdf.startswith(b"%PDF")
    for heading in headings:
        assert heading.replace("“", "").replace("”", "") in text
    assert "Medicines ready the day before discharge" in text
    assert "Made before the year" not in text


def test_small_groups_are_suppressed_in_the_annual_report_by_subtraction(
    world, client_for, run_worker
):
    for ethnicity in ["white"] * 5 + ["asian"] * 5:
        answer(world.project, ethnicity)
    client = client_for(world.users["org_admin"])
    _report, data = build(client, world, "annual", "docx", run_worker)
    ethnicity = table_after(docx_blocks(data), "Ethnic group")
    assert ethnicity["White"][0] == "5" and ethnicity["Asian or Asian British"][0] == "5"
    assert ethnicity["Everyone who answered"][0] == "10"

    # One person fewer: Asian is under 5, and White shown beside the total would give it away.
    EqualityResponse.objects.filter(ethnicity="asian").first().delete()
    _report, data = build(client, world, "annual", "docx", run_worker)
    ethnicity = table_after(docx_blocks(data), "Ethnic group")
    assert ethnicity["Asian or Asian British"][0] == "fewer than 5"
    assert ethnicity["White"][0] == "not shown"
    assert ethnicity["Everyone who answered"][0] == "9"
    figures = [
        cells[0]
        for label, cells in ethnicity.items()
        if label not in ("Answer", "Everyone who answered")
    ]
    # Nothing shown can be taken from the total to leave 4 (or the 5 White).
    assert not {"4", "5"} & set(figures)
    assert all(figure in {"0", "fewer than 5", "not shown"} for figure in figures)
    _report, pdf = build(client, world, "annual", "pdf", run_worker)
    text = pdf_text(pdf)
    start = text.index("Ethnic group")
    ethnic = text[start : text.index("Everyone who answered", start)]
    assert "Asian or Asian British fewer than 5" in ethnic and "White not shown" in ethnic
    assert not re.search(r"(White|Asian or Asian British) [0-9]", ethnic)
    assert "Everyone who answered 9" in text


def test_the_realist_synthesis_follows_rameses_ii(world, client_for, run_worker):
    organisation = world.organisation
    case(
        organisation,
        stance="supports",
        context_name="Service under staffing pressure",
        counts={SU: 3, STAFF: 3},
    )
    case(
        organisation,
        stance="supports",
        context_name="Stable team with time to reflect",
        counts={CARER: 2, STAFF: 2},
    )
    case(
        organisation,
        stance="contradicts",
        context_name="Change needs approval beyond the team",
        counts={SU: 1},
    )
    ProgrammeTheoryVersion.objects.create(
        organisation=organisation,
        number=1,
        statements=["Hearing patients first-hand moves staff to act."],
        reason="First version",
        changed_by=world.users["org_admin"],
    )
    client = client_for(world.users["manager"])
    report, data = build(client, world, "realist", "docx", run_worker, **{})
    assert report.parameters == {}
    blocks = docx_blocks(data)
    assert blocks[0] == ("Title", "What works in co-production: a realist synthesis")
    top = [text for kind, text in blocks if kind == "Heading 1"]
    assert top == ["Summary", "Introduction", "Methods", "Results", "Discussion"]
    name = mechanism(organisation).name
    assert ("Heading 2", f"Mechanism: {name}") in blocks
    paragraphs = [text for kind, text in blocks if kind == "p"]
    assert any(
        text.startswith("Contexts where it fired: ")
        and "Service under staffing pressure (1)" in text
        and "Stable team with time to reflect (1)" in text
        for text in paragraphs
    )
    assert "Contexts where it did not fire: Change needs approval beyond the team (1)" in (
        paragraphs
    )
    assert "Disconfirming cases: 1" in paragraphs
    # Mechanisms with no case are named together, not given an empty section each.
    assert ("Heading 2", "Mechanism: Recognition for taking part") not in blocks
    assert any(
        text.startswith("Mechanisms no CMO record is coded to yet: ")
        and "Recognition for taking part" in text
        for text in paragraphs
    )
    assert "Hearing patients first-hand moves staff to act." in paragraphs
    summary = table_after(blocks, "Summary of findings")
    assert summary[name] == ["2", "1"]
    # Who is behind it, with the mechanism page's suppression: 3+2 service users and carers,
    # 3+2 staff, 1 more service user in the disconfirming case.
    behind = table_after(blocks, f"Mechanism: {name}")
    assert behind["Everyone"] == ["11"]
    assert world.users["org_admin"].email not in str(blocks)
    _report, pdf = build(client, world, "realist", "pdf", run_worker, **{})
    text = pdf_text(pdf)
    for heading in ("Summary", "Introduction", "Methods", "Results", "Discussion"):
        assert heading in text
    assert f"Mechanism: {name}" in text and "Disconfirming cases: 1" in text


def test_only_the_organisations_admins_and_managers_ask_and_download(world, client_for, run_worker):
    client = client_for(world.users["facilitator"])
    assert client.get(evidence_url(world)).status_code == 404
    assert ask(client, world, "annual", "pdf").status_code == 404
    assert not Report.objects.exists()
    client = client_for(world.users["manager"])
    report, _data = build(client, world, "annual", "pdf", run_worker)
    # The check is made again on download: a manager who is no longer one gets nothing.
    OrganisationRole.objects.filter(user=world.users["manager"]).delete()
    assert client.get(report.download_url).status_code == 404
    with pytest.raises(ReportNotAllowed):
        report_request(
            user=world.users["org_admin"],
            organisation=world.organisation,
            project=world.project,
            kind="annual",
            file_format="pdf",
        )


def test_the_form_offers_the_last_financial_year_and_checks_the_dates(world, client_for):
    assert last_financial_year(date(2026, 12, 4)) == (date(2025, 4, 1), date(2026, 3, 31))
    assert last_financial_year(date(2026, 3, 31)) == (date(2024, 4, 1), date(2025, 3, 31))
    client = client_for(world.users["org_admin"])
    page = client.get(evidence_url(world))
    assert page.status_code == 200
    backwards = {"evidence-date_from": "2026-04-01", "evidence-date_to": "2026-03-01"}
    response = ask(client, world, "annual", "docx", **backwards)
    assert response.status_code == 400
    assert "The end must not be before the start." in response.content.decode()
    assert not Report.objects.exists()
    WorkshopSessionFactory(project=world.project)
    detail = client.get(world.organisation.get_absolute_url()).content.decode()
    assert evidence_url(world) in detail


def test_the_channels_people_hear_by_are_suppressed_by_subtraction(world, client_for, run_worker):
    # World's project has 5 members, none with a stated channel (email); 5 more by text.
    texted = []
    for _ in range(5):
        user = UserFactory()
        MembershipFactory(project=world.project, user=user, role=Membership.Role.PARTICIPANT)
        texted.append(ContactPreferences.objects.create(person=user, channel="text"))
    client = client_for(world.users["manager"])
    _report, data = build(client, world, "annual", "docx", run_worker)
    channels = table_after(docx_blocks(data), "How people hear from their projects")
    assert channels["Email"] == ["5"] and channels["Text message"] == ["5"]
    assert channels["Everyone taking part"] == ["10"]
    Membership.objects.filter(user=texted[0].person).delete()
    _report, data = build(client, world, "annual", "docx", run_worker)
    channels = table_after(docx_blocks(data), "How people hear from their projects")
    assert channels["Text message"] == ["fewer than 5"] and channels["Email"] == ["not shown"]
    assert channels["Everyone taking part"] == ["9"]


def test_no_table_of_the_annual_report_gives_away_another_by_subtraction(
    world, client_for, run_worker
):
    # 6 service users and 1 carer: parity shows the two together (7); a table splitting them
    # with the carer as "fewer than 5" beside it would give the carer away (7 - 6).
    for _ in range(5):
        MembershipFactory(project=world.project, constituency=SU, role="participant")
        MembershipFactory(project=world.project, constituency=STAFF, role="participant")
    _report, data = build(client_for(world.users["manager"]), world, "annual", "docx", run_worker)
    parity = table_after(docx_blocks(data), "Service users and staff")
    assert parity["Active participants"][0] == "7"
    rows = [row for kind, table in docx_blocks(data) if kind == "table" for row in table]
    assert not [row for row in rows if row[0] in ("Service user", "Carer")]


def test_the_organisations_reports_page_links_to_the_evidence_reports(world, client_for):
    client = client_for(world.users["manager"])
    page = client.get(reverse("reports:organisation-reports", args=[world.organisation.pk]))
    assert evidence_url(world) in page.content.decode()
    project_page = client.get(reverse("reports:project-reports", args=[world.project.pk]))
    assert evidence_url(world) not in project_page.content.decode()
