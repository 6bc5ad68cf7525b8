"""Leaving a project clears what the person told facilitators in their session replies, as it
removes their access needs."""

import pytest

from participants.services import membership_withdraw
from sessions.models import Reply
from tests.factories import WorkshopSessionFactory

pytestmark = pytest.mark.django_db


def test_leaving_clears_reasons_and_session_needs_but_keeps_the_answers(world, story):
    session = WorkshopSessionFactory(project=world.project)
    reply = Reply.objects.create(
        session=session,
        membership=story["member"],
        answer="maybe",
        reason="Hospital appointment that morning",
        session_needs="Somewhere to lie down",
    )
    other_session = WorkshopSessionFactory(project=world.project)
    carers = Reply.objects.create(
        session=other_session, membership=story["carer"], answer="going", reason="Carer's reason"
    )
    membership_withdraw(membership=story["member"], withdrawn_by=world.users["service_user"])
    reply.refresh_from_db()
    assert (reply.reason, reply.session_needs, reply.answer) == ("", "", "maybe")
    carers.refresh_from_db()
    assert carers.reason == "Carer's reason"
