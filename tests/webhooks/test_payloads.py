"""Every event a webhook carries holds ids, types, times, stage names and links: no person's
name, email, words, nor a title or place a facilitator typed (which may name someone)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from changes.models import ServiceChange
from changes.services import change_set_status
from participants.models import Membership
from reports.services import report_build, report_request
from sessions.services import session_cancel, session_schedule, session_update
from tests.factories import ServiceChangeFactory
from webhooks.models import Event, WebhookDelivery
from webhooks.services import body_of, webhook_endpoint_create

pytestmark = pytest.mark.django_db

# Every key an event may carry, at any depth.
ALLOWED_KEYS = {
    "id",
    "type",
    "occurred_at",
    "organisation",
    "project",
    "url",
    "data",
    "change",
    "status",
    "previous_status",
    "progress",
    "stage",
    "session",
    "kind",
    "starts_at",
    "ends_at",
    "online",
    "sequence",
    "rescheduled",
    "report",
    "format",
}


def keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for item in value.values() for k in keys(item)}
    if isinstance(value, list):
        return {k for item in value for k in keys(item)}
    return set()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_no_event_carries_personal_data(world):
    webhook_endpoint_create(
        organisation=world.organisation,
        url="https://hooks.example.org/codesign",
        events=list(Event.values),
    )
    facilitator = world.users["facilitator"]
    secrets = {"Alex Morgan's discharge", "14 Acacia Avenue", "Alex is unwell", "Told Alex"}
    change = ServiceChangeFactory(
        project=world.project, title="Alex Morgan's discharge", description="Told Alex"
    )
    change_set_status(
        change=change,
        status=ServiceChange.Status.AGREED,
        progress=None,
        note="Told Alex",
        changed_by=facilitator,
    )
    starts = timezone.now() + timedelta(days=10)
    session = session_schedule(
        project=world.project,
        created_by=facilitator,
        title="Alex Morgan's discharge",
        kind="joint_event",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="14 Acacia Avenue",
        audience="everyone",
    )
    session_update(
        session=session,
        starts_at=starts + timedelta(days=1),
        ends_at=starts + timedelta(days=1, hours=2),
    )
    session_cancel(session=session, reason="Alex is unwell")
    report, _created = report_request(
        user=world.users["org_admin"],
        organisation=world.organisation,
        project=world.project,
        kind="changes",
        file_format="csv",
    )
    report_build(report_id=report.pk)

    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert [d.event for d in deliveries] == [
        "change.moved",
        "session.scheduled",
        "session.changed",
        "session.cancelled",
        "report.ready",
    ]
    people = set()
    for user in world.users.values():
        if user is not None:
            people |= {user.email, user.full_name}
    people |= set(Membership.objects.values_list("display_name", flat=True))
    people.discard("")
    for delivery in deliveries:
        body = body_of(delivery).decode()
        assert keys(delivery.payload) <= ALLOWED_KEYS, delivery.event
        found = {text for text in people | secrets if text in body}
        assert not found, f"{delivery.event} carries {found}"
    assert deliveries[2].payload["data"]["rescheduled"] is True
    assert deliveries[4].payload["data"]["report"]["url"].endswith(report.status_url)
