"""With the broker down, a request never waits for it: scheduling a session for twenty people
answers at once, every invitation waits in the outbox for the beat sweep, and nothing is lost.

Real parts: Celery publishing to a Redis URL where nothing listens (a closed port), the
project's database (PostgreSQL in CI)."""

import time

import pytest
from django.urls import reverse

from outbox.models import OutboxMessage
from tests.factories import MembershipFactory
from tests.smoke.support import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def test_scheduling_for_twenty_people_does_not_wait_for_a_broker_that_is_down(
    world, client_for, publishing_to, settings
):
    settings.CELERY_BROKER_CONNECTION_TIMEOUT = 2
    publishing_to(f"redis://127.0.0.1:{free_port()}/0")
    MembershipFactory.create_batch(20, project=world.project, constituency="service_user")
    client = client_for(world.users["facilitator"])
    url = reverse("workshops:session-create", args=[world.project.pk])
    data = {
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
    started = time.monotonic()
    response = client.post(url, data)
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:1000]
    # Before: one 2 s connection timeout per invitation, one after another (40 s for 20).
    assert elapsed < 1.5, f"the request waited {elapsed:.1f} s"
    invitations = OutboxMessage.objects.filter(subject__icontains="Joint co-design event")
    assert invitations.count() >= 20
    assert set(invitations.values_list("status", flat=True)) == {OutboxMessage.Status.PENDING}
