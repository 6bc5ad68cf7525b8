"""Each contribution's kept counts stay exact when people support and comment at the same
moment (PostgreSQL, where the services really run side by side)."""

import pytest

from contributions.conversation.services import comment_add
from contributions.models import Contribution
from contributions.services import support_toggle
from participants.models import Membership
from tests.conftest import at_once
from tests.factories import ContributionFactory, MembershipFactory


@pytest.mark.django_db(transaction=True)
def test_supports_and_comments_made_at_once_are_all_counted(on_postgres, world):
    idea = ContributionFactory(
        project=world.project,
        author=Membership.objects.get(project=world.project, user=world.users["staff"]),
        kind="idea",
    )
    people = [MembershipFactory(project=world.project) for _ in range(4)]
    at_once(
        [
            *(
                lambda person=person: support_toggle(
                    contribution=idea, membership=person, support=True
                )
                for person in people
            ),
            *(
                lambda person=person: comment_add(contribution=idea, author=person, body="Yes")
                for person in people
            ),
        ]
    )
    idea = Contribution.objects.get(pk=idea.pk)
    assert (idea.support_count, idea.comment_count) == (4, 4)
