"""The board's search: one path (contributions.selectors.search), full-text and trigram
indexes on PostgreSQL, substrings on SQLite."""

import pytest
from django.db import connection

from contributions.models import Contribution
from contributions.selectors import search
from tests.factories import ContributionFactory

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


def found(queryset, text):
    return sorted(search(queryset, text).values_list("title", flat=True))


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
            long_word = str(search(everything, "reminder").explain())
            short_word = str(search(everything, "bus").explain())
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "contribution_project_document" in long_word
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


def test_on_sqlite_every_word_is_found_anywhere(board):
    if connection.vendor != "sqlite":
        pytest.skip("The fallback where PostgreSQL's search is not available")
    assert found(board, "appoint") == ["Appointments by text", "Disappointing wait"]
    assert found(board, "pointing") == ["Disappointing wait"]
