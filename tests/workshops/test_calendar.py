"""A person's private calendar feed: a secret address, stored hashed, revocable, least detail."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from participants.models import Membership, hash_token
from sessions.models import CalendarFeed, WorkshopSession
from tests.factories import MembershipFactory, ReplyFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db

SETTINGS_URL = reverse("calendar:feed-settings")
CREATE_URL = reverse("calendar:feed-create")
REVOKE_URL = reverse("calendar:feed-revoke")


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def create_address(client):
    """Create (or replace) the signed-in person's address; return the feed's path."""
    response = client.post(CREATE_URL)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).content.decode()
    match = re.search(r'value="https?://[^/"]+(/calendar/[\w-]+\.ics)"', page)
    assert match, page
    return match.group(1)


def titles_in(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))


@pytest.fixture
def sessions(world):
    """Sessions of the world's project, and one elsewhere, named for who should see them."""
    soon = timezone.now() + timedelta(days=3)

    def make(title, **fields):
        fields.setdefault("project", world.project)
        fields.setdefault("starts_at", soon)
        fields.setdefault("ends_at", fields["starts_at"] + timedelta(hours=2))
        return WorkshopSessionFactory(title=title, **fields)

    made = {
        "everyone": make("Everyone: walk-through"),
        "service_users": make("Service users: first event", audience="service_users"),
        "staff": make("Staff: first event", audience="staff"),
        "not_going": make("Everyone: a date I cannot make"),
        "cancelled": make("Everyone: cancelled", status=WorkshopSession.Status.CANCELLED),
        "held": make(
            "Everyone: held last week",
            status=WorkshopSession.Status.HELD,
            starts_at=soon - timedelta(days=10),
        ),
        "other_project": make("Elsewhere: repairs", project=world.other_project),
    }
    ReplyFactory(
        session=made["not_going"], membership=member(world, "service_user"), answer="not_going"
    )
    ReplyFactory(session=made["everyone"], membership=member(world, "carer"), answer="going")
    return made


def test_signing_in_is_needed_to_manage_the_address(client):
    for url in (SETTINGS_URL, REVOKE_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith(reverse("account_login"))
    assert client.post(CREATE_URL).status_code == 302
    assert not CalendarFeed.objects.exists()


def test_the_address_is_shown_once_and_only_its_hash_is_stored(world, client):
    client.force_login(world.users["service_user"])
    page = client.get(SETTINGS_URL).content.decode()
    assert "You have no calendar address." in page
    assert "Outlook" in page and "Google Calendar" in page

    path = create_address(client)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=world.users["service_user"])
    assert feed.token_hash == hash_token(token)
    assert token not in feed.token_hash
    assert len(token) >= 40

    again = client.get(SETTINGS_URL).content.decode()
    assert token not in again
    assert "We cannot show it again" in again


def test_the_feed_lists_only_the_persons_own_sessions_in_their_audience(world, client, sessions):
    client.force_login(world.users["service_user"])
    path = create_address(client)
    client.logout()  # calendar apps do not sign in

    assert titles_in(client.get(path)) == [
        "Everyone: held last week",
        "Everyone: walk-through",
        "Service users: first event",
    ]


def test_a_facilitator_sees_every_session_of_the_project_they_facilitate(world, client, sessions):
    client.force_login(world.users["facilitator"])
    path = create_address(client)
    assert titles_in(client.get(path)) == [
        "Everyone: a date I cannot make",
        "Everyone: held last week",
        "Everyone: walk-through",
        "Service users: first event",
        "Staff: first event",
    ]


def test_the_feed_has_the_least_detail_and_nobody_else_in_it(world, client, sessions):
    session = sessions["everyone"]
    session.online_link = "https://meet.example.org/secret-room"
    session.notes_before = "Bring your discharge letter"
    session.save()
    session.agenda.create(order=1, title="Ground rules")
    client.force_login(world.users["service_user"])
    path = create_address(client)
    body = client.get(path).content.decode()

    calendar = Calendar.from_ical(body)
    event = next(e for e in calendar.walk("VEVENT") if e["SUMMARY"] == session.title)
    assert event["UID"] == f"{session.uid}@codesign"
    assert str(event["LOCATION"]) == session.place
    assert str(event["URL"]).endswith(session.get_absolute_url())
    for absent in ("DESCRIPTION", "ATTENDEE", "ORGANIZER"):
        assert absent not in body
    for secret in ("secret-room", "discharge letter", "Ground rules"):
        assert secret not in body
    for role in ("carer", "staff", "facilitator", "observer", "service_user"):
        assert world.users[role].email not in body
        assert member(world, role).display_name not in body


def test_a_withdrawn_member_sees_nothing_of_that_project(world, client, sessions):
    client.force_login(world.users["service_user"])
    path = create_address(client)
    Membership.objects.filter(pk=member(world, "service_user").pk).update(
        status=Membership.Status.WITHDRAWN
    )
    assert titles_in(client.get(path)) == []


def test_a_stopped_address_is_not_found(world, client, sessions):
    client.force_login(world.users["service_user"])
    path = create_address(client)
    confirm = client.get(REVOKE_URL)
    assert confirm.status_code == 200
    assert client.get(path).status_code == 200  # the confirmation page stops nothing

    response = client.post(REVOKE_URL)
    assert response.status_code == 302
    assert client.get(path).status_code == 404
    feed = CalendarFeed.objects.get()
    assert feed.revoked_at is not None
    assert "You have no calendar address." in client.get(SETTINGS_URL).content.decode()


def test_a_new_address_stops_the_old_one(world, client, sessions):
    client.force_login(world.users["service_user"])
    old = create_address(client)
    new = create_address(client)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    feeds = CalendarFeed.objects.filter(user=world.users["service_user"])
    assert feeds.count() == 2
    live = feeds.get(revoked_at__isnull=True)
    assert live.token_hash == hash_token(new.removeprefix("/calendar/").removesuffix(".ics"))


def test_unknown_addresses_and_deactivated_people_are_not_found(world, client, sessions):
    assert client.get(reverse("calendar:feed", args=["x" * 43])).status_code == 404
    client.force_login(world.users["service_user"])
    path = create_address(client)
    world.users["service_user"].is_active = False
    world.users["service_user"].save()
    assert client.get(path).status_code == 404


def test_reading_the_feed_changes_nothing(world, client, sessions):
    client.force_login(world.users["service_user"])
    path = create_address(client)
    client.logout()

    def rows():
        return (
            list(CalendarFeed.objects.values_list()),
            list(WorkshopSession.objects.values_list()),
            list(Membership.objects.values_list()),
        )

    before = rows()
    assert client.get(path).status_code == 200
    assert client.head(path).status_code == 200
    assert client.post(path).status_code == 405
    assert rows() == before


def test_creating_needs_a_post(world, client):
    client.force_login(world.users["service_user"])
    assert client.get(CREATE_URL).status_code == 405
    assert not CalendarFeed.objects.exists()


def test_the_feed_costs_the_same_queries_for_2_and_30_sessions(world, client, count_queries):
    other = MembershipFactory(project=world.other_project, user=world.users["service_user"])
    client.force_login(world.users["service_user"])
    path = create_address(client)
    client.logout()

    def add_sessions(n):
        for i in range(n):
            project = world.project if i % 2 else other.project
            WorkshopSessionFactory(project=project)

    add_sessions(2)
    few = count_queries(lambda: client.get(path))
    add_sessions(28)
    assert len(titles_in(client.get(path))) == 30
    assert count_queries(lambda: client.get(path)) == few
