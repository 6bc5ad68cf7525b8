"""A contribution's page costs the same few queries with 2 comments as with 10."""

import pytest
from django.urls import reverse

from contributions.conversation.services import comment_add
from contributions.services import support_toggle
from tests.factories import ContributionFactory

from .conftest import member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["service_user", "facilitator"])
def test_a_contribution_with_ten_comments_costs_what_one_with_two_does(
    world, client, count_queries, role
):
    idea = ContributionFactory(project=world.project, author=member(world, "staff"), kind="idea")
    support_toggle(contribution=idea, membership=member(world, "carer"), support=True)
    url = reverse("contributions:contribution-detail", args=[world.project.pk, idea.pk])
    client.force_login(world.users[role])

    def comment(n):
        for i in range(n // 2):
            top = comment_add(contribution=idea, author=member(world, "carer"), body=f"c{i}")
            comment_add(contribution=idea, author=member(world, "staff"), body="r", parent=top)

    comment(2)
    few = count_queries(lambda: client.get(url))
    comment(8)
    assert "10 comments" in client.get(url).content.decode()
    assert count_queries(lambda: client.get(url)) == few
    assert few <= 13
