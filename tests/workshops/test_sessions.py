import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from participants.models import AccessNeeds, Membership
from sessions import selectors
from sessions.models import Reply, WorkshopSession
from sessions.services import session_cancel, session_reply, session_update
from tests.conftest import at_once
from tests.factories import MembershipFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def ics_of(message):
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    return Calendar.from_ical(attachment[1])


def schedule(world, client, **overrides):
    client.force_login(world.users["facilitator"])
    data = {
        "title": "Joint co-design event",
        "kind": "joint_event",
        "starts_at": "2027-01-12T10:00",
        "ends_at": "2027-01-12T13:00",
        "place": "Seminar room 2",
        "online_link": "",
        "capacity": "",
        "audience": "everyone",
        "notes_before": "",
        "reminder_offsets": "48, 2",
        "agenda-TOTAL_FORMS": "2",
        "agenda-INITIAL_FORMS": "0",
        "agenda-MIN_NUM_FORMS": "0",
        "agenda-MAX_NUM_FORMS": "1000",
        "agenda-0-order": "1",
        "agenda-0-starts_at": "10:00",
        "agenda-0-title": "Welcome and ground rules",
        "agenda-1-order": "2",
        "agenda-1-starts_at": "10:30",
        "agenda-1-title": "Touchpoints from the film",
        **overrides,
    }
    return client.post(reverse("workshops:session-create", args=[world.project.pk]), data)


