"""Retention after a project closes: the last column of the README's table, either side of
each cut-off."""

from dataclasses import replace
from datetime import datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from codesign.personal_data import months_before, site
from contributions.models import Contribution
from dashboards.parity import SERVICE_USERS, group_of
from outbox.models import OutboxMessage
from outbox.personal_data import PURGED_ADDRESS
from participants.models import AccessNeeds, Invitation, Membership
from privacy.retention import retention_plan, retention_preview, retention_purge
from privacy.selectors import personal_data
from projects.models import Project
from sessions.models import Attendance, ExpenseClaim, Recognition, Reply, WalkIn
from tests.factories import (
    AccessNeedsFactory,
    ContributionFactory,
    MembershipFactory,
    ProjectFactory,
    WorkshopSessionFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 6, 15, 12, 0))
DAY = timedelta(days=1)


def close(project, at):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.CLOSED, closed_at=at)


@pytest.fixture
def projects(world):
    """The world's project closed just over a year ago (past the cut-off), the other project
    closed just under a year ago (not yet), and a third still active."""
    close(world.project, months_before(NOW, 12) - DAY)
    close(world.other_project, months_before(NOW, 12) + DAY)
    active = ProjectFactory(organisation=world.organisation, title="Still going")
    return {"old": world.project, "recent": world.other_project, "active": active}


def needs_and_invitation(membership, token):
    AccessNeeds.objects.create(membership=membership, dietary="No nuts", other="Wheelchair")
    return Invitation.objects.create(
        membership=membership,
        email=membership.user.email,
        token_hash=token * 64,
        expires_at=NOW,
    )


@pytest.fixture
def kept_data(world, projects):
    old = Membership.objects.get(project=projects["old"], user=world.users["service_user"])
    recent = Membership.objects.get(project=projects["recent"], user=world.users["outsider"])
    active = MembershipFactory(project=projects["active"], user=world.users["carer"])
    for membership, token in ((old, "a"), (recent, "b"), (active, "c")):
        needs_and_invitation(membership, token)
    experience = ContributionFactory(
        project=projects["old"],
        author=old,
        kind="experience",
        title="The night before I went home",
        body="Nobody told me when the transport would come.",
        added_by=world.users["facilitator"],
    )
    withdrawn = ContributionFactory(
        project=projects["old"], author=old, kind="experience", withdrawn_at=NOW - 400 * DAY
    )
    idea = ContributionFactory(project=projects["old"], author=old, title="Call the day before")
    recent_experience = ContributionFactory(
        project=projects["recent"], author=recent, kind="experience"
    )
    return {
        "old": old,
        "recent": recent,
        "experience": experience,
        "withdrawn": withdrawn,
        "idea": idea,
        "recent_experience": recent_experience,
    }


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(NOW, 12) == NOW.replace(year=2025)
    assert months_before(NOW, 18) == NOW.replace(year=2024, month=12)
    march = NOW.replace(month=3, day=31)
    assert months_before(march, 1) == march.replace(month=2, day=28)


def test_access_needs_and_invitations_go_only_after_the_cut_off(kept_data):
    counts = retention_purge(now=NOW)
    assert counts["access_needs"] == 1 and counts["invitations"] == 1
    assert not AccessNeeds.objects.filter(membership=kept_data["old"]).exists()
    assert not Invitation.objects.filter(membership=kept_data["old"]).exists()
    assert AccessNeeds.objects.filter(membership=kept_data["recent"]).exists()
    assert Invitation.objects.filter(membership=kept_data["recent"]).exists()
    assert AccessNeeds.objects.count() == 2 and Invitation.objects.count() == 2


def test_a_reopened_project_is_not_purged(world, kept_data):
    Project.objects.filter(pk=world.project.pk).update(status=Project.Status.ACTIVE, closed_at=None)
    counts = retention_purge(now=NOW)
    assert counts["access_needs"] == 0 and counts["experiences"] == 0
    assert AccessNeeds.objects.filter(membership=kept_data["old"]).exists()


