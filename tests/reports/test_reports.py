"""Reports: asked for from the dashboard, built by the worker, downloaded after a check."""

import csv
import io
import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEntry
from changes.models import Evidence, ServiceChange
from outbox.models import OutboxMessage
from participants.models import Constituency, Membership
from projects.models import OrganisationRole
from reports import builders
from reports.models import Report
from reports.services import ReportNotAllowed, report_request, reports_expire
from sessions.models import Attendance, Recognition
from tests.conftest import at_once
from tests.factories import (
    ContributionFactory,
    MembershipFactory,
    ProjectFactory,
    ServiceChangeFactory,
    WorkshopSessionFactory,
)

pytestmark = pytest.mark.django_db


def reports_url(world):
    return reverse("reports:project-reports", kwargs={"project_pk": world.project.pk})


def org_reports_url(world):
    return reverse(
        "reports:organisation-reports", kwargs={"organisation_pk": world.organisation.pk}
    )


def ask(client, url, what="report:pdf", **extra):
    return client.post(url, {"report-what": what, **{f"report-{k}": v for k, v in extra.items()}})


def request(world, who="manager", *, project=True, kind="report", file_format="pdf", **extra):
    report, _created = report_request(
        user=world.users[who],
        organisation=world.organisation,
        project=world.project if project else None,
        kind=kind,
        file_format=file_format,
        **extra,
    )
    return report


