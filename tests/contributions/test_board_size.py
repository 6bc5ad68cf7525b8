"""How many contributions a project's board lists, kept on the project (``Project.board_size``,
contributions/board_size.py): always what counting the board gives, after every kind of write,
and what the board's pages say, without counting, outside a transaction."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contributions.board_size import board_sizes_refresh
from contributions.conversation.services import comment_add
from contributions.models import Contribution
from contributions.services import contribution_add, contribution_withdraw, support_toggle
from participants.services import membership_withdraw
from projects.models import Project
from tests.conftest import at_once
from tests.factories import ContributionFactory

from .conftest import member

pytestmark = pytest.mark.django_db(transaction=True)


def kept(project) -> int:
    return Project.objects.get(pk=project.pk).board_size


def listed(project) -> int:
    return Contribution.objects.filter(project=project).visible().count()


def recounts(captured) -> list:
    return [q for q in captured.captured_queries if 'SET "board_size"' in q["sql"]]


def add(world, role="service_user", kind="idea", title="Chairs in the corridor"):
    return contribution_add(
        project=world.project, author=member(world, role), kind=kind, title=title
    )


def test_every_write_to_the_board_is_counted_as_counting_gives(world):
    idea, story = add(world), add(world, "carer", kind="experience", title="The night I left")
    add(world, "staff", title="A quiet room")
    assert kept(world.project) == listed(world.project) == 3
    contribution_withdraw(contribution=idea)
    assert kept(world.project) == listed(world.project) == 2
    Contribution.objects.filter(pk=story.pk).update(hidden_at=timezone.now())  # still listed
    ContributionFactory(project=world.project, author=member(world, "staff"))
    assert kept(world.project) == listed(world.project) == 3
    Contribution.objects.get(pk=story.pk).delete()
    assert kept(world.project) == listed(world.project) == 2
    assert kept(world.other_project) == 0


def test_supports_and_comments_leave_the_count_alone(world):
    idea = add(world)
    staff = member(world, "staff")
    with CaptureQueriesContext(connection) as captured:
        support_toggle(contribution=idea, membership=staff, support=True)
        comment_add(contribution=idea, author=staff, body="Yes")
    assert [q for q in captured.captured_queries if "content_version" in q["sql"]]
    assert not recounts(captured)
    with CaptureQueriesContext(connection) as captured:
        add(world, "staff", title="A quiet room")
    assert len(recounts(captured)) == 1
    assert kept(world.project) == 2


def test_a_member_leaving_takes_their_stories_off_the_count(world):
    carer = member(world, "carer")
    add(world, "carer", kind="experience", title="The night I left")
    add(world, "carer", title="Chairs")
    assert kept(world.project) == 2
    membership_withdraw(membership=carer, withdrawn_by=world.users["facilitator"])
    assert kept(world.project) == listed(world.project) == 1  # their idea stays


def test_two_contributions_added_at_once_are_both_counted(on_postgres, world):
    at_once([lambda: add(world, "service_user"), lambda: add(world, "staff", title="Rota")])
    assert kept(world.project) == listed(world.project) == 2


def test_saving_a_project_loaded_before_a_count_does_not_write_back_the_old_one(world):
    loaded = Project.objects.get(pk=world.project.pk)
    add(world)
    loaded.title = "Renamed"
    loaded.save()
    assert kept(world.project) == 1


def test_a_bulk_write_is_counted_by_the_refresh(world):
    author = member(world, "staff")
    Contribution.objects.bulk_create(
        Contribution(project=world.project, author=author, kind="idea", title=f"Idea {n}")
        for n in range(3)
    )
    assert kept(world.project) == 0  # no signal: not counted yet
    board_sizes_refresh(project_ids=[world.project.pk])
    assert kept(world.project) == 3


def test_the_board_says_the_count_kept_and_counts_nothing(world, client):
    """Outside a transaction the board's pages read the count kept on the project: set by
    hand to another number, the board says that number (a count would say 25)."""
    for n in range(25):
        add(world, title=f"Idea {n}")
    Project.objects.filter(pk=world.project.pk).update(board_size=45)
    client.force_login(world.users["facilitator"])
    board = reverse("contributions:board", args=[world.project.pk])
    html = client.get(board).content.decode()
    assert "Page 1 of 3" in html
    assert "Page 3 of 3" in client.get(f"{board}?page=3").content.decode()
    # Filtered, the board counts what the filters let through.
    assert "Page 1 of 2" in client.get(f"{board}?kind=idea").content.decode()
