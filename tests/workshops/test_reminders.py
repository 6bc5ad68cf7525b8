"""Reminders before a session: at each offset, once per person, only to those coming."""

import email
import re
import threading
from datetime import UTC, datetime, timedelta
from email import policy
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from outbox.models import OutboxMessage
from outbox.services import outbox_deliver, outbox_sweep
from participants.models import Membership
from sessions.models import AgendaItem, Reminder, WorkshopSession
from sessions.reminders import services as reminder_services
from sessions.reminders.selectors import reminders_for_session
from sessions.reminders.services import session_reminders_send
from sessions.tasks import session_reminders_send_task
from tests.factories import MembershipFactory, ReplyFactory, UserFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db

STARTS = datetime(2031, 3, 12, 10, 0, tzinfo=UTC)


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def a_session(world, starts_at=STARTS, **fields):
    fields.setdefault("title", "Going home: joint event")
    session = WorkshopSessionFactory(
        project=world.project,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        **fields,
    )
    AgendaItem.objects.create(session=session, order=1, title="Walk through the discharge letter")
    return session


def reply(session, membership, answer="going"):
    return ReplyFactory(session=session, membership=membership, answer=answer)


def send(*, at, capture, **kwargs):
    """Run the reminder service at a moment, delivering what it writes once it commits."""
    with time_machine.travel(at, tick=False), capture(execute=True):
        return session_reminders_send(**kwargs)


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_reminders_go_at_48_and_2_hours_before_exactly_once_each(
    world, django_capture_on_commit_callbacks
):
    session = a_session(world)
    reply(session, member(world, "service_user"), "going")
    reply(session, member(world, "carer"), "maybe")
    capture = django_capture_on_commit_callbacks
    expected = ["carer@example.org", "service_user@example.org"]

    assert send(at=STARTS - timedelta(hours=48, minutes=1), capture=capture) == 0
    assert mail.outbox == []

    assert send(at=STARTS - timedelta(hours=48), capture=capture) == 2
    assert recipients() == expected
    assert send(at=STARTS - timedelta(hours=47), capture=capture) == 0
    assert send(at=STARTS - timedelta(hours=2, minutes=1), capture=capture) == 0
    assert len(mail.outbox) == 2

    assert send(at=STARTS - timedelta(hours=1, minutes=55), capture=capture) == 2
    assert send(at=STARTS - timedelta(minutes=5), capture=capture) == 0
    assert send(at=STARTS + timedelta(minutes=5), capture=capture) == 0

    assert recipients() == sorted(expected * 2)
    assert "Reminder: Going home: joint event" in mail.outbox[0].subject
    reminders = Reminder.objects.filter(session=session)
    assert sorted(reminders.values_list("offset_hours", flat=True)) == [2, 2, 48, 48]
    assert {r.message.status for r in reminders} == {OutboxMessage.Status.SENT}
    assert {r.message.dedupe_key for r in reminders} == {
        f"reminder:{session.pk}:{member(world, role).pk}:{offset}"
        for role in ("service_user", "carer")
        for offset in (48, 2)
    }