def test_experiences_are_kept_without_the_link_to_who_told_them(world, kept_data):
    counts = retention_purge(now=NOW)
    assert counts["experiences"] == 2
    experience = Contribution.objects.select_related("author__user").get(
        pk=kept_data["experience"].pk
    )
    assert experience.body == "Nobody told me when the transport would come."
    assert experience.title == "The night before I went home"
    assert experience.constituency == "service_user"
    assert experience.is_anonymous and experience.added_by is None
    assert experience.author != kept_data["old"]
    assert experience.author.user.email is None and not experience.author.user.is_active
    assert experience.author.role == kept_data["old"].role
    # Its parity group on the dashboards is the same as before.
    assert group_of(experience.constituency, experience.author.role) == SERVICE_USERS
    # A withdrawn one stays withdrawn, and loses its link too.
    withdrawn = Contribution.objects.get(pk=kept_data["withdrawn"].pk)
    assert withdrawn.withdrawn_at is not None and withdrawn.author_id == experience.author_id
    # Ideas are kept as they were; so is an experience of a project closed more recently.
    assert Contribution.objects.get(pk=kept_data["idea"].pk).author == kept_data["old"]
    recent = Contribution.objects.get(pk=kept_data["recent_experience"].pk)
    assert recent.author == kept_data["recent"] and not recent.is_anonymous
    # The person's own data no longer lists it.
    titles = {c["title"] for c in personal_data(world.users["service_user"])["contributions"]}
    assert titles == {"Call the day before"}


def test_anonymised_experiences_show_no_name(world, kept_data, client):
    retention_purge(now=NOW)
    client.force_login(world.users["facilitator"])
    html = client.get(kept_data["experience"].get_absolute_url()).content.decode()
    assert "The night before I went home" in html
    assert "Anonymous participant" in html and "Service User" not in html


def test_the_placeholder_is_shared_and_not_a_participant(world, kept_data):
    retention_purge(now=NOW)
    authors = set(
        Contribution.objects.filter(
            pk__in=[kept_data["experience"].pk, kept_data["withdrawn"].pk]
        ).values_list("author", flat=True)
    )
    assert len(authors) == 1
    placeholder = Membership.objects.get(pk=authors.pop())
    assert placeholder.status == Membership.Status.WITHDRAWN
    assert not placeholder.user.has_usable_password()


def email(status, created_at, **fields):
    message = OutboxMessage.objects.create(
        to="service_user@example.org",
        subject="Your session tomorrow",
        body_text="Hello Sam, see you at Ward 7",
        body_html="<p>Hello Sam</p>",
        headers={"List-Unsubscribe": "<https://example.org/u/secret>"},
        attachments=[{"filename": "invite.ics", "content": "BEGIN", "mimetype": "text/calendar"}],
        status=status,
        last_error="550 service_user@example.org refused" if status == "failed" else "",
        **fields,
    )
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=created_at)
    return message


def test_bodies_of_old_sent_and_failed_emails_are_blanked(world):
    old = months_before(NOW, 12) - DAY
    sent = email("sent", old)
    failed = email("failed", old)
    pending = email("pending", old)
    recent = email("sent", months_before(NOW, 12) + DAY)
    counts = retention_purge(now=NOW)
    assert counts["emails"] == 2
    for message in (sent, failed):
        message.refresh_from_db()
        assert message.to == PURGED_ADDRESS
        assert (message.subject, message.body_text, message.body_html) == ("", "", "")
        assert message.attachments == [] and message.headers == {}
        assert message.last_error == ""
        assert message.status in ("sent", "failed")
    for message in (pending, recent):
        message.refresh_from_db()
        assert message.to == "service_user@example.org" and message.body_text


def test_an_old_email_keeps_no_address_in_its_key_either(world):
    old = months_before(NOW, 12) - DAY
    # Safeguarding alerts were once known by the address they went to.
    by_address = email("sent", old, dedupe_key="safeguarding-alert:7:service_user@example.org")
    by_id = email("sent", old, dedupe_key="session-reminder-3-9-24")
    assert retention_purge(now=NOW)["emails"] == 2
    by_address.refresh_from_db()
    by_id.refresh_from_db()
    assert by_address.dedupe_key is None
    assert by_id.dedupe_key == "session-reminder-3-9-24"


def recognition(world, starts_at, receipt=False):
    membership = Membership.objects.get(project=world.project, user=world.users["service_user"])
    session = WorkshopSessionFactory(project=world.project, status="held", starts_at=starts_at)
    attendance = Attendance.objects.create(session=session, membership=membership)
    payment = Recognition.objects.create(attendance=attendance, hours=2, amount=40)
    if receipt:
        claim = ExpenseClaim(recognition=payment, kind="travel", amount=5)
        claim.receipt.save("bus.pdf", ContentFile(b"%PDF ticket"), save=True)
        return payment, claim
    return payment, None


