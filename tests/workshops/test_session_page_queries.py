"""A session's page costs the same queries, 25 or fewer, with 2 replies as with 30."""

import pytest
from django.urls import reverse

from participants.models import Constituency
from sessions.models import Reply
from tests.factories import MembershipFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["carer", "facilitator"])
def test_the_session_page_costs_the_same_few_queries_at_two_sizes(
    world, client, count_queries, role
):
    session = WorkshopSessionFactory(project=world.project, capacity=100)
    url = reverse("workshops:session-detail", args=[world.project.pk, session.pk])
    client.force_login(world.users[role])

    def reply(n):
        for i in range(n):
            membership = MembershipFactory(
                project=world.project,
                constituency=Constituency.STAFF if i % 2 else Constituency.CARER,
            )
            Reply.objects.create(session=session, membership=membership, answer="going")

    reply(2)
    few = count_queries(lambda: client.get(url))
    reply(28)
    assert count_queries(lambda: client.get(url)) == few
    assert few <= 25
