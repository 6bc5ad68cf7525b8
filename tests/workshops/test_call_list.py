"""The call list: people told by a facilitator (a phone call, in person only, or a message that
failed) go on it when a session is scheduled, changed or cancelled and before each reminder;
ticking "told" records who and when, in the audit log."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from participants.models import AccessNeeds, Channel, Consent, Constituency
from participants.services import membership_withdraw, participant_add_managed
from sessions.calls.models import CallListEntry
from sessions.calls.selectors import call_list_for, next_session_not_told
from sessions.calls.services import add_to_call_list, message_failed
from sessions.reminders.services import session_reminders_send
from sessions.services import session_cancel, session_reply, session_schedule, session_update
from tests.factories import ReplyFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db

Reason = CallListEntry.Reason


def managed(world, name, **contact):
    return participant_add_managed(
        project=world.project,
        full_name=f"{name} Brooks",
        display_name=name,
        constituency=Constituency.SERVICE_USER,
        contact=contact,
        consent_method=Consent.Method.PAPER,
        added_by=world.users["facilitator"],
    )


@pytest.fixture
def people(world):
    """Edna is phoned, Ray told in person, Mo texted; the world's members have email."""
    edna = managed(world, "Edna", channel=Channel.PHONE_CALL, phone="0113 496 0000")
    AccessNeeds.objects.create(membership=edna, hearing_loop=True)
    ray = managed(world, "Ray", channel=Channel.IN_PERSON)
    mo = managed(world, "Mo", channel=Channel.TEXT, mobile="07400 123456")
    return SimpleNamespace(edna=edna, ray=ray, mo=mo)


def on_list(session):
    return sorted(
        (entry.membership.display_name, entry.reason)
        for entry in CallListEntry.objects.filter(session=session).select_related("membership")
    )


def schedule(world, **fields):
    starts = timezone.now() + timedelta(days=10)
    return session_schedule(
        project=world.project,
        created_by=world.users["facilitator"],
        title="Going home: joint event",
        kind="joint_event",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Seminar room 2",
        audience="everyone",
        **fields,
    )


def test_scheduling_changing_and_cancelling_put_people_told_by_hand_on_the_list(world, people):
    session = schedule(world)
    assert on_list(session) == [("Edna", Reason.SCHEDULED), ("Ray", Reason.SCHEDULED)]
    session_update(session=session, place="Seminar room 3")
    session_update(session=session, place="Seminar room 3")  # nothing changed: nobody added
    session_update(session=session, place="The library")
    assert on_list(session).count(("Edna", Reason.CHANGED)) == 2
    ReplyFactory(session=session, membership=people.ray, answer="not_going")
    session_cancel(session=session, reason="The room flooded")
    assert ("Edna", Reason.CANCELLED) in on_list(session)
    # Ray said he is not coming: a cancellation is not his news.
    assert ("Ray", Reason.CANCELLED) not in on_list(session)
    assert not CallListEntry.objects.filter(membership=people.mo).exists()


def test_a_place_that_comes_free_for_someone_phoned_puts_them_on_the_list(world, people):
    session = schedule(world, capacity=1)
    facilitator = world.users["facilitator"]
    for membership, answer in ((people.mo, "going"), (people.edna, "going"), (people.ray, "going")):
        session_reply(session=session, membership=membership, answer=answer, replied_by=facilitator)
    before = on_list(session)
    # Mo drops out: Edna, first on the waiting list, is going now and must be told by phone.
    session_reply(session=session, membership=people.mo, answer="not_going", replied_by=facilitator)
    assert sorted(set(on_list(session)) - set(before)) == [("Edna", Reason.PLACE_FREED)]
    # Edna drops out too, so Ray's place frees up; Edna comes back to the queue and is moved up
    # again later: each place that frees is its own call.
    session_reply(
        session=session, membership=people.edna, answer="not_going", replied_by=facilitator
    )
    session_reply(session=session, membership=people.edna, answer="going", replied_by=facilitator)
    session_reply(
        session=session, membership=people.ray, answer="not_going", replied_by=facilitator
    )
    assert on_list(session).count(("Ray", Reason.PLACE_FREED)) == 1
    assert on_list(session).count(("Edna", Reason.PLACE_FREED)) == 2


def test_someone_without_email_or_preferences_is_phoned(world):
    quiet = managed(world, "Quiet", channel=Channel.IN_PERSON)
    quiet.user.contact_preferences.delete()
    session = schedule(world)
    assert on_list(session) == [("Quiet", Reason.SCHEDULED)]


