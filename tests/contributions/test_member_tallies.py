"""Each member's supports and comments by constituency (contributions.MemberTally), which
parity's tallies read: always what counting the rows gives, after every kind of write."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from contributions.conversation.services import comment_add, comment_withdraw
from contributions.member_tallies import member_tallies_refresh
from contributions.models import Comment, Contribution, MemberTally, Support
from contributions.services import support_toggle
from dashboards.parity import Measure, parity_for_projects, tally_counts
from participants.models import Constituency
from tests.conftest import at_once
from tests.factories import ContributionFactory, MembershipFactory

from .conftest import member

pytestmark = pytest.mark.django_db


def tallies(project) -> dict:
    return tally_counts([project.pk])[project.pk]


def counted(project) -> dict:
    """The same measures counted from the rows."""
    parity = parity_for_projects([project.pk])[project.pk]
    return {"supports": parity.supports, "comments": parity.comments}


def idea_of(world, role="service_user", **fields):
    return ContributionFactory(
        project=world.project, author=member(world, role), kind="idea", **fields
    )


def test_supports_and_comments_given_and_taken_back_are_tallied_as_counted(world):
    idea, other = idea_of(world), idea_of(world, "carer")
    carer, staff = member(world, "carer"), member(world, "staff")
    for who in (carer, staff):
        support_toggle(contribution=idea, membership=who, support=True)
    support_toggle(contribution=other, membership=staff, support=True)
    support_toggle(contribution=idea, membership=carer, support=False)
    first = comment_add(contribution=idea, author=staff, body="Yes")
    comment_add(contribution=idea, author=carer, body="Me too", parent=first)
    comment_add(contribution=other, author=staff, body="And here")
    comment_withdraw(comment=first)
    comment_withdraw(comment=first)  # twice: counted once
    assert tallies(world.project) == counted(world.project)
    assert tallies(world.project) == {
        "supports": Measure(service_users=0, staff=2),
        "comments": Measure(service_users=1, staff=1),
    }


def test_rows_keep_the_constituency_they_were_written_in(world):
    """A member who moves constituency keeps their earlier rows in the old one."""
    idea = idea_of(world)
    carer = member(world, "carer")
    comment_add(contribution=idea, author=carer, body="As a carer")
    carer.constituency = Constituency.STAFF
    carer.save()
    comment_add(contribution=idea, author=carer, body="As staff now")
    assert tallies(world.project)["comments"] == Measure(service_users=1, staff=1)
    assert tallies(world.project) == counted(world.project)
    assert MemberTally.objects.filter(membership=carer).count() == 2


def test_a_contribution_deleted_takes_its_comments_out_of_everyone_s_tally(world):
    story = ContributionFactory(
        project=world.project, author=member(world, "service_user"), kind="experience"
    )
    comment_add(contribution=story, author=member(world, "staff"), body="Thank you")
    assert tallies(world.project)["comments"].staff == 1
    story.delete()
    assert tallies(world.project) == counted(world.project)
    assert tallies(world.project)["comments"].staff == 0


def test_a_member_deleted_takes_their_tallies_with_them(world):
    idea = idea_of(world)
    leaver = MembershipFactory(project=world.project, constituency=Constituency.STAFF)
    support_toggle(contribution=idea, membership=leaver, support=True)
    assert MemberTally.objects.filter(membership=leaver).exists()
    leaver.delete()
    assert not MemberTally.objects.filter(membership_id=leaver.pk).exists()
    assert tallies(world.project) == counted(world.project)


def test_rows_written_in_bulk_are_tallied_once_refreshed(world):
    idea = idea_of(world)
    staff = member(world, "staff")
    Support.objects.bulk_create(
        [Support(contribution=idea, project=world.project, membership=staff, constituency="staff")]
    )
    Comment.objects.bulk_create(
        [
            Comment(
                contribution=idea,
                project=world.project,
                author=staff,
                constituency="staff",
                body="In bulk",
            )
        ]
    )
    assert tallies(world.project) != counted(world.project)  # no signal: not yet tallied
    member_tallies_refresh(project_ids=[world.project.pk])
    assert tallies(world.project) == counted(world.project)
    assert tallies(world.project)["supports"].staff == 1


def test_with_dates_the_rows_are_counted(world):
    idea = idea_of(world)
    support_toggle(contribution=idea, membership=member(world, "staff"), support=True)
    MemberTally.objects.update(supports=40)  # what the tallies say is not read for dates
    dated = tally_counts([world.project.pk], date_from=idea.created_at.date())
    assert dated[world.project.pk]["supports"].staff == 1


@pytest.mark.django_db(transaction=True)
def test_one_person_supporting_two_ideas_at_once_is_tallied_twice(on_postgres, world):
    ideas = [idea_of(world, title=f"Idea {n}") for n in range(2)]
    staff = member(world, "staff")
    at_once(
        [lambda idea=idea: support_toggle(contribution=idea, membership=staff) for idea in ideas]
    )
    assert Contribution.objects.filter(supports__membership=staff).count() == 2
    assert tallies(world.project)["supports"] == Measure(service_users=0, staff=2)


@pytest.mark.django_db(transaction=True)
def test_the_migration_tallies_the_supports_and_comments_already_there(world):
    before = [("contributions", "0012_parity_indexes")]
    idea = idea_of(world)
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldSupport, OldComment = (old.get_model("contributions", n) for n in ("Support", "Comment"))
    staff, carer = member(world, "staff"), member(world, "carer")
    for who in (staff, carer):
        OldSupport.objects.create(
            contribution_id=idea.pk,
            project_id=world.project.pk,
            membership_id=who.pk,
            constituency=who.constituency,
        )
    for withdrawn_at in (None, timezone.now()):
        OldComment.objects.create(
            contribution_id=idea.pk,
            project_id=world.project.pk,
            author_id=staff.pk,
            constituency=staff.constituency,
            body="Yes",
            withdrawn_at=withdrawn_at,
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert tallies(world.project) == {
        "supports": Measure(service_users=1, staff=1),
        "comments": Measure(service_users=0, staff=1),
    }
    assert tallies(world.project) == counted(world.project)
