"""The board's search: one path (contributions.selectors.search; ``found`` for the board),
full-text and trigram indexes on PostgreSQL, substrings on SQLite."""

import pytest
from django.db import connection
from django.utils import timezone

from contributions import selectors
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


def plan_of(*querysets, analyze=False) -> list[str]:
    """PostgreSQL's plan of each queryset, with the board among a few thousand contributions
    of another project (on a table of a few rows, PostgreSQL would as soon read every row
    through any index) and the table's rows known to it (``ANALYZE``), choosing only among
    scans that gather from an index."""
    crowd = ContributionFactory(title="Elsewhere", body="Another service altogether")
    Contribution.objects.bulk_create(
        Contribution(
            **{
                field.attname: getattr(crowd, field.attname)
                for field in Contribution._meta.concrete_fields
                if not field.primary_key and field.attname != "submission_key"
            }
            | {"title": f"Elsewhere {n}"}
        )
        for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Contribution._meta.db_table}")
        cursor.execute("SET enable_seqscan = off; SET enable_indexscan = off")
        try:
            return [str(queryset.explain(analyze=analyze)) for queryset in querysets]
        finally:
            cursor.execute("SET enable_seqscan = on; SET enable_indexscan = on")


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
    project = board.first().project_id
    long_word, short_word = plan_of(
        search(everything, "reminder", project_id=project),
        search(everything, "bus", project_id=project),
    )
    assert "contribution_searchable_words" in long_word
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
    (plan,) = plan_of(search(everything, "corridor", project_id=first.pk), analyze=True)
    index_scan = next(line for line in plan.splitlines() if "contribution_searchable_words" in line)
    assert "rows=2 " in index_scan, plan


def test_on_postgresql_the_index_holds_what_a_search_may_find_alone(on_postgres, world, board):
    """The index of the project's words holds contributions neither withdrawn nor hidden
    (migration 0019): it gathers none of the others, and no match read from the table is
    tested for either; one withdrawn or hidden is found no more, and one shown again is."""
    author = member(world, "carer")
    for state in ("hidden_at", "withdrawn_at"):
        ContributionFactory(
            project=world.project, author=author, title="Corridor", **{state: timezone.now()}
        )
    everything = Contribution.objects.order_by()
    (plan,) = plan_of(search(everything, "corridor", project_id=world.project.pk), analyze=True)
    index_scan = next(line for line in plan.splitlines() if "contribution_searchable_words" in line)
    assert "rows=1 " in index_scan, plan
    tested = [line for line in plan.splitlines() if "Filter:" in line]
    assert not any("withdrawn_at" in line or "hidden_at" in line for line in tested), plan
    assert found(board, "corridor") == ["Disappointing wait"]
    board.filter(title="Disappointing wait").update(hidden_at=timezone.now())
    board.filter(title="Quiet room").update(withdrawn_at=timezone.now())
    assert found(board, "wait") == []
    board.filter(title="Disappointing wait").update(hidden_at=None)
    assert found(board, "wait") == ["Disappointing wait"]


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


def titles(rows) -> list[str]:
    return sorted(rows.values_list("title", flat=True))


def test_what_a_search_finds_is_the_boards_newest_first_without_the_hidden_or_withdrawn(
    world, board
):
    """``selectors.found``: the board's contributions holding every word, newest first;
    neither a hidden one (its text is not shown, so it is not found by it) nor a withdrawn
    one, nor another project's with the same words, whether the word is long or short."""
    other = ProjectFactory(organisation=world.organisation)
    ContributionFactory(project=other, title="Corridor GP wait", body="Disappointing")
    board.filter(title="Quiet room").update(hidden_at=timezone.now())
    ContributionFactory(
        project=world.project, title="Corridor GP", body="Taken back", withdrawn_at=timezone.now()
    )
    latest = ContributionFactory(project=world.project, title="Wait for the GP", body="Long")
    assert titles(selectors.found(world.project, "wait")) == [
        "Disappointing wait",
        "Wait for the GP",
    ]
    assert titles(selectors.found(world.project, "GP")) == ["See the GP sooner", "Wait for the GP"]
    assert titles(selectors.found(world.project, "corridor")) == ["Disappointing wait"]
    assert titles(selectors.found(world.project, "somewhere")) == []
    assert selectors.found(world.project, "wait").first() == latest


def test_on_postgresql_a_search_gathers_the_project_s_words_alone(on_postgres, world, board):
    """A search among the project's words is not also gathered from the project's rows: the
    words are the project's (``1.carer``), and PostgreSQL, led to intersect the two, read
    every row of the project from its index (1 ms of a 3 ms search among 200,000). The
    project is still asked of each row found, in a form no index serves."""
    rows = selectors.found(world.project, "corridor wait")
    sql = str(rows.query)
    assert '"project_id" + 0 = ' in sql and '"project_id" = ' not in sql, sql
    plan, searched = plan_of(rows, search(board, "corridor wait", project_id=world.project.pk))
    assert "BitmapAnd" not in plan and "Index Cond: (project_id" not in plan, plan
    # The same words asked of the project's rows: PostgreSQL gathers them from the project's.
    assert "Index Cond: (project_id = " in searched, searched