def pdf_text(data: bytes) -> str:
    """The PDF's text, with line breaks (table cells wrap) as spaces."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def download(client, report) -> bytes:
    response = client.get(report.download_url)
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


# Lifecycle


def test_a_report_is_queued_built_by_the_worker_downloaded_and_expires(
    world, client_for, run_worker, private_media
):
    ServiceChangeFactory(project=world.project, title="Medicines ready the day before")
    client = client_for(world.users["manager"])
    response = ask(client, reports_url(world))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == Report.Status.QUEUED
    job = OutboxMessage.objects.get(kind=OutboxMessage.Kind.JOB)
    assert (job.job, job.payload) == ("reports.services.report_build", {"report_id": report.pk})
    page = client.get(reports_url(world)).content.decode()
    assert "is queued" in page and 'hx-trigger="every 2s"' in page and "Queued" in page
    assert "kept for 7 days" in page

    run_worker()
    report.refresh_from_db()
    job.refresh_from_db()
    assert (report.status, job.status, report.attempts) == ("done", "sent", 1)
    assert report.expires_at == report.finished_at + timedelta(days=7)
    assert report.size > 0 and report.rows >= 1
    row = client.get(report.status_url).content.decode()
    assert "Ready" in row and report.download_url in row and "hx-trigger" not in row

    text = pdf_text(download(client, report))
    assert "Going home from Ward 7" in text and "Medicines ready the day before" in text
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REPORT_DOWNLOADED)
    assert (entry.actor, entry.project) == (world.users["manager"], world.project)

    path = report.file.path
    assert os.path.exists(path)
    assert reports_expire(now=report.expires_at - timedelta(seconds=1))["expired"] == 0
    assert reports_expire(now=report.expires_at)["expired"] == 1
    report.refresh_from_db()
    assert report.status == Report.Status.EXPIRED and not report.file
    assert not os.path.exists(path)
    response = client.get(report.download_url)
    assert response.status_code == 302
    assert "has expired" in client.get(response.url).content.decode()


def test_a_failing_build_is_retried_then_failed_with_the_error_type_only(
    world, client_for, run_worker, monkeypatch, settings, private_media
):
    settings.OUTBOX_MAX_ATTEMPTS = 2

    def broken(report, handle, **kwargs):
        handle.write(b"half a file")
        raise ValueError("Alice Example's contribution could not be read")

    monkeypatch.setattr(builders, "build", broken)
    report = request(world)
    run_worker()
    report.refresh_from_db()
    job = OutboxMessage.objects.get(kind=OutboxMessage.Kind.JOB)
    assert (report.status, report.attempts, report.error) == ("queued", 1, "ValueError")
    assert (job.status, job.attempts) == ("pending", 1)
    OutboxMessage.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now())
    run_worker()
    report.refresh_from_db()
    job.refresh_from_db()
    assert (report.status, report.attempts, report.error) == ("failed", 2, "ValueError")
    assert job.status == "failed"
    assert not report.file and report.finished_at
    stored = [name for _dirs, _subdirs, names in os.walk(private_media) for name in names]
    assert stored == [], "a failed build leaves no file behind"

    client = client_for(world.users["manager"])
    row = client.get(report.status_url).content.decode()
    assert "Failed" in row and "Try again" in row and "Alice" not in row
    assert client.get(report.download_url).status_code == 404

    monkeypatch.undo()
    response = client.post(report.retry_url)
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.attempts, report.error) == ("queued", 0, "")
    run_worker()
    report.refresh_from_db()
    assert report.status == Report.Status.DONE


def test_while_it_is_built_the_report_shows_as_being_built(world, client_for, run_worker):
    report = request(world)
    client = client_for(world.users["manager"])
    seen = {}
    real_build = builders.build

    def watching(report_, handle, **kwargs):
        seen["row"] = client.get(report.status_url).content.decode()
        return real_build(report_, handle, **kwargs)

    builders.build, original = watching, builders.build
    try:
        run_worker()
    finally:
        builders.build = original
    assert 'data-status="running"' in seen["row"] and "Being built" in seen["row"]
    assert 'hx-trigger="every 2s"' in seen["row"]
    report.refresh_from_db()
    assert report.status == Report.Status.DONE


def test_a_report_that_is_done_or_expired_is_not_built_again(world, run_worker):
    report = request(world)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.EXPIRED)
    run_worker()
    report.refresh_from_db()
    assert report.status == Report.Status.EXPIRED and not report.file


# One report per request


def test_a_double_click_makes_one_report(world, client_for):
    client = client_for(world.users["manager"])
    first = ask(client, reports_url(world))
    second = ask(client, reports_url(world))
    assert first.status_code == second.status_code == 302
    assert Report.objects.count() == 1
    assert OutboxMessage.objects.filter(kind=OutboxMessage.Kind.JOB).count() == 1
    assert "already asked for" in client.get(reports_url(world)).content.decode()


def test_other_dates_or_formats_make_other_reports_and_a_done_one_can_be_asked_again(
    world, client_for, run_worker
):
    client = client_for(world.users["facilitator"])
    ask(client, reports_url(world))
    ask(client, reports_url(world), date_from="2026-01-01")
    ask(client, reports_url(world), "contributions:csv")
    ask(client, reports_url(world), "contributions:csv", with_names="on")
    assert Report.objects.count() == 4
    run_worker()
    ask(client, reports_url(world))
    assert Report.objects.count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_same_moment_make_one_report(on_postgres, world):
    outcomes = at_once([lambda: request(world), lambda: request(world, "org_admin")])
    assert outcomes[0].pk == outcomes[1].pk
    assert Report.objects.count() == 1
    assert OutboxMessage.objects.filter(kind=OutboxMessage.Kind.JOB).count() == 1


def test_an_invalid_request_is_refused_with_a_message(world, client_for):
    client = client_for(world.users["manager"])
    response = ask(client, reports_url(world), "everything:exe")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    response = ask(client, reports_url(world), date_from="2026-05-01", date_to="2026-04-01")
    assert response.status_code == 400
    assert "The dates could not be used" in response.content.decode()
    assert not Report.objects.exists()


# Who may ask, see and download


def test_a_manager_never_gets_another_organisations_reports(world, client_for, run_worker):
    report = request(world)
    org_report = request(world, project=False)
    run_worker()
    for report_ in (report, org_report):
        report_.refresh_from_db()
    other = client_for(world.users["other_manager"])
    for url in (
        report.download_url,
        report.status_url,
        org_report.download_url,
        org_report.status_url,
        reports_url(world),
        org_reports_url(world),
    ):
        assert other.get(url).status_code == 404, url
    assert other.post(report.retry_url).status_code == 404
    # Nor through their own organisation's address with this report's number.
    forged = reverse(
        "reports:organisation-report-download",
        kwargs={"organisation_pk": world.other_organisation.pk, "generated_report_pk": report.pk},
    )
    assert other.get(forged).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REPORT_DOWNLOADED).exists()


def test_permission_is_asked_again_on_every_download(world, client_for, run_worker):
    report = request(world, project=False)
    run_worker()
    report.refresh_from_db()
    client = client_for(world.users["manager"])
    assert client.get(report.download_url).status_code == 200
    OrganisationRole.objects.filter(user=world.users["manager"]).delete()
    client = client_for(world.users["manager"])
    assert client.get(report.download_url).status_code == 404


def test_an_export_with_names_is_for_the_project_team_only(world, client_for, run_worker):
    named = request(world, "facilitator", kind="changes", file_format="csv", with_names=True)
    plain = request(world, "facilitator", kind="changes", file_format="csv")
    run_worker()
    manager = client_for(world.users["manager"])
    assert manager.get(named.download_url).status_code == 404
    assert manager.get(plain.download_url).status_code == 200
    listing = manager.get(reports_url(world)).content.decode()
    assert named.download_url not in listing and plain.download_url in listing
    assert "with_names" not in listing
    # A manager cannot ask for names: the field is not theirs, so it is ignored.
    ask(manager, reports_url(world), "attendance:csv", with_names="on")
    assert not Report.objects.get(kind="attendance").with_names
    facilitator = client_for(world.users["facilitator"])
    assert facilitator.get(named.download_url).status_code == 200


def test_what_people_wrote_is_exported_for_the_project_team_only(world, client_for, run_worker):
    # The board is 403 for a manager; so is every export of its text, named or not.
    text = request(world, "facilitator", kind="contributions", file_format="csv")
    run_worker()
    manager = client_for(world.users["manager"])
    assert manager.get(text.download_url).status_code == 404
    page = manager.get(reports_url(world)).content.decode()
    assert "contributions:csv" not in page and text.download_url not in page
    assert ask(manager, reports_url(world), "contributions:csv").status_code == 400
    assert Report.objects.filter(kind="contributions").count() == 1
    with pytest.raises(ReportNotAllowed):
        request(world, "manager", kind="contributions", file_format="csv")
    with pytest.raises(ReportNotAllowed):
        request(world, "org_admin", kind="contributions", file_format="csv", project=False)
    facilitator = client_for(world.users["facilitator"])
    assert facilitator.get(text.download_url).status_code == 200
    assert "contributions:csv" in facilitator.get(reports_url(world)).content.decode()


@pytest.mark.parametrize("who", ["service_user", "staff", "observer"])
def test_participants_cannot_ask_for_reports(world, client_for, who):
    client = client_for(world.users[who])
    assert client.get(reports_url(world)).status_code == 403
    assert ask(client, reports_url(world)).status_code == 403
    assert not Report.objects.exists()


def test_facilitators_cannot_ask_for_organisation_reports(world, client_for):
    response = ask(client_for(world.users["facilitator"]), org_reports_url(world))
    assert response.status_code in (403, 404)
    assert not Report.objects.exists()


# What the files hold


@pytest.fixture
def voices(world):
    """An idea by a named person, one posted anonymously, one by someone who left, and a
    withdrawn one; an adopted idea; and a title a spreadsheet would run as a formula."""
    project = world.project
    named = MembershipFactory(project=project, display_name="Priya Shah")
    hidden = MembershipFactory(project=project, display_name="Dev Anand")
    gone = MembershipFactory(
        project=project, display_name="Rosa Lind", constituency=Constituency.STAFF
    )
    ideas = {
        "named": ContributionFactory(project=project, author=named, title="Ring before visits"),
        "anonymous": ContributionFactory(
            project=project, author=hidden, is_anonymous=True, title="Quieter ward at night"
        ),
        "former": ContributionFactory(project=project, author=gone, title="Discharge lounge"),
        "withdrawn": ContributionFactory(
            project=project, author=named, title="Withdrawn idea", withdrawn_at=timezone.now()
        ),
        "formula": ContributionFactory(
            project=project, author=named, title='=HYPERLINK("http://evil.test","x")'
        ),
    }
    Membership.objects.filter(pk=gone.pk).update(status=Membership.Status.WITHDRAWN)
    change = ServiceChangeFactory(project=project, status=ServiceChange.Status.AGREED)
    change.contributions.set([ideas["named"]])
    held = WorkshopSessionFactory(
        project=project, status="held", starts_at=timezone.now() - timedelta(days=3)
    )
    for member in (named, gone):
        attendance = Attendance.objects.create(session=held, membership=member)
        Recognition.objects.create(
            attendance=attendance, hours=2, amount=50, payment_reference="BACS-PRIYA"
        )
    return ideas


def read_export(report) -> list[list[str]]:
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    with report.file.open("rb") as handle:
        data = handle.read()
    if report.file_format == Report.Format.CSV:
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"a formula in {cell.coordinate}"
    return [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_facilitators_export_names_people_but_never_anonymous_ones(
    world, voices, run_worker, file_format
):
    report = request(
        world, "facilitator", kind="contributions", file_format=file_format, with_names=True
    )
    run_worker()
    rows = read_export(report)
    header, body = rows[0], rows[1:]
    by_title = {row[header.index("Title")]: row for row in body}
    contributor = header.index("Contributor")
    assert by_title["Ring before visits"][contributor] == "Priya Shah"
    assert by_title["Quieter ward at night"][contributor] == "Anonymous participant"
    assert by_title["Discharge lounge"][contributor] == "Former participant"
    assert "Withdrawn idea" not in by_title
    assert not any("Dev Anand" in cell or "Rosa Lind" in cell for row in rows for cell in row)
    assert by_title["Ring before visits"][header.index("Adopted in a service change")] == "Yes"
    assert by_title["Discharge lounge"][header.index("Constituency")] == "Staff"


@pytest.mark.parametrize("kind", ["changes", "attendance", "payments"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_managers_export_names_nobody(world, voices, run_worker, kind, file_format):
    ServiceChange.objects.update(owner=Membership.objects.get(display_name="Priya Shah"))
    report = request(world, kind=kind, file_format=file_format, project=False)
    run_worker()
    rows = read_export(report)
    names = {"Priya Shah", "Dev Anand", "Rosa Lind"} | set(
        Membership.objects.filter(display_name__startswith="Member ").values_list(
            "display_name", flat=True
        )
    )
    assert len(rows) > 1, "the export has rows to check"
    assert not any(name in cell for row in rows for cell in row for name in names)
    assert not any("BACS-PRIYA" in cell for row in rows for cell in row)
    assert "Contributor" not in rows[0] and "Name" not in rows[0]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_cells_that_would_run_as_formulas_are_escaped(world, voices, run_worker, file_format):
    report = request(world, "facilitator", kind="contributions", file_format=file_format)
    run_worker()
    titles = [row[4] for row in read_export(report)[1:]]
    assert '\'=HYPERLINK("http://evil.test","x")' in titles
    assert not any(title.startswith(("=", "+", "-", "@")) for title in titles)


def test_the_project_report_holds_its_sections(world, voices, run_worker):
    project = world.project
    change = ServiceChange.objects.get()
    ServiceChange.objects.filter(pk=change.pk).update(
        title="Calls before home visits",
        status=ServiceChange.Status.IMPLEMENTED,
        implemented_on=timezone.localdate(),
        you_said="Visits came without warning.",
    )
    Evidence.objects.create(
        change=change,
        kind=Evidence.Kind.CMO,
        context="Night shifts",
        mechanism="A call the day before",
        outcome="Fewer missed visits",
    )
    report = request(world)
    run_worker()
    report.refresh_from_db()
    with report.file.open("rb") as handle:
        text = pdf_text(handle.read())
    for expected in (
        "Project report",
        project.title,
        project.challenge,
        "Stage 1",
        "Sessions and attendance by constituency",
        "Contributions by kind",
        "Calls before home visits",
        "Parity of participation",
        "Fewer missed visits",
        "You said, we did",
        "Visits came without warning.",
        "Ladder of participation",
    ):
        assert expected in text, expected
    for never in ("Priya Shah", "Dev Anand", "Ring before visits", "Quieter ward"):
        assert never not in text, never


def test_the_organisation_report_covers_its_projects_but_no_drafts(world, run_worker):
    ProjectFactory(organisation=world.organisation, title="Secret draft", status="draft")
    report = request(world, project=False)
    run_worker()
    report.refresh_from_db()
    with report.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Organisation report" in text and "Riverside Trust" in text
    assert world.project.title in text and "Secret draft" not in text
    assert "Repairs" not in text  # the other organisation's project


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_contribution_is_exported_on_the_day_it_was_made_where_the_organisation_is(
    world, run_worker, file_format
):
    """ "Made on" is the day in the organisation's time zone (worked out by the database): half
    past eleven at night by UTC is already the next day in London, and still the same day in
    New York."""
    from datetime import UTC, datetime

    late = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 July in London
    made = ContributionFactory(project=world.project, title="After midnight")
    type(made).objects.filter(pk=made.pk).update(created_at=late)
    for time_zone, day in (("Europe/London", "2026-07-02"), ("America/New_York", "2026-07-01")):
        world.organisation.time_zone = time_zone
        world.organisation.save(update_fields=["time_zone"])
        report = request(world, "facilitator", kind="contributions", file_format=file_format)
        run_worker()
        header, *body = read_export(report)
        (exported,) = [row for row in body if row[header.index("Title")] == "After midnight"]
        assert exported[header.index("Made on")] == day, time_zone
