"""Follow-up checks ("has it stuck?"): reminded once when due, then recorded."""

import threading
from datetime import date, datetime, time, timedelta
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from changes.followups import services as followup_services
from changes.followups.services import follow_ups_remind
from changes.models import FollowUpCheck, ServiceChange
from changes.services import change_set_status
from changes.tasks import change_follow_ups_remind_task
from outbox.models import OutboxMessage
from participants.models import Membership
from tests.factories import MembershipFactory, ProjectFactory, ServiceChangeFactory, UserFactory

pytestmark = pytest.mark.django_db

IMPLEMENTED = date(2031, 1, 15)


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def implemented_change(project, *, owner=None, on=IMPLEMENTED, by=None):
    """A change implemented on a given day, with its three checks scheduled."""
    change = ServiceChangeFactory(project=project, owner=owner)
    with time_machine.travel(datetime.combine(on, time(12)), tick=False):
        return change_set_status(
            change=change, status="implemented", progress=None, note="", changed_by=by
        )


def remind(today, capture, **kwargs):
    with capture(execute=True):
        return follow_ups_remind(today=today, **kwargs)


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_implementing_schedules_checks_at_3_6_and_12_months(world):
    change = implemented_change(world.project, on=date(2031, 11, 30))
    assert [(c.months, c.due_on) for c in change.follow_ups.all()] == [
        (3, date(2032, 2, 29)),
        (6, date(2032, 5, 30)),
        (12, date(2032, 11, 30)),
    ]


def test_a_due_check_reminds_the_owner_and_the_facilitators_once(
    world, django_capture_on_commit_callbacks
):
    implemented_change(world.project, owner=member(world, "service_user"))
    capture = django_capture_on_commit_callbacks
    assert remind(IMPLEMENTED + timedelta(days=89), capture) == 0
    assert mail.outbox == []

    assert remind(IMPLEMENTED + timedelta(days=100), capture) == 1
    assert recipients() == ["facilitator@example.org", "service_user@example.org"]
    assert remind(IMPLEMENTED + timedelta(days=100), capture) == 0
    assert remind(IMPLEMENTED + timedelta(days=101), capture) == 0
    assert len(mail.outbox) == 2
    check = FollowUpCheck.objects.get(months=3)
    assert check.reminded_at is not None
    assert FollowUpCheck.objects.filter(reminded_at__isnull=False).count() == 1

    body = mail.outbox[0].body
    assert "3-month check" in body
    assert (
        settings.CODESIGN_SITE_URL
        + reverse("changes:follow-up-record", args=[world.project.pk, check.pk])
    ) in body

    # A year on, the two later checks are due together: one email each per check.
    mail.outbox.clear()
    assert remind(IMPLEMENTED + timedelta(days=400), capture) == 2
    assert len(mail.outbox) == 4


