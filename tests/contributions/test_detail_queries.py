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


def test_the_thread_is_read_in_one_query_in_order(world, django_assert_num_queries):
    """Comments oldest first, each with its replies that stand, oldest first; a withdrawn
    comment stays only while it holds a reply; another contribution's comments stay out."""
    from datetime import timedelta

    from django.utils import timezone

    from contributions.conversation.selectors import comment_thread
    from contributions.conversation.services import comment_withdraw
    from contributions.models import Comment

    idea = ContributionFactory(project=world.project, author=member(world, "staff"), kind="idea")
    other = ContributionFactory(project=world.project, author=member(world, "staff"), kind="idea")
    carer, staff = member(world, "carer"), member(world, "staff")
    first = comment_add(contribution=idea, author=carer, body="first")
    second = comment_add(contribution=idea, author=staff, body="second")
    gone = comment_add(contribution=idea, author=carer, body="gone")
    held = comment_add(contribution=idea, author=carer, body="held")
    comment_add(contribution=other, author=carer, body="elsewhere")
    one = comment_add(contribution=idea, author=staff, body="reply one", parent=first)
    two = comment_add(contribution=idea, author=carer, body="reply two", parent=first)
    dropped = comment_add(contribution=idea, author=carer, body="dropped", parent=first)
    kept = comment_add(contribution=idea, author=staff, body="kept", parent=held)
    for withdrawn in (gone, held, dropped):
        comment_withdraw(comment=withdrawn)
    # The second comment was written earliest: the thread follows when they were written.
    Comment.objects.filter(pk=second.pk).update(created_at=timezone.now() - timedelta(days=1))
    with django_assert_num_queries(1):
        thread = comment_thread(idea)
        shown = [(c.body, [r.body for r in c.visible_replies]) for c in thread]
        authors = [c.author.display_name for c in thread]
    assert shown == [
        ("second", []),
        ("first", ["reply one", "reply two"]),
        ("held", ["kept"]),
    ]
    assert authors[0] == staff.display_name
    assert [r.pk for r in thread[1].visible_replies] == [one.pk, two.pk]
    assert thread[2].visible_replies[0].pk == kept.pk


def test_what_is_behind_an_idea_and_what_it_led_to_are_one_query(world, django_assert_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    from contributions.models import Contribution
    from contributions.selectors import contribution_links

    def made(kind, title, days_ago):
        contribution = ContributionFactory(
            project=world.project, author=member(world, "carer"), kind=kind, title=title
        )
        Contribution.objects.filter(pk=contribution.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
        return Contribution.objects.get(pk=contribution.pk)

    story = made("experience", "Lost bag", 5)
    older = made("experience", "Long wait", 9)
    withdrawn = made("experience", "Taken back", 1)
    idea = made("idea", "Bags labelled", 3)
    later = made("idea", "Bags tracked", 2)
    other = made("idea", "Unrelated", 2)
    idea.sources.add(older, story, withdrawn)
    later.sources.add(idea)
    other.sources.add(story)
    Contribution.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    with django_assert_num_queries(1):
        links = contribution_links(idea)
        stages = [c.stage for c in links["sources"] + links["led_to"]]
    assert [c.title for c in links["sources"]] == ["Lost bag", "Long wait"]
    assert [c.title for c in links["led_to"]] == ["Bags tracked"]
    assert len(stages) == 3
    assert [c.title for c in contribution_links(story)["led_to"]] == ["Unrelated", "Bags labelled"]
