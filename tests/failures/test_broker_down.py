"""With the broker down, a request never waits for it: scheduling a session for twenty people
answers at once, every invitation waits in the outbox for the beat sweep, and nothing is lost.

Real parts: Celery publishing to a Redis URL where nothing listens (a closed port), the
project's database (PostgreSQL in CI)."""

import threading
import time
from unittest import mock

import pytest
from django.urls import reverse

from outbox.models import OutboxMessage
from outbox.tasks import outbox_deliver_task
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
    publishing_threads = []
    publish = outbox_deliver_task.apply_async

    def watched(*args, **kwargs):
        publishing_threads.append(threading.current_thread())
        return publish(*args, **kwargs)

    started = time.monotonic()
    with mock.patch.object(outbox_deliver_task, "apply_async", side_effect=watched):
        response = client.post(url, data)
        elapsed = time.monotonic() - started
        # The publishing thread meets the closed port; the request has long answered.
        for _ in range(100):
            if publishing_threads:
                break
            time.sleep(0.05)
    assert response.status_code == 302, response.content.decode()[:1000]
    # The request itself never talked to the broker...
    assert publishing_threads and threading.main_thread() not in publishing_threads
    # ...so it took nothing like the 2 s connection timeout per invitation it once waited,
    # one after another (40 s for 20); a loaded machine's slowness is allowed for.
    assert elapsed < 10, f"the request waited {elapsed:.1f} s"
    invitations = OutboxMessage.objects.filter(subject__icontains="Joint co-design event")
    assert invitations.count() >= 20
    assert set(invitations.values_list("status", flat=True)) == {OutboxMessage.Status.PENDING}