def test_the_task_runs_the_service_and_a_second_run_sends_nothing(
    world, django_capture_on_commit_callbacks
):
    session = a_session(world, reminder_offsets=[2])
    reply(session, member(world, "staff"))
    with (
        time_machine.travel(STARTS - timedelta(hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert session_reminders_send_task.delay().get() == 1
        assert session_reminders_send_task.delay().get() == 0
    assert recipients() == ["staff@example.org"]


def test_a_late_reminder_is_sent_until_the_start_but_a_superseded_offset_is_not(
    world, django_capture_on_commit_callbacks
):
    """Beat was down from before the 48-hour moment until after the 2-hour one."""
    session = a_session(world)
    reply(session, member(world, "service_user"))
    assert send(at=STARTS - timedelta(minutes=30), capture=django_capture_on_commit_callbacks) == 1
    assert list(Reminder.objects.values_list("offset_hours", flat=True)) == [2]
    assert send(at=STARTS - timedelta(minutes=25), capture=django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1


def test_never_to_people_not_coming_withdrawn_out_of_audience_or_without_email(
    world, django_capture_on_commit_callbacks
):
    session = a_session(world, audience=WorkshopSession.Audience.SERVICE_USERS)
    reply(session, member(world, "service_user"), "going")
    reply(session, member(world, "carer"), "not_going")
    reply(session, member(world, "facilitator"), "maybe")
    waiting = MembershipFactory(project=world.project, user=UserFactory(email="wait@example.org"))
    reply(session, waiting, "waitlist")
    withdrawn = MembershipFactory(
        project=world.project,
        user=UserFactory(email="gone@example.org"),
        status=Membership.Status.WITHDRAWN,
    )
    reply(session, withdrawn, "going")
    no_email = MembershipFactory(project=world.project, user=UserFactory(email=None))
    reply(session, no_email, "going")
    # Staff are not in a service users' session's audience (it changed after they replied).
    reply(session, member(world, "staff"), "going")
    reply(session, member(world, "observer"), "going")

    assert send(at=STARTS - timedelta(hours=1), capture=django_capture_on_commit_callbacks) == 2
    assert recipients() == ["facilitator@example.org", "service_user@example.org"]


def test_never_for_a_cancelled_or_started_session(world, django_capture_on_commit_callbacks):
    cancelled = a_session(world, status=WorkshopSession.Status.CANCELLED)
    started = a_session(world, status=WorkshopSession.Status.IN_PROGRESS)
    for session in (cancelled, started):
        reply(session, member(world, "service_user"))
    assert send(at=STARTS - timedelta(hours=1), capture=django_capture_on_commit_callbacks) == 0
    assert not Reminder.objects.exists()
    assert mail.outbox == []


def test_the_claim_and_the_email_are_committed_together_before_any_sending(
    world, django_capture_on_commit_callbacks
):
    session = a_session(world, reminder_offsets=[2])
    reply(session, member(world, "service_user"))
    moment = STARTS - timedelta(hours=1)

    with (
        time_machine.travel(moment, tick=False),
        mock.patch.object(OutboxMessage.objects, "bulk_create", side_effect=RuntimeError("down")),
        pytest.raises(RuntimeError),
    ):
        session_reminders_send()
    assert not Reminder.objects.exists()  # no claim without its email

    with (
        time_machine.travel(moment, tick=False),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        assert session_reminders_send() == 1
    reminder = Reminder.objects.select_related("message").get()
    assert reminder.message.status == OutboxMessage.Status.PENDING
    assert reminder.message.to == "service_user@example.org"
    assert mail.outbox == []  # nothing is sent until the transaction commits
    with time_machine.travel(moment, tick=False):
        for callback in callbacks:
            callback()
    assert recipients() == ["service_user@example.org"]


def test_a_failed_send_is_retried_by_the_outbox_not_written_again(
    world, settings, django_capture_on_commit_callbacks
):
    session = a_session(world, reminder_offsets=[2])
    reply(session, member(world, "service_user"))
    moment = STARTS - timedelta(hours=1)
    with mock.patch("outbox.services._send_email", side_effect=OSError("refused")):
        assert send(at=moment, capture=django_capture_on_commit_callbacks) == 1
    (row,) = reminders_for_session(session)
    assert row.status == "pending"
    assert send(at=moment + timedelta(minutes=5), capture=django_capture_on_commit_callbacks) == 0
    assert OutboxMessage.objects.count() == 1

    later = moment + timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert outbox_sweep()["sent"] == 1
    assert recipients() == ["service_user@example.org"]
    (row,) = reminders_for_session(session)
    assert row.status == "sent"


def test_a_send_that_fails_for_good_is_shown_as_failed(
    world, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    session = a_session(world, reminder_offsets=[2])
    reply(session, member(world, "service_user"))
    with mock.patch("outbox.services._send_email", side_effect=OSError("refused")):
        send(at=STARTS - timedelta(hours=1), capture=django_capture_on_commit_callbacks)
    (row,) = reminders_for_session(session)
    assert (row.status, row.is_problem, str(row.status_label)) == ("failed", True, "Failed")


def test_a_claim_left_by_a_crashed_worker_is_shown_unconfirmed_and_never_resent(
    world, settings, django_capture_on_commit_callbacks
):
    session = a_session(world, reminder_offsets=[2])
    reply(session, member(world, "service_user"))
    moment = STARTS - timedelta(hours=1)
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks():
        assert session_reminders_send() == 1  # written, and the worker claims it...
    message = OutboxMessage.objects.get()
    # ...then dies while sending: the claim never reports back.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENDING, claimed_at=moment, attempts=1
    )
    later = moment + timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert outbox_sweep()["unconfirmed"] == 1
        assert send(at=later, capture=django_capture_on_commit_callbacks) == 0
        assert outbox_sweep() == {"due": 0, "sent": 0, "unconfirmed": 0}
    assert outbox_deliver(message_id=message.pk).status == "skipped"
    assert mail.outbox == []
    assert OutboxMessage.objects.count() == 1
    (row,) = reminders_for_session(session)
    assert (row.name, row.offset_hours, row.status) == ("Service User", 2, "unconfirmed")


def test_the_facilitator_sees_who_was_reminded_and_any_problems(
    world, django_capture_on_commit_callbacks
):
    session = a_session(world)
    assert "No reminders sent yet." in render_to_string(
        "workshops/partials/reminders.html", {"reminders": reminders_for_session(session)}
    )
    reply(session, member(world, "service_user"))
    reply(session, member(world, "carer"))
    send(at=STARTS - timedelta(hours=3), capture=django_capture_on_commit_callbacks)
    carer_message = Reminder.objects.get(membership=member(world, "carer")).message
    OutboxMessage.objects.filter(pk=carer_message.pk).update(
        status=OutboxMessage.Status.UNCONFIRMED
    )

    rows = reminders_for_session(session)
    assert [(r.name, r.offset_hours, r.status) for r in rows] == [
        ("Carer", 48, "unconfirmed"),
        ("Service User", 48, "sent"),
    ]
    html = render_to_string("workshops/partials/reminders.html", {"reminders": rows})
    assert "<caption" in html
    assert "Not confirmed" in html and "text-bg-danger" in html
    assert "48 hours before" in html
    assert "No reminders sent yet." not in html


def test_the_number_of_queries_does_not_grow_with_the_number_of_people(
    world, django_capture_on_commit_callbacks
):
    def queries_to_remind(people, starts_at):
        session = a_session(world, starts_at=starts_at, reminder_offsets=[2])
        for _ in range(people):
            reply(session, MembershipFactory(project=world.project))
        with (
            time_machine.travel(starts_at - timedelta(hours=1), tick=False),
            django_capture_on_commit_callbacks(),
            CaptureQueriesContext(connection) as queries,
        ):
            assert session_reminders_send() == people
        return len(queries.captured_queries)

    assert queries_to_remind(2, STARTS) == queries_to_remind(30, STARTS + timedelta(days=7))


def test_small_batches_remind_everyone_once(world, django_capture_on_commit_callbacks):
    session = a_session(world, reminder_offsets=[2])
    for _ in range(12):
        reply(session, MembershipFactory(project=world.project))
    moment = STARTS - timedelta(hours=1)
    assert send(at=moment, capture=django_capture_on_commit_callbacks, batch_size=5) == 12
    assert send(at=moment, capture=django_capture_on_commit_callbacks, batch_size=5) == 0
    assert len(mail.outbox) == 12
    assert len(set(recipients())) == 12


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_remind_each_person_once(world, on_postgres):
    session = a_session(world, reminder_offsets=[2])
    people = [MembershipFactory(project=world.project) for _ in range(10)]
    for person in people:
        reply(session, person)
    # Both runs pick the same people before either claims them.
    both_picked = threading.Barrier(2, timeout=10)
    picked = threading.local()
    pick = reminder_services._unclaimed_replies

    def pick_then_wait(*args, **kwargs):
        replies = pick(*args, **kwargs)
        if not getattr(picked, "once", False):
            picked.once = True
            both_picked.wait()
        return replies

    written, errors = [], []

    def run():
        try:
            written.append(session_reminders_send(now=STARTS - timedelta(hours=1)))
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    with mock.patch.object(reminder_services, "_unclaimed_replies", pick_then_wait):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors
    assert sorted(written) == [0, 10]
    assert Reminder.objects.count() == 10
    assert OutboxMessage.objects.filter(dedupe_key__startswith="reminder:").count() == 10


def test_a_reminder_through_a_real_smtp_server_carries_the_session_and_its_own_invitation(
    world, smtp_settings, django_capture_on_commit_callbacks
):
    session = a_session(world, reminder_offsets=[2], online_link="https://meet.example.org/ward7")
    for role in ("service_user", "carer", "staff", "facilitator"):
        reply(session, member(world, role))
    recipient = "service_user@example.org"
    assert send(at=STARTS - timedelta(hours=1), capture=django_capture_on_commit_callbacks) == 4
    assert len(smtp_settings.to(recipient)) == 1
    raw = smtp_settings.to(recipient)[0].content
    message = email.message_from_bytes(raw, policy=policy.default)

    assert message["To"] == recipient
    assert message["Subject"].startswith("Reminder: Going home: joint event")
    text = message.get_body(("plain",)).get_content()
    assert "Walk through the discharge letter" in text
    assert "Seminar room 2, Riverside Hospital" in text
    assert "https://meet.example.org/ward7" in text

    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(part.get_content())
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert event["UID"] == f"{session.uid}@codesign"
    attendees = event.get("ATTENDEE")
    assert not isinstance(attendees, list)
    assert str(attendees).lower() == f"mailto:{recipient}"

    # Nobody else's address anywhere in the message, decoded (the sender and Message-ID are ours).
    decoded = raw.decode() + "".join(
        str(part.items()) + str(part.get_content())
        for part in message.walk()
        if not part.is_multipart()
    )
    addresses = set(re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", decoded))
    assert {a for a in addresses if not a.endswith("@codesign.localhost")} == {recipient}
    for other in ("carer", "staff", "facilitator"):
        assert world.users[other].email not in decoded


def test_the_reminders_read_in_one_query_are_the_orms_with_their_times(
    world, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session = a_session(world)
    reply(session, member(world, "service_user"))
    reply(session, member(world, "carer"))
    send(at=STARTS - timedelta(hours=3), capture=django_capture_on_commit_callbacks)
    gone = Reminder.objects.get(membership=member(world, "carer"))
    OutboxMessage.objects.filter(pk=gone.message_id).delete()  # its record expired
    with CaptureQueriesContext(connection) as queries:
        rows = reminders_for_session(session)
    assert len(queries.captured_queries) == 1
    expected = Reminder.objects.filter(session=session).select_related("membership", "message")
    by_name = {r.membership.display_name: r for r in expected}
    for row in rows:
        reminder = by_name[row.name]
        assert row.claimed_at == reminder.claimed_at and row.claimed_at.tzinfo is not None
        assert row.sent_at == (reminder.message.sent_at if reminder.message else None)
    assert {(r.name, r.status) for r in rows} == {
        ("Carer", "unconfirmed"),
        ("Service User", "sent"),
    }
    assert rows[-1].sent_at is not None and rows[-1].sent_at.tzinfo is not None