def test_no_reminder_for_a_check_with_an_outcome_or_a_change_moved_back(
    world, django_capture_on_commit_callbacks
):
    recorded = implemented_change(world.project)
    FollowUpCheck.objects.filter(change=recorded).update(outcome="stuck")
    moved_back = implemented_change(world.project)
    ServiceChange.objects.filter(pk=moved_back.pk).update(status="in_progress")
    assert remind(IMPLEMENTED + timedelta(days=400), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_owners_without_email_or_no_longer_taking_part_are_left_out(
    world, django_capture_on_commit_callbacks
):
    no_email = MembershipFactory(project=world.project, user=UserFactory(email=None))
    withdrawn = MembershipFactory(project=world.project, status=Membership.Status.WITHDRAWN)
    facilitator = member(world, "facilitator")
    for owner in (no_email, withdrawn, facilitator):
        implemented_change(world.project, owner=owner)
    assert remind(IMPLEMENTED + timedelta(days=100), django_capture_on_commit_callbacks) == 3
    # Only the facilitator, once per check (owning one of them too).
    assert recipients() == ["facilitator@example.org"] * 3


def test_the_claim_and_the_emails_are_committed_together(world, django_capture_on_commit_callbacks):
    implemented_change(world.project)
    with (
        django_capture_on_commit_callbacks() as callbacks,
        mock.patch.object(
            followup_services, "outbox_email_many", side_effect=RuntimeError("disk full")
        ),
        pytest.raises(RuntimeError),
    ):
        follow_ups_remind(today=IMPLEMENTED + timedelta(days=100))
    assert not callbacks
    assert not FollowUpCheck.objects.filter(reminded_at__isnull=False).exists()
    assert remind(IMPLEMENTED + timedelta(days=100), django_capture_on_commit_callbacks) == 1


def test_a_check_another_run_claimed_first_is_left_to_it(world, django_capture_on_commit_callbacks):
    implemented_change(world.project)
    due = followup_services._due

    def picked_then_claimed_elsewhere(*args, **kwargs):
        checks = due(*args, **kwargs)
        FollowUpCheck.objects.filter(pk__in=[c.pk for c in checks]).update(
            reminded_at=timezone.now() - timedelta(seconds=1)
        )
        return checks

    with mock.patch.object(followup_services, "_due", picked_then_claimed_elsewhere):
        assert remind(IMPLEMENTED + timedelta(days=100), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert not OutboxMessage.objects.exists()


def test_the_task_runs_the_service_and_a_second_run_sends_nothing(
    world, django_capture_on_commit_callbacks
):
    implemented_change(world.project, on=timezone.localdate() - timedelta(days=100))
    with django_capture_on_commit_callbacks(execute=True):
        assert change_follow_ups_remind_task.delay().get() == 1
        assert change_follow_ups_remind_task.delay().get() == 0
    assert recipients() == ["facilitator@example.org"]


def test_the_beat_runs_it_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["change-follow-ups"]
    assert entry["task"] == change_follow_ups_remind_task.name
    assert entry["schedule"].hour == {8} and entry["schedule"].day_of_week == set(range(7))


def test_the_number_of_queries_does_not_grow_with_the_number_of_checks(
    world, django_capture_on_commit_callbacks
):
    def queries_to_remind(changes, on):
        for _ in range(changes):
            project = ProjectFactory(organisation=world.organisation)
            MembershipFactory(project=project, role=Membership.Role.FACILITATOR)
            implemented_change(project, owner=MembershipFactory(project=project), on=on)
        with (
            django_capture_on_commit_callbacks(),
            CaptureQueriesContext(connection) as queries,
        ):
            assert follow_ups_remind(today=on + timedelta(days=100)) == changes
        FollowUpCheck.objects.update(outcome=FollowUpCheck.Outcome.STUCK)
        # SQLite splits one bulk insert every 999 parameters (Django's bulk_batch_size): the
        # outbox's insert of 40 emails is two statements there, one on PostgreSQL.
        return len(
            [
                query
                for query in queries.captured_queries
                if connection.vendor == "postgresql" or not query["sql"].startswith("INSERT")
            ]
        )

    assert queries_to_remind(2, IMPLEMENTED) == queries_to_remind(20, IMPLEMENTED)


def test_small_batches_remind_every_check_once(world, django_capture_on_commit_callbacks):
    for _ in range(7):
        implemented_change(world.project)
    capture = django_capture_on_commit_callbacks
    assert remind(IMPLEMENTED + timedelta(days=100), capture, batch_size=3) == 7
    assert remind(IMPLEMENTED + timedelta(days=100), capture, batch_size=3) == 0
    assert len(mail.outbox) == 7


def test_owner_records_the_outcome_on_the_timeline(world, client):
    change = implemented_change(world.project, owner=member(world, "staff"))
    check = change.follow_ups.get(months=3)
    url = reverse("changes:follow-up-record", args=[world.project.pk, check.pk])
    client.force_login(world.users["carer"])
    assert client.get(url).status_code == 403
    client.force_login(world.users["staff"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"outcome": "partly", "note": "Day shifts only."})
    assert response.status_code == 302
    check.refresh_from_db()
    assert (check.outcome, check.outcome_note, check.recorded_by) == (
        "partly",
        "Day shifts only.",
        world.users["staff"],
    )
    html = client.get(change.get_absolute_url()).content.decode()
    assert "3-month check: Partly. Day shifts only." in html


def test_a_recorded_check_is_not_reminded(world, client, django_capture_on_commit_callbacks):
    change = implemented_change(world.project)
    check = change.follow_ups.get(months=3)
    client.force_login(world.users["facilitator"])
    client.post(
        reverse("changes:follow-up-record", args=[world.project.pk, check.pk]),
        {"outcome": "stuck"},
    )
    assert remind(IMPLEMENTED + timedelta(days=100), django_capture_on_commit_callbacks) == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_remind_each_check_once(world, on_postgres):
    for _ in range(5):
        implemented_change(world.project, owner=member(world, "staff"))
    both_picked = threading.Barrier(2, timeout=10)
    picked = threading.local()
    due = followup_services._due

    def pick_then_wait(*args, **kwargs):
        checks = due(*args, **kwargs)
        if not getattr(picked, "once", False):
            picked.once = True
            both_picked.wait()
        return checks

    claimed, errors = [], []

    def run():
        try:
            claimed.append(follow_ups_remind(today=IMPLEMENTED + timedelta(days=100)))
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    with mock.patch.object(followup_services, "_due", pick_then_wait):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors
    assert sorted(claimed) == [0, 5]
    assert OutboxMessage.objects.filter(dedupe_key__startswith="follow-up:").count() == 10