def test_scheduling_invites_the_audience_each_with_their_own_calendar_invitation(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = schedule(world, client)
    session = WorkshopSession.objects.get()
    assert response.url == session.get_absolute_url()
    # Typed in the organisation's time zone (London, GMT in January).
    assert session.starts_at.isoformat() == "2027-01-12T10:00:00+00:00"
    assert [item.title for item in session.agenda.all()] == [
        "Welcome and ground rules",
        "Touchpoints from the film",
    ]
    recipients = sorted(m.to[0] for m in mail.outbox)
    # Participants and facilitators; observers are not invited.
    assert recipients == sorted(
        f"{r}@example.org" for r in ("service_user", "carer", "staff", "facilitator")
    )
    for message in mail.outbox:
        calendar = ics_of(message)
        assert calendar["method"] == "REQUEST"
        (event,) = calendar.walk("VEVENT")
        assert str(event["uid"]) == f"{session.uid}@codesign"
        attendees = event.get("attendee")
        attendees = attendees if isinstance(attendees, list) else [attendees]
        assert [str(a) for a in attendees] == [f"mailto:{message.to[0]}"]
        others = set(recipients) - {message.to[0]}
        assert not any(
            other in message.body or other in str(calendar.to_ical()) for other in others
        )
        assert "Welcome and ground rules" in message.body


def test_times_are_shown_in_the_organisations_time_zone(world, client):
    world.organisation.time_zone = "America/New_York"
    world.organisation.save()
    session = WorkshopSessionFactory(
        project=world.project,
        starts_at=datetime(2027, 1, 12, 15, 0, tzinfo=UTC),
        ends_at=datetime(2027, 1, 12, 17, 0, tzinfo=UTC),
    )
    client.force_login(world.users["carer"])
    html = client.get(session.get_absolute_url()).content.decode()
    assert "Tuesday 12 January 2027, 10:00" in html
    assert "America/New_York" in html


def test_form_errors_show_next_to_fields(world, client):
    response = schedule(world, client, ends_at="2027-01-12T09:00", place="", reminder_offsets="x")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "ends_at" in errors and "place" in errors and "reminder_offsets" in errors
    html = response.content.decode()
    assert "The end must be after the start." in html
    assert not WorkshopSession.objects.exists()


def test_rescheduling_raises_the_sequence_and_tells_those_affected(
    world, django_capture_on_commit_callbacks
):
    session = WorkshopSessionFactory(project=world.project)
    session_reply(
        session=session,
        membership=member(world, "carer"),
        answer="going",
        replied_by=world.users["carer"],
    )
    session_reply(
        session=session,
        membership=member(world, "staff"),
        answer="not_going",
        replied_by=world.users["staff"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        session_update(session=session, title="New title")
    assert mail.outbox == []  # no change of time or place: nobody is told
    with django_capture_on_commit_callbacks(execute=True):
        session_update(
            session=session,
            starts_at=session.starts_at + timedelta(hours=1),
            ends_at=session.ends_at + timedelta(hours=1),
        )
    session.refresh_from_db()
    assert session.sequence == 1
    told = {m.to[0] for m in mail.outbox}
    assert "carer@example.org" in told and "staff@example.org" not in told
    (event,) = ics_of(mail.outbox[0]).walk("VEVENT")
    assert event["sequence"] == 1


def test_cancelling_sends_a_calendar_cancel(world, django_capture_on_commit_callbacks):
    session = WorkshopSessionFactory(project=world.project)
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=session, reason="The room flooded")
    session.refresh_from_db()
    assert session.status == "cancelled"
    calendar = ics_of(mail.outbox[0])
    assert calendar["method"] == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert event["status"] == "CANCELLED" and event["sequence"] == 1
    assert "The room flooded" in mail.outbox[0].body


def test_audiences_keep_separate_events_separate(world, client):
    staff_event = WorkshopSessionFactory(project=world.project, audience="staff")
    client.force_login(world.users["service_user"])
    assert client.get(staff_event.get_absolute_url()).status_code == 404
    listing = client.get(reverse("workshops:session-list", args=[world.project.pk]))
    assert staff_event.title not in listing.content.decode()
    with pytest.raises(Exception, match="different group"):
        session_reply(
            session=staff_event,
            membership=member(world, "service_user"),
            answer="going",
            replied_by=world.users["service_user"],
        )
    client.force_login(world.users["staff"])
    assert client.get(staff_event.get_absolute_url()).status_code == 200


def test_reply_past_capacity_joins_the_waiting_list_and_is_moved_up_when_a_place_frees(
    world, django_capture_on_commit_callbacks
):
    session = WorkshopSessionFactory(project=world.project, capacity=1)
    carer, su = member(world, "carer"), member(world, "service_user")
    first = session_reply(session=session, membership=carer, answer="going", replied_by=None)
    second = session_reply(session=session, membership=su, answer="going", replied_by=None)
    assert (first.answer, second.answer) == ("going", "waitlist")
    # Saying going again keeps the place in the queue.
    assert (
        session_reply(session=session, membership=su, answer="going", replied_by=None).answer
        == "waitlist"
    )
    with django_capture_on_commit_callbacks(execute=True):
        session_reply(session=session, membership=carer, answer="not_going", replied_by=None)
    second.refresh_from_db()
    assert second.answer == "going"
    assert [m.to for m in mail.outbox] == [["service_user@example.org"]]
    assert "A place is yours" in mail.outbox[0].subject


def test_participant_replies_from_the_session_page(world, client):
    session = WorkshopSessionFactory(project=world.project, capacity=5)
    client.force_login(world.users["carer"])
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Are you coming?" in page
    url = reverse("workshops:session-reply", args=[world.project.pk, session.pk])
    assert client.post(url, {}).status_code == 200  # answer missing: error, nothing saved
    assert not Reply.objects.exists()
    response = client.post(url, {"answer": "going", "session_needs": "A quiet room to rest"})
    assert response.url == session.get_absolute_url()
    reply = Reply.objects.get()
    assert (reply.answer, reply.session_needs) == ("going", "A quiet room to rest")
    # Observers see everyone's sessions but do not reply.
    client.force_login(world.users["observer"])
    assert client.get(session.get_absolute_url()).status_code == 200
    assert client.post(url, {"answer": "going"}).status_code == 403


def test_facilitators_reply_for_people_they_manage_only(world, client):
    session = WorkshopSessionFactory(project=world.project)
    managed = MembershipFactory(
        project=world.project,
        managed_by_facilitator=True,
        constituency="service_user",
        user__email=None,
    )
    client.force_login(world.users["facilitator"])
    url = reverse("workshops:session-reply-for", args=[world.project.pk, session.pk, managed.pk])
    assert client.post(url, {"answer": "going"}).status_code == 302
    assert Reply.objects.get(membership=managed).replied_by == world.users["facilitator"]
    other = member(world, "carer")
    url = reverse("workshops:session-reply-for", args=[world.project.pk, session.pk, other.pk])
    assert client.post(url, {"answer": "going"}).status_code == 403
    assert not Reply.objects.filter(membership=other).exists()


def test_a_session_page_lists_the_people_a_facilitator_may_still_reply_for(world, client):
    session = WorkshopSessionFactory(
        project=world.project, audience=WorkshopSession.Audience.SERVICE_USERS
    )

    def managed(name, **fields):
        return MembershipFactory(
            project=world.project,
            managed_by_facilitator=True,
            user__email=None,
            display_name=name,
            **{"constituency": "service_user", **fields},
        )

    waiting = [managed("Bea"), managed("Alf", constituency="carer")]
    replied = managed("Cy")
    session_reply(session=session, membership=replied, answer="going", replied_by=None)
    managed("Dot", constituency="staff")  # not in this session's audience
    managed("Eve", status=Membership.Status.INVITED)  # not yet a member
    MembershipFactory(project=world.project, display_name="Fay", constituency="service_user")
    MembershipFactory(project=world.other_project, managed_by_facilitator=True)

    client.force_login(world.users["facilitator"])
    response = client.get(session.get_absolute_url())
    assert response.context["managed_without_reply"] == sorted(
        waiting, key=lambda m: m.display_name
    )
    page = response.content.decode()
    assert "Reply for Alf" in page and "Reply for Bea" in page and "Reply for Cy" not in page
    for person in waiting:
        assert (
            reverse("workshops:session-reply-for", args=[world.project.pk, session.pk, person.pk])
            in page
        )

    # Once the session has begun, no one is asked for.
    WorkshopSession.objects.filter(pk=session.pk).update(status=WorkshopSession.Status.HELD)
    session.refresh_from_db()
    assert selectors.managed_without_reply(session) == []
    assert (
        "Reply for people you manage" not in client.get(session.get_absolute_url()).content.decode()
    )


def test_facilitator_sees_combined_access_needs_of_those_coming(world, client):
    session = WorkshopSessionFactory(project=world.project)
    for role in ("carer", "service_user"):
        AccessNeeds.objects.create(membership=member(world, role), step_free_access=True)
        session_reply(
            session=session, membership=member(world, role), answer="going", replied_by=None
        )
    AccessNeeds.objects.create(membership=member(world, "staff"), bsl_interpreter=True)
    session_reply(
        session=session, membership=member(world, "staff"), answer="not_going", replied_by=None
    )
    Reply.objects.filter(membership=member(world, "carer")).update(session_needs="A quiet room")
    client.force_login(world.users["facilitator"])
    response = client.get(session.get_absolute_url())
    counted = [("step-free access", 2), ("Something extra for this session (see replies)", 1)]
    assert response.context["access_needs"] == counted
    # Read from the replies the page holds, as the database counts them.
    assert selectors.combined_access_needs(session) == counted
    assert response.context["going_count"] == 2
    client.force_login(world.users["carer"])
    assert "access_needs" not in client.get(session.get_absolute_url()).context


def test_a_need_that_takes_arranging_added_within_a_week_alerts_facilitators(
    world, client, django_capture_on_commit_callbacks
):
    soon = WorkshopSessionFactory(
        project=world.project, starts_at=timezone.now() + timedelta(days=3)
    )
    later = WorkshopSessionFactory(project=world.project)
    for session in (soon, later):
        session_reply(
            session=session, membership=member(world, "carer"), answer="going", replied_by=None
        )
    client.force_login(world.users["carer"])
    url = reverse("participants:access-needs", args=[world.project.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"step_free_access": "on", "preferred_contact": "email"})
    assert mail.outbox == []  # step-free access needs no arranging
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"hearing_loop": "on", "preferred_contact": "email"})
    assert [m.to for m in mail.outbox] == [["facilitator@example.org"]]
    assert soon.title in mail.outbox[0].subject and "hearing loop" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"hearing_loop": "on", "preferred_contact": "phone"})
    assert mail.outbox == []  # nothing new


