"""The board's search: one path (contributions.selectors.search), full-text and trigram
indexes on PostgreSQL, substrings on SQLite."""

import pytest
from django.db import connection

from contributions.models import Contribution
from contributions.selectors import search
from tests.factories import ContributionFactory, ProjectFactory

from .conftest import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(world):
    author = member(world, "service_user")
    for title, body in [
        ("Appointments by text", "A reminder the day before"),
        ("Disappointing wait", "Four hours in the corridor"),
        ("See the GP sooner", "Letters take weeks"),
        ("Bus to the clinic", "The 42 stops at the door"),
        ("Quiet room", "Somewhere to wait with a child"),
    ]:
        ContributionFactory(project=world.project, author=author, title=title, body=body)
    return Contribution.objects.filter(project=world.project)


def found(queryset, text, project=None):
    """The titles ``search`` finds in ``queryset`` (within ``project``: by default the project
    of the queryset's first contribution)."""
    project_id = project.pk if project else queryset.values_list("project", flat=True).first()
    return sorted(search(queryset, text, project_id=project_id).values_list("title", flat=True))


def test_words_match_title_and_text_and_every_word_must_match(board):
    assert found(board, "corridor") == ["Disappointing wait"]
    assert found(board, "WAIT") == ["Disappointing wait", "Quiet room"]
    assert found(board, "wait child") == ["Quiet room"]
    assert found(board, "wait, corridor!") == ["Disappointing wait"]
    assert found(board, "nothing like this") == []


def test_short_words_are_found_inside_words(board):
    assert found(board, "GP") == ["See the GP sooner"]
    assert found(board, "42") == ["Bus to the clinic"]
    assert found(board, "bus clinic") == ["Bus to the clinic"]


def test_text_without_letters_is_looked_for_as_it_is(board):
    assert found(board, "?!") == []


def test_on_postgresql_longer_words_begin_words_through_the_full_text_index(on_postgres, board):
    assert found(board, "appoint") == ["Appointments by text"]
    # A word inside another word is not a word of the text.
    assert found(board, "pointing") == []
    everything = Contribution.objects.order_by()  # no other index to choose
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            project = board.first().project_id
            long_word = str(search(everything, "reminder", project_id=project).explain())
            short_word = str(search(everything, "bus", project_id=project).explain())
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "contribution_project_words" in long_word
    assert "contribution_title_trigrams" in short_word
    assert "contribution_body_trigrams" in short_word


def test_on_postgresql_the_words_are_kept_by_the_database_as_they_change(on_postgres, board):
    """The stored words (contributions/migrations/0010) follow every write, the ORM's and a
    bulk update's alike."""
    assert found(board, "corridor") == ["Disappointing wait"]
    Contribution.objects.filter(title="Disappointing wait").update(body="Four hours standing")
    assert found(board, "corridor") == []
    assert found(board, "standing") == ["Disappointing wait"]
    ContributionFactory(project=board.first().project, title="Corridor chairs", body="None")
    assert found(board, "corridor") == ["Corridor chairs"]


def test_on_postgresql_a_project_s_words_are_its_own(on_postgres, world, board):
    """Each word is kept marked with its project (``1.carer``): a search finds the project's
    contributions alone, even asked of every contribution, and the index gathers the
    project's matches alone, not every match across the organisation (migration 0015). A
    project whose number begins with another's (7 and 71) finds none of the other's."""
    first = ProjectFactory(pk=7_000_007, organisation=world.organisation)
    second = ProjectFactory(pk=70_000_071, organisation=world.organisation)
    for project, count in ((first, 2), (second, 5), (world.project, 0)):
        for n in range(count):
            ContributionFactory(project=project, title=f"Corridors {n}", body="Chairs")
    everything = Contribution.objects.order_by()
    assert found(everything, "corridor", first) == ["Corridors 0", "Corridors 1"]
    assert len(found(everything, "corri", second)) == 5
    assert found(everything, "corridor", world.project) == ["Disappointing wait"]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            plan = search(everything, "corridor", project_id=first.pk).explain(analyze=True)
        finally:
            cursor.execute("SET enable_seqscan = on")
    index_scan = next(line for line in plan.splitlines() if "contribution_project_words" in line)
    assert "rows=2 " in index_scan, plan


def test_on_postgresql_a_moved_contribution_is_found_in_its_new_project(on_postgres, world, board):
    other = ProjectFactory(organisation=world.organisation)
    board.filter(title="Quiet room").update(project=other)
    assert found(board.model.objects.all(), "somewhere", other) == ["Quiet room"]
    assert found(board.model.objects.all(), "somewhere", world.project) == []


def test_on_sqlite_every_word_is_found_anywhere(board):
    if connection.vendor != "sqlite":
        pytest.skip("The fallback where PostgreSQL's search is not available")
    assert found(board, "appoint") == ["Appointments by text", "Disappointing wait"]
    assert found(board, "pointing") == ["Disappointing wait"]
