"""Scheduling a session posted twice schedules one: one POST after the other (any database),
and two at the same moment from two threads (PostgreSQL)."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from sessions.models import WorkshopSession
from tests.conftest import at_once

from .test_double_submit import key_from

pytestmark = pytest.mark.django_db


def facilitator(world):
    client = Client()
    client.force_login(world.users["facilitator"])
    return client


def create_url(world):
    return reverse("workshops:session-create", args=[world.project.pk])


def session_data(key):
    return {
        "submission_key": key,
        "title": "Joint co-design event",
        "kind": "joint_event",
        "starts_at": "2030-01-15T10:00",
        "ends_at": "2030-01-15T13:00",
        "place": "Seminar room 2",
        "audience": "everyone",
        "reminder_offsets": "48, 2",
        "agenda-TOTAL_FORMS": "0",
        "agenda-INITIAL_FORMS": "0",
        "agenda-MIN_NUM_FORMS": "0",
        "agenda-MAX_NUM_FORMS": "1000",
    }


def test_the_scheduling_form_posted_twice_schedules_one_session(
    world, django_capture_on_commit_callbacks
):
    client = facilitator(world)
    key = key_from(client.get(create_url(world)).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(create_url(world), session_data(key))
    invited = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(create_url(world), session_data(key))
    (session,) = WorkshopSession.objects.all()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == session.get_absolute_url()
    assert invited > 0 and len(mail.outbox) == invited  # nobody invited twice


def test_a_fresh_form_schedules_another_session(world):
    client = facilitator(world)
    for _ in range(2):
        key = key_from(client.get(create_url(world)).content.decode())
        assert client.post(create_url(world), session_data(key)).status_code == 302
    assert WorkshopSession.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_posts_of_one_scheduling_form_at_once_schedule_one_session(on_postgres, world):
    key = key_from(facilitator(world).get(create_url(world)).content.decode())
    clients = [facilitator(world), facilitator(world)]
    responses = at_once([lambda c=c: c.post(create_url(world), session_data(key)) for c in clients])
    assert [r.status_code for r in responses] == [302, 302]
    assert WorkshopSession.objects.count() == 1
