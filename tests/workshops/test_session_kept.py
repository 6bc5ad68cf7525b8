"""A session's page is kept whole for the people it is for (codesign/kept_pages.py) until
anything on it changes; on its facilitators' page the messages sent are drawn for each
request. The requests run in autocommit, as in production: nothing is kept inside a transaction."""

import pytest
from django.test import Client

from contributions import services as contribution_services
from outbox.models import OutboxMessage
from participants.models import AccessNeeds
from sessions import services
from sessions.models import Reply
from tests.factories import ContributionFactory, WorkshopSessionFactory

from ..contributions.conftest import member
from ..contributions.test_kept_pages import without_tokens

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "workshops/session_detail.html"


def signed_in(world, name):
    client = Client()
    client.force_login(world.users[name])
    return client


def page(client, session):
    response = client.get(session.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_participants_page_is_kept_until_what_it_shows_changes(world, rendered):
    session = WorkshopSessionFactory(project=world.project, title="Planning the ward")
    carer = signed_in(world, "carer")
    first = page(carer, session)
    assert PAGE in rendered
    rendered.clear()
    assert without_tokens(page(carer, session)) == without_tokens(first)
    assert rendered == []
    # An item added to the agenda, on its own.
    session.agenda.create(title="Tea and introductions", order=1)
    assert "Tea and introductions" in page(carer, session)
    # Their own reply, and another's, which takes a place.
    services.session_reply(
        session=session,
        membership=member(world, "carer"),
        answer=Reply.Answer.GOING,
        replied_by=None,
    )
    assert "Your reply: <strong>Going</strong>" in page(carer, session)
    # Another person has their own page.
    assert "Your reply" not in page(signed_in(world, "service_user"), session)


def test_a_facilitators_page_is_kept_with_the_messages_sent_drawn_for_each_request(world, rendered):
    """The messages and reminders sent change as the worker sends them, in bulk updates that
    move no version: drawn for every request into the facilitator's kept page."""
    session = WorkshopSessionFactory(project=world.project)
    facilitator = signed_in(world, "facilitator")
    first = page(facilitator, session)
    assert "None sent yet." in first
    rendered.clear()
    message = OutboxMessage.objects.create(
        project=world.project,
        kind=OutboxMessage.Kind.TEXT,
        phone="+447700900123",
        body_text="Planning the ward: Tuesday 10am.",
        payload={"session": session.pk},
    )
    kept = page(facilitator, session)
    assert PAGE not in rendered
    assert "None sent yet." not in kept and "+447700900123" in kept
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.FAILED, last_error="Number not in service"
    )
    assert "Reason: Number not in service" in page(facilitator, session)
    assert PAGE not in rendered
    # Their page is their own: the carer's has neither.
    assert "Number not in service" not in page(signed_in(world, "carer"), session)


def test_what_people_need_to_take_part_draws_the_facilitators_page_again(world, rendered):
    session = WorkshopSessionFactory(project=world.project)
    carer = member(world, "carer")
    services.session_reply(
        session=session, membership=carer, answer=Reply.Answer.GOING, replied_by=None
    )
    facilitator = signed_in(world, "facilitator")
    assert "BSL" not in page(facilitator, session)
    AccessNeeds.objects.create(membership=carer, bsl_interpreter=True)
    rendered.clear()
    assert "British Sign Language interpreter" in page(facilitator, session)
    assert PAGE in rendered


def test_a_support_leaves_the_page_kept(world, rendered):
    """A session's page shows no supports: people supporting ideas leave it kept; any other
    write to the project draws it again."""
    session = WorkshopSessionFactory(project=world.project, title="Planning the ward")
    idea = ContributionFactory(project=world.project, author=member(world, "carer"), kind="idea")
    carer = signed_in(world, "carer")
    first = page(carer, session)
    contribution_services.support_toggle(contribution=idea, membership=member(world, "staff"))
    rendered.clear()
    assert without_tokens(page(carer, session)) == without_tokens(first)
    assert rendered == []
    session.agenda.create(title="Tea and introductions", order=1)
    assert "Tea and introductions" in page(carer, session)
    assert PAGE in rendered
