"""Dates at the edges of every date a person types, in time zones at both ends of the world,
and time-zone changes after saving: a date out of bounds is refused next to its field and
saves nothing; a date within bounds survives any later change of time zone on every page."""

import importlib

import pytest
from django.apps import apps
from django.db import DataError, connection
from django.urls import reverse

from changes.models import ServiceChange
from sessions.models import WorkshopSession
from tests.factories import ServiceChangeFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db

ZONES = ["Etc/GMT+12", "Etc/GMT-14"]
OUT_OF_BOUNDS_TIMES = [
    "9999-12-31T22:00",
    "0001-01-01T00:00",
    "2101-01-01T10:00",
    "1999-12-31T10:00",
]
OUT_OF_BOUNDS_DAYS = ["9999-12-31", "0001-01-01", "2101-01-01", "1999-12-31"]
MESSAGE = "Enter a date between 2000 and 2100."


def in_zone(world, zone):
    world.organisation.time_zone = zone
    world.organisation.save(update_fields=["time_zone"])


def session_form(starts_at, ends_at, **extra):
    return {
        "title": "Joint co-design event",
        "kind": "joint_event",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": "Seminar room 2",
        "audience": "everyone",
        "reminder_offsets": "48, 2",
        "agenda-TOTAL_FORMS": "0",
        "agenda-INITIAL_FORMS": "0",
        "agenda-MIN_NUM_FORMS": "0",
        "agenda-MAX_NUM_FORMS": "1000",
        **extra,
    }


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("when", OUT_OF_BOUNDS_TIMES)
def test_a_session_out_of_bounds_is_refused_next_to_its_field(world, client_for, zone, when):
    in_zone(world, zone)
    client = client_for(world.users["facilitator"])
    url = reverse("workshops:session-create", args=[world.project.pk])
    response = client.post(url, session_form(when, "2030-01-01T10:00", already_held="on"))
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not WorkshopSession.objects.exists()


def test_a_session_cannot_start_in_the_past_unless_recorded_as_past(world, client_for, mailoutbox):
    client = client_for(world.users["facilitator"])
    url = reverse("workshops:session-create", args=[world.project.pk])
    past = session_form("2021-03-01T10:00", "2021-03-01T12:00")
    response = client.post(url, past)
    assert response.status_code == 200
    assert "This time has passed" in response.content.decode()
    assert not WorkshopSession.objects.exists()
    assert client.post(url, {**past, "already_held": "on"}).status_code == 302
    assert WorkshopSession.objects.count() == 1
    assert mailoutbox == []  # nobody is invited to a session that already took place


@pytest.mark.parametrize("zone", ZONES)
def test_a_session_at_the_bound_survives_every_change_of_time_zone(world, client_for, zone):
    client = client_for(world.users["facilitator"])
    url = reverse("workshops:session-create", args=[world.project.pk])
    response = client.post(url, session_form("2100-12-31T10:00", "2100-12-31T12:00"))
    assert response.status_code == 302, response.content.decode()[:2000]
    session = WorkshopSession.objects.get()
    in_zone(world, zone)
    args = [world.project.pk, session.pk]
    for page in [
        world.project.get_absolute_url(),
        reverse("workshops:session-list", args=[world.project.pk]),
        reverse("workshops:session-detail", args=args),
        reverse("workshops:session-ics", args=args),
        reverse("workshops:session-edit", args=args),
        reverse("workshops:session-cancel", args=args),
        reverse("workshops:session-print", args=args),
    ]:
        assert client.get(page).status_code == 200, page
    member = client_for(world.users["service_user"])
    assert member.get(reverse("workshops:session-detail", args=args)).status_code == 200


@pytest.mark.parametrize("day", OUT_OF_BOUNDS_DAYS)
def test_a_target_date_out_of_bounds_is_refused(world, client_for, day):
    change = ServiceChangeFactory(project=world.project, title="Ring before discharge")
    client = client_for(world.users["facilitator"])
    url = reverse("changes:change-edit", args=[world.project.pk, change.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(title="Ring before discharge", target_date=day, scope=change.scope, progress="0")
    response = client.post(url, data)
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    change.refresh_from_db()
    assert change.target_date is None


@pytest.mark.parametrize("day", OUT_OF_BOUNDS_DAYS)
def test_dashboard_filters_out_of_bounds_are_refused_with_a_message(world, client_for, day):
    client = client_for(world.users["facilitator"])
    url = reverse("dashboards:project", args=[world.project.pk])
    response = client.get(url, {"date_from": day})
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()


@pytest.mark.postgres
def test_the_repair_migration_brings_back_a_session_stored_in_year_10000(
    on_postgres, world, client_for
):
    session = WorkshopSessionFactory(project=world.project)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE workshops_workshopsession SET starts_at = '10000-01-01 09:00+00', "
            "ends_at = '10000-01-01 11:00+00' WHERE id = %s",
            [session.pk],
        )
    client = client_for(world.users["facilitator"])
    sessions_page = reverse("workshops:session-list", args=[world.project.pk])
    with pytest.raises((ValueError, DataError)):  # every page showing it failed before
        client.get(sessions_page)
    repair = importlib.import_module("sessions.migrations.0005_repair_dates_out_of_bounds")
    repair.repair(apps, None)
    assert client.get(sessions_page).status_code == 200
    session.refresh_from_db()
    assert session.status == "cancelled"
    assert session.starts_at.year == 2100


def test_the_repair_migration_clears_an_out_of_bounds_target_date(world):
    change = ServiceChangeFactory(project=world.project)
    ServiceChange.objects.filter(pk=change.pk).update(target_date="9999-12-31")
    repair = importlib.import_module("sessions.migrations.0005_repair_dates_out_of_bounds")
    repair.repair(apps, None)
    change.refresh_from_db()
    assert change.target_date is None