def test_ics_download_and_print_sheet(world, client):
    session = WorkshopSessionFactory(project=world.project)
    session_reply(
        session=session, membership=member(world, "carer"), answer="going", replied_by=None
    )
    client.force_login(world.users["carer"])
    response = client.get(reverse("workshops:session-ics", args=[world.project.pk, session.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]) == session.title
    print_url = reverse("workshops:session-print", args=[world.project.pk, session.pk])
    assert client.get(print_url).status_code == 403  # the register has names
    client.force_login(world.users["facilitator"])
    html = client.get(print_url + "?large=1").content.decode()
    assert 'class="large-print"' in html and "Carer" in html and "Sign-in sheet" in html


def test_session_list_queries_do_not_grow(world, client, count_queries):
    client.force_login(world.users["carer"])
    url = reverse("workshops:session-list", args=[world.project.pk])

    def add(n):
        for _ in range(n):
            session = WorkshopSessionFactory(project=world.project, capacity=10)
            Reply.objects.create(session=session, membership=member(world, "carer"), answer="going")

    add(2)
    small = count_queries(lambda: client.get(url))
    add(30)
    assert count_queries(lambda: client.get(url)) == small


@pytest.mark.django_db(transaction=True)
def test_two_people_replying_at_once_cannot_both_take_the_last_place(on_postgres, world):
    session = WorkshopSessionFactory(project=world.project, capacity=1)
    people = [member(world, "carer"), member(world, "service_user")]
    replies = at_once(
        [
            lambda m=m: session_reply(
                session=session, membership=m, answer="going", replied_by=None
            )
            for m in people
        ]
    )
    assert sorted(reply.answer for reply in replies) == ["going", "waitlist"]
    assert Reply.objects.filter(session=session, answer="going").count() == 1


def test_a_session_past_midnight_shows_its_end_date(world, client):
    session = WorkshopSessionFactory(
        project=world.project,
        starts_at=datetime(2027, 1, 12, 22, 0, tzinfo=UTC),
        ends_at=datetime(2027, 1, 13, 1, 0, tzinfo=UTC),
    )
    client.force_login(world.users["carer"])
    html = client.get(session.get_absolute_url()).content.decode()
    assert "Tuesday 12 January 2027, 22:00</time>–<time" in html
    assert "Wednesday 13 January 2027, 01:00" in html


def test_only_people_who_accepted_and_consented_are_invited_to_a_session(
    world, client, django_capture_on_commit_callbacks
):
    invited = MembershipFactory(
        project=world.project, status=Membership.Status.INVITED, constituency="carer"
    )
    with django_capture_on_commit_callbacks(execute=True):
        schedule(world, client)
    recipients = {address for message in mail.outbox for address in message.to}
    assert world.users["carer"].email in recipients
    assert invited.user.email not in recipients


def test_a_session_page_shows_its_agenda_in_order_and_the_persons_own_answer(world, client):
    from datetime import time

    session = WorkshopSessionFactory(project=world.project)
    session.agenda.create(order=2, title="Ideas in pairs", starts_at=time(18, 30))
    session.agenda.create(order=1, title="Welcome and tea", starts_at=time(18, 0))
    session.agenda.create(order=2, title="Break", starts_at=None)
    session_reply(
        session=session, membership=member(world, "carer"), answer="maybe", replied_by=None
    )
    client.force_login(world.users["carer"])
    html = client.get(session.get_absolute_url()).content.decode()
    shown = [html.index(t) for t in ("Welcome and tea", "Ideas in pairs", "Break")]
    assert shown == sorted(shown)
    assert "<strong>18:00</strong> Welcome and tea" in html
    assert "<strong>18:30</strong> Ideas in pairs" in html
    assert re.search(r'value="maybe"[^>]*checked', html)
    client.force_login(world.users["staff"])
    assert not re.search(
        r'value="maybe"[^>]*checked', client.get(session.get_absolute_url()).content.decode()
    )
