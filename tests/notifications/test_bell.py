"""The bell and the list: one's own notifications only, newest first, marked read by POST."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:notification-list")


def notes(world, person="service_user", count=1, **fields):
    fields.setdefault("kind", Notification.Kind.COMMENT)
    fields.setdefault("project", world.project)
    return [
        Notification.objects.create(
            user=world.users[person], message=f"Someone commented on your idea {i}", **fields
        )
        for i in range(count)
    ]


def bell(html):
    """The accessible name of the bell link: its text without aria-hidden parts."""
    link = re.search(r'<a class="nav-link notification-bell".*?</a>', html, re.S).group(0)
    link = re.sub(r"<(svg|span)[^>]*aria-hidden=\"true\"[^>]*>.*?</\1>", "", link, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", link).split())


def test_the_bell_names_the_unread_count(world, client_for):
    notes(world, count=3)
    notes(world, read_at=timezone.now())
    notes(world, person="carer", count=5)
    html = client_for(world.users["service_user"]).get(reverse("home")).content.decode()
    assert bell(html) == "Notifications, 3 unread"
    # Sighted people see the number on the bell; screen readers hear the name above instead.
    assert re.search(r'class="badge[^"]*" aria-hidden="true">\s*3\s*</span>', html)


def test_the_bell_without_unread_says_notifications(world, client_for):
    notes(world, read_at=timezone.now())
    html = client_for(world.users["service_user"]).get(reverse("home")).content.decode()
    assert bell(html) == "Notifications"


def test_signed_out_visitors_have_no_bell(world, client_for):
    html = client_for(None).get(reverse("account_login")).content.decode()
    assert "notification-bell" not in html


def test_the_bell_costs_one_query_however_many_notifications(world, client_for, count_queries):
    client = client_for(world.users["service_user"])
    notes(world, count=2)
    few = count_queries(lambda: client.get(reverse("calendar:feed-settings")))
    notes(world, count=50)
    assert count_queries(lambda: client.get(reverse("calendar:feed-settings"))) == few


def test_the_list_shows_ones_own_newest_first_with_links(world, client_for):
    notify(
        users=[world.users["service_user"]],
        kind=Notification.Kind.STATUS,
        project=world.project,
        message="Your idea “Later buses” is now: Taken forward.",
        url="/projects/1/contributions/7/",
    )
    notify(
        users=[world.users["service_user"]],
        kind=Notification.Kind.ROUND,
        project=world.project,
        message="A prioritisation round opened: pick three ideas.",
        url="/projects/1/rounds/2/",
    )
    notes(world, person="carer")
    html = client_for(world.users["service_user"]).get(LIST).content.decode()
    assert html.index("A prioritisation round opened") < html.index("Later buses")
    assert 'href="/projects/1/rounds/2/"' in html
    assert "Someone commented" not in html
    assert world.project.title in html


def test_the_list_is_paginated_and_costs_the_same_with_more_rows(world, client_for, count_queries):
    client = client_for(world.users["service_user"])
    notes(world, count=2)
    few = count_queries(lambda: client.get(LIST))
    notes(world, count=50)
    assert count_queries(lambda: client.get(LIST)) == few
    page = client.get(LIST).content.decode()
    assert page.count('class="list-group-item') == 20
    assert "Page 1 of 3" in page
    assert client.get(LIST, {"page": 3}).content.decode().count('class="list-group-item') == 12


def test_the_empty_list_says_so(world, client_for):
    html = client_for(world.users["service_user"]).get(LIST).content.decode()
    assert "You have no notifications yet" in html
    assert "Mark all as read" not in html


def test_marking_one_read(world, client_for):
    first, second = notes(world, count=2)
    client = client_for(world.users["service_user"])
    response = client.post(reverse("notifications:notification-read", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == LIST
    first.refresh_from_db(), second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert bell(client.get(LIST).content.decode()) == "Notifications, 1 unread"


def test_marking_read_goes_back_only_to_this_site(world, client_for):
    (note,) = notes(world)
    client = client_for(world.users["service_user"])
    url = reverse("notifications:notification-read", args=[note.pk])
    assert client.post(url, {"next": "/?page=2"})["Location"] == "/?page=2"
    assert client.post(url, {"next": "https://evil.example/"})["Location"] == LIST


def test_a_get_marks_nothing_read(world, client_for):
    (note,) = notes(world)
    client = client_for(world.users["service_user"])
    assert client.get(reverse("notifications:notification-read", args=[note.pk])).status_code == 405
    assert client.get(reverse("notifications:notification-read-all")).status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


def test_marking_all_read_touches_only_ones_own(world, client_for):
    notes(world, count=3)
    (theirs,) = notes(world, person="carer")
    response = client_for(world.users["service_user"]).post(
        reverse("notifications:notification-read-all")
    )
    assert response.status_code == 302
    assert not Notification.objects.filter(user=world.users["service_user"], read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_someone_elses_notification_is_not_found(world, client_for):
    (theirs,) = notes(world, person="carer")
    for person in ("service_user", "facilitator", "superuser"):
        response = client_for(world.users[person]).post(
            reverse("notifications:notification-read", args=[theirs.pk])
        )
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_signed_out_visitors_are_sent_to_sign_in(world, client_for):
    (note,) = notes(world)
    client = client_for(None)
    for response in (
        client.get(LIST),
        client.post(reverse("notifications:notification-read", args=[note.pk])),
        client.post(reverse("notifications:notification-read-all")),
        client.get(reverse("notifications:email-preferences")),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    note.refresh_from_db()
    assert note.read_at is None


def test_notify_skips_inactive_people_and_duplicates(world):
    carer = world.users["carer"]
    carer.is_active = False
    carer.save()
    someone = world.users["service_user"]
    written = notify(
        users=[someone, someone, carer, None],
        kind=Notification.Kind.ROUND,
        project=world.project,
        message="A round opened.",
    )
    assert written == 1
    assert list(Notification.objects.values_list("user", flat=True)) == [someone.pk]