def test_before_each_reminder_once(world, people):
    session = WorkshopSessionFactory(project=world.project)
    for membership in (people.edna, people.ray, people.mo):
        ReplyFactory(session=session, membership=membership, answer="going")
    with time_machine.travel(session.starts_at - timedelta(hours=47), tick=False):
        session_reminders_send()
        session_reminders_send()  # a second beat adds nobody twice
    assert on_list(session) == [("Edna", Reason.REMINDER), ("Ray", Reason.REMINDER)]
    with time_machine.travel(session.starts_at - timedelta(hours=1), tick=False):
        session_reminders_send()
    occasions = CallListEntry.objects.filter(membership=people.edna).values_list(
        "occasion", flat=True
    )
    assert sorted(occasions) == ["reminder:2", "reminder:48"]


def test_a_message_that_failed_for_good_puts_anyone_on_the_list(world, people):
    session = WorkshopSessionFactory(project=world.project)
    failed = SimpleNamespace(pk=41, payload={"session": session.pk, "membership": people.mo.pk})
    message_failed(failed)
    message_failed(failed)
    message_failed(SimpleNamespace(pk=42, payload={}))
    assert on_list(session) == [("Mo", Reason.MESSAGE_FAILED)]
    carer = world.users["carer"]
    assert add_to_call_list(session=session, person=carer, reason=Reason.MESSAGE_FAILED)
    assert not add_to_call_list(
        session=session, person=world.users["outsider"], reason=Reason.MESSAGE_FAILED
    )
    assert ("Carer", Reason.MESSAGE_FAILED) in on_list(session)


def list_url(world, session):
    return reverse("calls:call-list", args=[world.project.pk, session.pk])


def told_url(world, session, membership):
    return reverse("calls:call-told", args=[world.project.pk, session.pk, membership.pk])


def test_the_facilitator_ticks_told_and_the_audit_log_has_it(world, people, client):
    session = schedule(world)
    session_cancel(session=session, reason="The room flooded")
    client.force_login(world.users["facilitator"])
    page = client.get(list_url(world, session))
    html = page.content.decode()
    assert "Edna" in html and "0113 496 0000" in html and "hearing loop" in html
    assert "The session is cancelled" in html
    assert "2 people not yet told." in html
    response = client.post(told_url(world, session, people.edna))
    assert response.status_code == 302
    entries = CallListEntry.objects.filter(membership=people.edna)
    assert {(e.told_by, e.told_at is not None) for e in entries} == {
        (world.users["facilitator"], True)
    }
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CALL_TOLD)
    assert entry.actor == world.users["facilitator"]
    assert entry.details == {"session": session.pk, "reasons": ["cancelled", "scheduled"]}
    client.post(told_url(world, session, people.edna))  # told already: nothing more
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CALL_TOLD).count() == 1
    html = client.get(list_url(world, session)).content.decode()
    assert "1 person not yet told." in html and "Told by" in html


def test_a_refused_tick_changes_nothing(world, people, client):
    session = schedule(world)
    client.force_login(world.users["service_user"])
    assert client.post(told_url(world, session, people.edna)).status_code == 403
    client.force_login(world.users["outsider"])
    assert client.post(told_url(world, session, people.edna)).status_code == 404
    assert not CallListEntry.objects.filter(told_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CALL_TOLD).exists()


def test_the_project_page_counts_who_is_not_yet_told_about_the_next_session(world, people, client):
    later = schedule(world)
    later.starts_at += timedelta(days=20)
    later.ends_at += timedelta(days=20)
    later.save()
    soon = schedule(world)
    assert next_session_not_told(world.project) == (soon, 2)
    client.force_login(world.users["facilitator"])
    html = client.get(world.project.get_absolute_url()).content.decode()
    assert "2 people are not yet told about the next session" in html
    client.post(told_url(world, soon, people.edna))
    client.post(told_url(world, soon, people.ray))
    assert next_session_not_told(world.project) == (soon, 0)
    html = client.get(world.project.get_absolute_url()).content.decode()
    assert "not yet told" not in html
    client.force_login(world.users["service_user"])
    assert "not yet told" not in client.get(world.project.get_absolute_url()).content.decode()


def test_leaving_the_project_takes_a_person_off_the_list(world, people):
    session = schedule(world)
    membership_withdraw(membership=people.edna, withdrawn_by=world.users["facilitator"])
    assert on_list(session) == [("Ray", Reason.SCHEDULED)]


def test_the_call_list_costs_the_same_queries_for_2_and_30_people(world, client, count_queries):
    session = WorkshopSessionFactory(project=world.project)

    def add(count, start):
        for number in range(start, start + count):
            membership = managed(
                world, f"Person {number}", channel=Channel.PHONE_CALL, phone="0113 496 0000"
            )
            AccessNeeds.objects.create(membership=membership, large_print=True)
            add_to_call_list(session=session, person=membership.user, reason=Reason.CANCELLED)

    client.force_login(world.users["facilitator"])

    def page():
        return client.get(list_url(world, session))

    add(2, 0)
    few = count_queries(page)
    add(28, 2)
    assert count_queries(page) == few
    assert page().content.decode().count("0113 496 0000") == 30
    assert len(call_list_for(session)) == 30
