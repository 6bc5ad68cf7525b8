"""A person who leaves a project or deletes their account is removed from the reports already
built: every stored export that may name them is deleted (and builds under way stopped), and
the audit log says how many."""

import pytest

from audit.models import AuditEntry
from participants.models import Membership
from participants.services import membership_withdraw
from privacy.services import account_delete
from reports.models import Report
from reports.services import report_request

pytestmark = pytest.mark.django_db


def build(world, run_worker, **options):
    report, _created = report_request(
        user=world.users["facilitator"],
        organisation=world.organisation,
        project=world.project,
        **options,
    )
    run_worker()
    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    return report


def test_leaving_a_project_removes_the_exports_that_may_name_the_person(
    world, run_worker, django_capture_on_commit_callbacks
):
    named = build(world, run_worker, kind="contributions", file_format="csv", with_names=True)
    payments = build(world, run_worker, kind="payments", file_format="csv")
    plain = build(world, run_worker, kind="changes", file_format="csv")
    storage, named_file = named.file.storage, named.file.name
    assert storage.exists(named_file)
    carer = Membership.objects.get(project=world.project, user=world.users["carer"])
    with django_capture_on_commit_callbacks(execute=True):
        membership_withdraw(membership=carer, withdrawn_by=world.users["carer"])
    for report in (named, payments):
        report.refresh_from_db()
        assert report.status == Report.Status.EXPIRED and not report.file
    assert not storage.exists(named_file)
    plain.refresh_from_db()
    assert plain.status == Report.Status.DONE  # names nobody: kept
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REPORTS_REMOVED)
    assert entry.details["reports"] == 2


def test_deleting_an_account_stops_a_named_build_under_way(world, run_worker):
    report, _created = report_request(
        user=world.users["facilitator"],
        organisation=world.organisation,
        project=world.project,
        kind="attendance",
        file_format="csv",
        with_names=True,
    )
    account_delete(person=world.users["carer"], deleted_by=world.users["carer"])
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert report.error == Report.PERSON_REMOVED
    run_worker()  # the queued job finds nothing to build
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED and not report.file
