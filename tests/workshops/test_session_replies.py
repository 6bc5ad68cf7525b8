"""A session's replies: counted by answer on its page, listed a page at a time on their own,
by answer, for the facilitators."""

import re

import pytest
from django.urls import reverse

from sessions.models import Reply
from tests.factories import MembershipFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db

ANSWERS = ["going"] * 20 + ["maybe"] * 6 + ["not_going"] * 4


@pytest.fixture
def session(world):
    session = WorkshopSessionFactory(project=world.project, capacity=100)
    for n, answer in enumerate(ANSWERS):
        membership = MembershipFactory(project=world.project, display_name=f"Person {n:02}")
        Reply.objects.create(
            session=session,
            membership=membership,
            answer=answer,
            reason="<b>Bus strike</b>" if n == 25 else "",
            session_needs="A quiet room" if n == 3 else "",
        )
    return session


def replies_url(session, query=""):
    return reverse("workshops:session-replies", args=[session.project_id, session.pk]) + query


def names(html):
    return re.findall(r"Person \d\d", html)


def test_the_session_page_counts_the_answers_and_leads_to_the_replies(world, client, session):
    client.force_login(world.users["facilitator"])
    html = client.get(session.get_absolute_url()).content.decode()
    start = html.index(">", html.index('id="reply-counts"')) + 1
    counts = html[start : html.index("</ul>", start)]
    shown = " ".join(re.sub(r"<[^>]+>", " ", counts).split())
    assert shown == "Going: 20 Maybe: 6 Not going: 4"
    assert "See all 30 replies and what people told you" in html
    assert replies_url(session) in html
    assert names(html) == []  # the people are on the replies page


def test_the_replies_come_a_page_at_a_time_with_what_people_said(world, client, session):
    client.force_login(world.users["facilitator"])
    first = client.get(replies_url(session)).content.decode()
    second = client.get(replies_url(session, "?page=2")).content.decode()
    assert len(names(first)) == 25 and len(names(second)) == 5
    assert set(names(first)) | set(names(second)) == {f"Person {n:02}" for n in range(30)}
    both = first + second
    assert "&lt;b&gt;Bus strike&lt;/b&gt;" in both and "<b>Bus strike" not in both
    assert "Needs: A quiet room" in both


def test_the_replies_are_filtered_by_answer(world, client, session):
    client.force_login(world.users["facilitator"])
    html = client.get(replies_url(session, "?answer=maybe")).content.decode()
    assert names(html) == [f"Person {n:02}" for n in range(20, 26)]
    # An answer that does not exist is named beside its field and left out.
    html = client.get(replies_url(session, "?answer=perhaps")).content.decode()
    assert "Some of these filters could not be used" in html and len(names(html)) == 25


def test_a_session_without_replies_says_so(world, client):
    quiet = WorkshopSessionFactory(project=world.project)
    client.force_login(world.users["facilitator"])
    assert "No replies yet." in client.get(replies_url(quiet)).content.decode()
    html = client.get(replies_url(quiet, "?answer=going")).content.decode()
    assert "No replies with this answer." in html


def test_the_replies_page_costs_the_same_queries_at_two_sizes(world, client, count_queries):
    quiet = WorkshopSessionFactory(project=world.project, capacity=100)
    client.force_login(world.users["facilitator"])

    def reply(n):
        for _ in range(n):
            membership = MembershipFactory(project=world.project)
            Reply.objects.create(session=quiet, membership=membership, answer="going")

    reply(2)
    few = count_queries(lambda: client.get(replies_url(quiet)))
    reply(40)
    assert count_queries(lambda: client.get(replies_url(quiet))) == few
