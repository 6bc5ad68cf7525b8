"""What a facilitator's session page reads on every request: the messages sent about it, in a
query written once a process (``codesign.rows``), the same rows, columns and order as the ORM's
on SQLite and on PostgreSQL (CI); and the people still to reply for, by the session's one
audience rule."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from outbox.models import OutboxMessage
from participants.models import Membership
from sessions import selectors
from tests.conftest import columns
from tests.factories import MembershipFactory, ReplyFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db

SHOWN = ("id", "kind", "to", "phone", "address", "status", "delivery", "created_at", "payload")


def orm_messages(session, limit=200):
    return list(
        OutboxMessage.objects.filter(project_id=session.project_id, payload__session=session.pk)
        .exclude(kind=OutboxMessage.Kind.JOB)
        .select_related("recipient")
        .order_by("-created_at", "-pk")[:limit]
    )


def test_the_messages_sent_about_a_session_are_the_orms_newest_first(world):
    session, other = (WorkshopSessionFactory(project=world.project) for _ in range(2))
    now = timezone.now()

    def sent(minutes, **fields):
        message = OutboxMessage.objects.create(
            **{"project": world.project, "payload": {"session": session.pk}, **fields}
        )
        OutboxMessage.objects.filter(pk=message.pk).update(
            created_at=now - timedelta(minutes=minutes)
        )

    sent(5, kind="email", to="carer@example.org", recipient=world.users["carer"])
    sent(3, kind="text", phone="+447700900123", status=OutboxMessage.Status.FAILED)
    sent(3, kind="letter", address="1 High Street\nRiverside", body_html="<p>big</p>")
    sent(1, kind="job", job="reports.build")  # the worker's jobs are not messages
    sent(2, kind="email", to="other@example.org", payload={"session": other.pk})
    sent(2, kind="email", to="else@example.org", project=world.other_project)
    sent(2, kind="email", to="none@example.org", payload={"sessions": session.pk})

    with CaptureQueriesContext(connection) as queries:
        read = selectors.session_messages(session)
        recipients = [str(m.recipient) if m.recipient_id else None for m in read]
    assert len(queries.captured_queries) == 1
    expected = orm_messages(session)
    assert [m.pk for m in read] == [m.pk for m in expected] and len(read) == 3
    assert [{name: getattr(m, name) for name in SHOWN} for m in read] == [
        {name: getattr(m, name) for name in SHOWN} for m in expected
    ]
    assert recipients == [str(m.recipient) if m.recipient_id else None for m in expected]
    # What the page never shows is not read, yet still there when asked for.
    assert all(set(selectors.MESSAGE_UNREAD) <= message.get_deferred_fields() for message in read)
    letter = next(message for message in read if message.kind == "letter")
    assert letter.body_html == "<p>big</p>"
    assert columns(read[1]) == columns(expected[1])
    assert [m.pk for m in selectors.session_messages(session, limit=1)] == [expected[0].pk]
    assert selectors.session_messages(other)[0].to == "other@example.org"


@pytest.mark.parametrize(
    ("audience", "listed"),
    [
        ("everyone", ["Alf", "Cy", "Dot"]),
        ("service_users", ["Alf", "Dot"]),
        ("staff", ["Cy", "Dot"]),
    ],
)
def test_the_people_to_reply_for_are_those_of_the_sessions_audience(world, audience, listed):
    """Managed members who have not replied: facilitators for every audience, participants of
    the audience's groups; not an invited member, an observer or someone who replied."""
    session = WorkshopSessionFactory(project=world.project, audience=audience)
    made = [
        MembershipFactory(
            project=world.project,
            managed_by_facilitator=True,
            user__email=None,
            display_name=name,
            constituency=constituency,
            **fields,
        )
        for name, constituency, fields in (
            ("Bea", "service_user", {}),
            ("Alf", "carer", {}),
            ("Cy", "staff", {}),
            ("Dot", "staff", {"role": Membership.Role.FACILITATOR}),
            ("Eve", "carer", {"status": Membership.Status.INVITED}),
            ("Fay", "service_user", {"role": Membership.Role.OBSERVER}),
        )
    ]
    ReplyFactory(session=session, membership=made[0], answer="maybe")
    MembershipFactory(project=world.project, display_name="Gil", constituency="carer")
    with CaptureQueriesContext(connection) as queries:
        read = selectors.managed_without_reply(session)
    assert len(queries.captured_queries) == 1
    assert [m.display_name for m in read] == listed