def test_payment_records_go_after_the_finance_period(
    world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    old, claim = recognition(world, months_before(NOW, 12 * 7) - DAY, receipt=True)
    receipt = tmp_path / claim.receipt.name
    assert receipt.exists()
    kept, _claim = recognition(world, months_before(NOW, 12 * 7) + DAY)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        counts = retention_purge(now=NOW)
    assert counts["payments"] == 1
    # The receipt's file goes only once the rows are gone for good.
    assert receipt.exists()
    for callback in callbacks:
        callback()
    assert not Recognition.objects.filter(pk=old.pk).exists()
    assert not ExpenseClaim.objects.filter(pk=claim.pk).exists()
    assert not receipt.exists()
    assert Recognition.objects.filter(pk=kept.pk).exists()
    # Attendance is not a payment record: it stays.
    assert Attendance.objects.filter(pk=old.attendance_id).exists()


def test_audit_entries_go_after_the_audit_period(world):
    with time_machine.travel(months_before(NOW, 12 * 6) - DAY, tick=False):
        old = audit_record(action=AuditEntry.Action.SIGN_IN, actor=world.users["carer"])
    with time_machine.travel(months_before(NOW, 12 * 6) + DAY, tick=False):
        kept = audit_record(action=AuditEntry.Action.SIGN_IN, actor=world.users["carer"])
    counts = retention_purge(now=NOW)
    assert counts["audit_entries"] == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()


def test_an_old_refusal_goes_with_its_burst_counter(world):
    from audit.models import RefusalBurst

    with time_machine.travel(months_before(NOW, 12 * 6) - DAY, tick=False):
        old = audit_record(action=AuditEntry.Action.PERMISSION_DENIED, actor=world.users["carer"])
        RefusalBurst.objects.create(
            entry=old, actor=world.users["carer"], outcome="denied", count=40, last_at=NOW
        )
    assert retention_purge(now=NOW)["audit_entries"] == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert not RefusalBurst.objects.exists()


def test_the_periods_come_from_settings(world, kept_data, settings):
    settings.RETENTION_MONTHS = 24
    assert retention_plan(now=NOW)["access_needs"] == 0
    settings.RETENTION_MONTHS = 1
    assert retention_plan(now=NOW)["access_needs"] == 2


def test_the_plan_counts_what_the_purge_then_does_and_changes_nothing(world, kept_data):
    email("sent", months_before(NOW, 12) - DAY)
    plan = retention_plan(now=NOW)
    assert plan["access_needs"] == 1 and plan["experiences"] == 2 and plan["emails"] == 1
    assert AccessNeeds.objects.filter(membership=kept_data["old"]).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.RETENTION_PURGED).exists()
    assert retention_purge(now=NOW) == plan


def test_one_audit_entry_with_counts_and_no_personal_data(world, kept_data):
    email("sent", months_before(NOW, 12) - DAY)
    counts = retention_purge(now=NOW)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.RETENTION_PURGED)
    assert entry.details == counts
    assert entry.actor is None and entry.target_id == ""
    text = str(entry.details)
    for personal in ("example.org", "Service User", "No nuts", "transport"):
        assert personal not in text


def test_a_second_run_changes_nothing_and_records_nothing(world, kept_data):
    email("sent", months_before(NOW, 12) - DAY)
    retention_purge(now=NOW)
    again = retention_purge(now=NOW)
    assert set(again.values()) == {0}
    assert AuditEntry.objects.filter(action=AuditEntry.Action.RETENTION_PURGED).count() == 1


def test_a_failing_kind_rolls_back_only_itself(world, kept_data, monkeypatch):
    def broken(rows, now):
        rows.update(is_anonymous=True)
        raise RuntimeError("database went away")

    rules = [
        replace(rule, then=broken) if rule.kind == "experiences" else rule
        for rule in site.retention_rules()
    ]
    monkeypatch.setattr(site, "retention_rules", lambda: rules)
    kinds = [rule.kind for rule in rules]
    assert kinds.index("access_needs") < kinds.index("experiences")
    with pytest.raises(RuntimeError):
        retention_purge(now=NOW)
    # Earlier kinds were committed in their own transactions; the failing one rolled back.
    assert not AccessNeeds.objects.filter(membership=kept_data["old"]).exists()
    experience = Contribution.objects.get(pk=kept_data["experience"].pk)
    assert experience.author == kept_data["old"] and not experience.is_anonymous


def test_expired_report_files_are_deleted(world, settings, tmp_path):
    from reports.models import Report

    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    report = Report(
        organisation=world.organisation,
        project=world.project,
        kind=Report.Kind.CONTRIBUTIONS,
        file_format=Report.Format.CSV,
        request_key="k",
        status=Report.Status.DONE,
        expires_at=NOW - DAY,
    )
    report.file.save("contributions.csv", ContentFile(b"title\nCall"), save=True)
    path = tmp_path / report.file.name
    assert retention_plan(now=NOW)["reports"] == 1
    assert retention_purge(now=NOW)["reports"] == 1
    report.refresh_from_db()
    assert report.status == Report.Status.EXPIRED and not path.exists()


def test_the_command_dry_run_prints_counts_and_changes_nothing(world, kept_data):
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "dry run" in text
    assert "Access needs of closed projects: 1" in text
    assert "Experiences of closed projects, anonymised: 2" in text
    assert AccessNeeds.objects.filter(membership=kept_data["old"]).exists()


def test_the_command_purges(world, kept_data):
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("retention", stdout=out)
    assert "Purged:" in out.getvalue() and "Invitations of closed projects: 1" in out.getvalue()
    assert not AccessNeeds.objects.filter(membership=kept_data["old"]).exists()


def test_the_task_runs_the_purge(world, kept_data):
    from privacy.tasks import retention_purge_task

    with time_machine.travel(NOW, tick=False):
        counts = retention_purge_task.apply().get()
    assert counts["access_needs"] == 1
    assert not AccessNeeds.objects.filter(membership=kept_data["old"]).exists()


def test_the_beat_runs_it_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["retention-purge"]
    assert entry["task"] == "privacy.tasks.retention_purge_task"
    assert entry["schedule"].hour == {3}


def test_each_role_keeps_its_own_placeholder(world, kept_data):
    facilitator = Membership.objects.get(project=world.project, user=world.users["facilitator"])
    told = ContributionFactory(project=world.project, author=facilitator, kind="experience")
    assert retention_purge(now=NOW)["experiences"] == 3
    told.refresh_from_db()
    experience = Contribution.objects.get(pk=kept_data["experience"].pk)
    assert told.author.role == Membership.Role.FACILITATOR
    assert experience.author.role == Membership.Role.PARTICIPANT
    # A later project's experiences share the placeholder people, one membership each.
    close(world.other_project, months_before(NOW, 12) - DAY)
    assert retention_purge(now=NOW)["experiences"] == 1
    recent = Contribution.objects.get(pk=kept_data["recent_experience"].pk)
    assert recent.author.user_id == experience.author.user_id
    assert recent.author.project_id == world.other_project.pk


def test_session_replies_and_walk_ins_lose_what_identifies_people(world, projects):
    def session_with_people(project, member):
        session = WorkshopSessionFactory(project=project, status="held")
        reply = Reply.objects.create(
            session=session,
            membership=member,
            answer="not_going",
            reason="My chemotherapy is that day",
            session_needs="A quiet corner",
        )
        walk_in = WalkIn.objects.create(
            session=session, name="Jo Bloggs", email="jo@example.org", constituency="carer"
        )
        return reply, walk_in

    old = session_with_people(
        projects["old"], Membership.objects.filter(project=projects["old"])[0]
    )
    recent = session_with_people(
        projects["recent"], Membership.objects.filter(project=projects["recent"])[0]
    )
    counts = retention_purge(now=NOW)
    assert counts["session_replies"] == 1 and counts["walk_ins"] == 1
    reply, walk_in = (row.__class__.objects.get(pk=row.pk) for row in old)
    assert (reply.reason, reply.session_needs, reply.answer) == ("", "", "not_going")
    assert (walk_in.name, walk_in.email, walk_in.constituency) == ("Walk-in", "", "carer")
    reply, walk_in = (row.__class__.objects.get(pk=row.pk) for row in recent)
    assert reply.reason and walk_in.email == "jo@example.org"
    assert set(retention_purge(now=NOW).values()) == {0}


def test_organisation_admins_see_what_the_next_run_would_remove(world, client_for):
    # Every rule can tell whose rows it would remove, so the preview is whole.
    assert all(rule.organisation for rule in site.retention_rules())
    AccessNeedsFactory(membership=world.users["carer"].memberships.get(project=world.project))
    world.project.status = "closed"
    world.project.closed_at = timezone.now() - timedelta(days=500)
    world.project.save()
    preview = dict(retention_preview(organisation=world.organisation))
    assert preview["Access needs of closed projects"] == 1
    assert (
        dict(retention_preview(organisation=world.other_organisation))[
            "Access needs of closed projects"
        ]
        == 0
    )
    url = reverse("privacy:retention-preview", args=[world.organisation.pk])
    page = client_for(world.users["org_admin"]).get(url).content.decode()
    assert "Access needs of closed projects" in page
    assert client_for(world.users["manager"]).get(url).status_code == 403
