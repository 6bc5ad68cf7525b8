"""Contributions read as cards (contributions/card_rows.py): every column of the contribution,
its author, stage and session, and whether the person supports it, as the ORM reads them, in
one query; on SQLite and on PostgreSQL (CI)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from codesign import rows
from contributions import card_rows, selectors
from contributions.models import Contribution, Support
from contributions.tallies import Standing
from tests.conftest import columns
from tests.factories import ContributionFactory, WorkshopSessionFactory

from .conftest import member

pytestmark = pytest.mark.django_db


def orm(project, pk, membership):
    return (
        selectors.cards(project, membership=membership)
        .select_related("author", "stage", "session")
        .get(pk=pk)
    )


@pytest.fixture
def contributions(world):
    """An idea at a stage from a session, withdrawn and hidden ones, an anonymous touchpoint
    with a feeling and no stage, each by someone else; the carer supports the first two."""
    project = world.project
    session = WorkshopSessionFactory(project=project, title="Ward 7 evening")
    stage = project.stages.order_by("order").first()
    made = [
        ContributionFactory(
            project=project,
            author=member(world, "service_user"),
            stage=stage,
            session=session,
            title="Pack medicines early",
        ),
        ContributionFactory(
            project=project,
            author=member(world, "staff"),
            kind="touchpoint",
            emotion="worried",
            is_anonymous=True,
            title='Waiting <for> "the" letter',
        ),
        ContributionFactory(
            project=project, author=member(world, "carer"), withdrawn_at=timezone.now()
        ),
        ContributionFactory(
            project=project,
            author=member(world, "facilitator"),
            hidden_at=timezone.now(),
            hidden_reason="Names a patient",
        ),
    ]
    for contribution in made[:2]:
        Support.objects.create(
            contribution=contribution,
            membership=member(world, "carer"),
            project=project,
            constituency=member(world, "carer").constituency,
        )
    return made


@pytest.mark.parametrize("reader", ["carer", "service_user", None])
def test_a_contribution_with_its_author_stage_session_and_support_is_the_orms(
    world, contributions, reader
):
    membership = member(world, reader) if reader else None
    for contribution in contributions:
        expected = orm(world.project, contribution.pk, membership)
        with CaptureQueriesContext(connection) as queries:
            read = card_rows.card(world.project, contribution.pk, membership=membership)
            assert columns(read) == columns(expected)
            for name in ("author", "stage", "session"):
                assert columns(getattr(read, name)) == columns(getattr(expected, name))
        assert len(queries.captured_queries) == 1
        assert read.supported == bool(getattr(expected, "supported", False))
    assert card_rows.card(world.project, contributions[0].pk, membership=membership).supported == (
        reader == "carer"
    )


def test_a_page_of_cards_is_read_in_the_order_asked_in_one_query(world, contributions):
    carer = member(world, "carer")
    ids = [c.pk for c in reversed(contributions)]
    with CaptureQueriesContext(connection) as queries:
        read = card_rows.cards(world.project, ids, membership=carer)
        authors = [c.author.display_name for c in read]
    assert len(queries.captured_queries) == 1
    assert [c.pk for c in read] == ids
    assert [columns(c) for c in read] == [columns(orm(world.project, pk, carer)) for pk in ids]
    assert authors == [orm(world.project, pk, carer).author.display_name for pk in ids]
    assert [c.supported for c in read] == [False, False, True, True]
    # Any number of them, each shape asked again with other ids.
    assert [c.pk for c in card_rows.cards(world.project, ids[:1], membership=carer)] == ids[:1]
    assert card_rows.cards(world.project, [], membership=carer) == []


@pytest.mark.parametrize("reader", ["carer", "service_user", None])
def test_tallies_stand_as_the_orm_counts_them_in_one_query(world, contributions, reader):
    """A board kept before a support or a comment draws its tallies from these."""
    membership = member(world, reader) if reader else None
    Contribution.objects.filter(pk=contributions[0].pk).update(support_count=3, comment_count=2)
    theirs = ContributionFactory(project=world.other_project)
    ids = [str(c.pk) for c in contributions] + [str(theirs.pk)]  # as the page's marks give them
    with CaptureQueriesContext(connection) as queries:
        standings = card_rows.standings(world.project, ids, membership=membership)
    assert len(queries.captured_queries) == 1
    rows = selectors.cards(world.project, membership=membership).filter(pk__in=ids)
    expected = {
        c.pk: Standing(
            c.pk,
            world.project.pk,
            c.title,
            c.support_count,
            c.comment_count,
            bool(getattr(c, "supported", False)),
        )
        for c in rows
    }
    assert standings == expected and len(standings) == len(contributions)
    first = standings[contributions[0].pk]
    assert (first.support_count, first.comment_count, first.supported) == (3, 2, reader == "carer")
    assert card_rows.standings(world.project, [], membership=membership) == {}


def test_another_projects_contribution_is_none(world, contributions):
    theirs = ContributionFactory(project=world.other_project)
    assert card_rows.card(world.project, theirs.pk) is None
    assert card_rows.cards(world.project, [theirs.pk, contributions[0].pk]) == [
        card_rows.card(world.project, contributions[0].pk, related=("author",))
    ]
    assert card_rows.card(world.other_project, theirs.pk).pk == theirs.pk
    assert card_rows.card(world.project, 2**63) is None
    assert card_rows.card(world.project, 0) is None


def test_a_contributions_page_reads_it_once_and_another_projects_is_not_found(
    world, contributions, client
):
    client.force_login(world.users["carer"])
    theirs = ContributionFactory(project=world.other_project)
    url = contributions[0].get_absolute_url()
    html = client.get(url).content.decode()
    assert "Pack medicines early" in html and "Ward 7 evening" in html
    assert 'aria-pressed="true"' in html
    elsewhere = url.replace(f"/{contributions[0].pk}/", f"/{theirs.pk}/")
    assert client.get(elsewhere).status_code == 404


def test_tag_names_are_each_contributions_in_alphabetical_order(world, contributions):
    from contributions.models import Tag

    tags = {n: Tag.objects.create(project=world.project, name=n) for n in ("Wards", "Beds", "GP")}
    contributions[0].tags.add(tags["Wards"], tags["Beds"])
    contributions[1].tags.add(tags["GP"])
    ids = [c.pk for c in contributions]
    with CaptureQueriesContext(connection) as queries:
        names = card_rows.tag_names(ids)
    assert len(queries.captured_queries) == 1
    assert names == {ids[0]: ("Beds", "Wards"), ids[1]: ("GP",)}
    assert names == {
        c.pk: tuple(c.tags.order_by("name").values_list("name", flat=True))
        for c in contributions
        if c.tags.exists()
    }
    assert card_rows.tag_names([]) == {}


def test_cards_carry_their_tags_names_in_alphabetical_order_in_the_same_query(world, contributions):
    from contributions.models import Tag

    names = ("wards", "Beds", "GP", "Ählers")
    tags = {n: Tag.objects.create(project=world.project, name=n) for n in names}
    contributions[0].tags.add(*tags.values())
    contributions[1].tags.add(tags["GP"])
    ids = [c.pk for c in contributions[:2]] + [contributions[3].pk]
    with CaptureQueriesContext(connection) as queries:
        read = card_rows.cards(world.project, ids)
        one = card_rows.card(world.project, contributions[0].pk)
    assert len(queries.captured_queries) == 2
    # As the database sorts them (its collation), as the ORM reads them.
    expected = {c.pk: tuple(c.tags.order_by("name").values_list("name", flat=True)) for c in read}
    assert [c.tag_names for c in read] == [expected[pk] for pk in ids]
    assert read[0].tag_names == one.tag_names and len(one.tag_names) == 4
    assert read[1].tag_names == ("GP",) and read[2].tag_names == ()


def test_both_sides_of_a_contributions_links_are_the_orms(world, contributions):
    stage = world.project.stages.order_by("order").first()
    experience = ContributionFactory(
        project=world.project, author=member(world, "carer"), kind="experience", stage=stage
    )
    other = ContributionFactory(project=world.project, author=member(world, "staff"))
    contributions[0].sources.add(experience, contributions[1])
    other.sources.add(experience)
    contributions[2].sources.add(experience)  # withdrawn: read, left out by the selector
    for contribution in (experience, contributions[0], contributions[1], other):
        with CaptureQueriesContext(connection) as queries:
            read = card_rows.linked(contribution)
        assert len(queries.captured_queries) == 1
        expected = {
            "sources": contribution.sources.select_related("stage"),
            "led_to": contribution.led_to.select_related("stage"),
        }
        for side, found in read.items():
            key = sorted(expected[side], key=lambda c: c.pk)
            assert [columns(c) for c in sorted(found, key=lambda c: c.pk)] == [
                columns(c) for c in key
            ]
            assert [columns(c.stage) for c in sorted(found, key=lambda c: c.pk)] == [
                columns(c.stage) for c in key
            ]
    assert {c.pk for c in card_rows.linked(experience)["led_to"]} == {
        contributions[0].pk,
        other.pk,
        contributions[2].pk,
    }
    shown = selectors.contribution_links(experience)["led_to"]
    assert [c.pk for c in shown] == [other.pk, contributions[0].pk]


def test_the_changes_a_contribution_led_to_are_the_orms_newest_first(world, contributions, client):
    from changes.models import ServiceChange
    from tests.factories import ServiceChangeFactory

    made = [
        ServiceChangeFactory(project=world.project, title=title)
        for title in ("Discharge letters by noon", "Medicines packed the day before")
    ]
    for change in made:
        change.contributions.add(contributions[0])
    ServiceChange.objects.filter(pk=made[0].pk).update(updated_at=timezone.now())
    ServiceChangeFactory(project=world.project).contributions.add(contributions[1])
    with CaptureQueriesContext(connection) as queries:
        read = card_rows.changes_from(contributions[0])
    assert len(queries.captured_queries) == 1
    assert [columns(c) for c in read] == [
        columns(c) for c in contributions[0].service_changes.all()
    ]
    assert [c.title for c in read] == [
        "Discharge letters by noon",
        "Medicines packed the day before",
    ]
    client.force_login(world.users["carer"])
    html = client.get(contributions[0].get_absolute_url()).content.decode()
    assert "Discharge letters by noon" in html and made[1].get_absolute_url() in html
    assert card_rows.changes_from(contributions[2]) == []


def test_once_prepared_whether_a_member_supports_a_card_reads_one_index_row(on_postgres, world):
    """The cards' query is prepared once a connection and then planned for any member
    (a generic plan): whether the member supports each card is one row of the unique index of
    contribution and member (``one_support``), never all of the member's supports in the
    project read again for each card (which a plan through the parity index did)."""
    carer = member(world, "carer")
    ideas = [ContributionFactory(project=world.project, title=f"Idea {n}") for n in range(30)]
    for idea in ideas:
        Support.objects.create(contribution=idea, membership=carer, project=world.project)
    card_rows.cards(world.project, [ideas[0].pk], membership=carer)  # the query, written
    _connection, shape = rows.written(("card", ("author",), 0), Contribution, lambda *args: None)
    numbered = (
        shape.sql.replace("%(project)s", "$1")
        .replace("%(membership)s", "$2")
        .replace("%(ids)s", "$3")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE cards_for_test (bigint, bigint, bigint[]) AS {numbered}")
        try:
            ids = "{" + ",".join(str(idea.pk) for idea in ideas[:20]) + "}"
            cursor.execute(
                "EXPLAIN (ANALYZE, FORMAT TEXT) EXECUTE cards_for_test (%s, %s, %s)",
                [world.project.pk, carer.pk, ids],
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE cards_for_test")
            cursor.execute("RESET plan_cache_mode")
    assert "one_support" in plan, plan
    assert "support_parity" not in plan, plan


def board_of(world, count, *, tied, supported, carer, title=None, hidden=None) -> list:
    """``count`` contributions of the project by two groups, with supports 0 to 3, every
    eleventh withdrawn (and those ``hidden`` says hidden), the first ``tied`` made at one moment
    (the order falls back on the id), the one at ``supported`` supported by ``carer``."""
    now = timezone.now()
    made = [
        ContributionFactory(
            project=world.project,
            author=member(world, "staff" if n % 3 else "service_user"),
            title=title(n) if title else f"Idea number {n}",
            support_count=n % 4,
            withdrawn_at=now if n % 11 == 5 else None,
            hidden_at=now if hidden and hidden(n) else None,
        )
        for n in range(count)
    ]
    Contribution.objects.filter(pk__in=[c.pk for c in made[:tied]]).update(
        created_at=made[0].created_at
    )
    Support.objects.create(
        contribution=made[supported], membership=carer, project=world.project, constituency="carer"
    )
    return made


def test_a_page_of_the_board_is_its_ids_and_cards_in_one_query_both_orders_either_end(world):
    """``selectors.board_page``: the ids the ORM's board gives for a page (withdrawn ones
    left out, ties on supports and on the moment broken by id), in the board's order, read
    from the start or (``from_end``) from the end, each as ``cards`` reads it: one query."""
    carer = member(world, "carer")
    made = board_of(world, 47, tied=6, supported=1, carer=carer)
    ContributionFactory(project=ContributionFactory().project)  # another project's
    for sort, order in selectors.SORTS.items():
        ids = list(selectors.board(world.project).order_by(*order).values_list("pk", flat=True))
        assert len(ids) == 43
        for offset, limit in ((0, 20), (20, 20), (40, 3), (3, 20), (43, 20)):
            page = ids[offset : offset + limit]
            # From the end: as many as the page has, as the paginator asks.
            for from_end, start, asked in (
                (False, offset, limit),
                (True, len(ids) - offset - len(page), len(page)),
            ):
                with CaptureQueriesContext(connection) as queries:
                    read = selectors.board_page(
                        world.project,
                        sort,
                        offset=start,
                        limit=asked,
                        from_end=from_end,
                        membership=carer,
                    )
                assert [c.pk for c in read] == page, (sort, offset, from_end)
                assert len(queries.captured_queries) == (1 if asked else 0)
                assert [columns(c) for c in read] == [
                    columns(c) for c in card_rows.cards(world.project, page, membership=carer)
                ]
                assert [c.supported for c in read] == [c.pk == made[1].pk for c in read]
                assert all(c.author.display_name for c in read)


def test_a_page_whose_ids_the_orm_must_be_asked_for_is_still_the_boards(world, monkeypatch):
    """An ids' query the ORM cannot compile once (``rows.compiled_query`` says None) is asked
    of the ORM, and its cards read after: the same page."""
    for n in range(5):
        ContributionFactory(project=world.project, title=f"Idea number {n}")
    monkeypatch.setattr(rows, "compiled_query", lambda *args, **kwargs: None)
    ids = list(selectors.board(world.project).values_list("pk", flat=True))
    read = selectors.board_page(world.project, "newest", offset=1, limit=3)
    assert [c.pk for c in read] == ids[1:4]


def test_the_orms_placeholders_are_named_in_order_and_a_literal_percent_kept():
    assert (
        card_rows._named("a = %s AND b LIKE '%%s' AND c = %s", 2)
        == "a = %(v0)s AND b LIKE '%%s' AND c = %(v1)s"
    )
    with pytest.raises(ValueError):
        card_rows._named("a = %s", 2)


def test_a_page_prepared_is_planned_once_for_any_page(on_postgres, world):
    """The queries psycopg prepares are planned once for any values (``plan_cache_mode``,
    settings): a board's page, whose plan for any page looked dearer than one for twenty rows,
    was planned afresh on every run."""
    for n in range(30):
        ContributionFactory(project=world.project, title=f"Idea number {n}")
    for offset in range(12):
        assert len(selectors.board_page(world.project, "newest", offset=offset, limit=5)) == 5
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            ["%LIMIT $% OFFSET $%"],
        )
        (generic, custom), *_others = cursor.fetchall()
    assert custom == 0 and generic >= 5


def test_a_page_of_a_search_is_its_matches_cut_counted_and_carded_in_one_query(world):
    """``selectors.found_page``: what a search found (``selectors.found``), gathered whole,
    counted and cut to the page in the order asked (withdrawn and hidden ones left out, ties
    broken by id), each card as ``cards`` reads it: one query, which says how many were found
    in all; a page past the end has no cards and no count."""
    carer = member(world, "carer")
    made = board_of(
        world,
        60,
        tied=8,
        supported=2,
        carer=carer,
        title=lambda n: f"Waiting number {n}" if n % 4 else f"Idea number {n}",
        hidden=lambda n: n % 13 == 6,
    )
    ContributionFactory(project=ContributionFactory().project, title="Waiting elsewhere")
    for sort, order in selectors.SORTS.items():
        rows_found = selectors.found(world.project, "waiting").order_by(*order)
        ids = list(rows_found.values_list("pk", flat=True))
        assert len(ids) > 30
        for offset, limit in ((0, 20), (20, 20), (3, 7), (len(ids) - 3, 20)):
            page = ids[offset : offset + limit]
            with CaptureQueriesContext(connection) as queries:
                read, total = selectors.found_page(
                    rows_found.values_list("pk", flat=True),
                    world.project,
                    sort,
                    offset=offset,
                    limit=limit,
                    membership=carer,
                )
            assert len(queries.captured_queries) == 1
            assert [c.pk for c in read] == page, (sort, offset)
            assert total == len(ids)
            assert [columns(c) for c in read] == [
                columns(c) for c in card_rows.cards(world.project, page, membership=carer)
            ]
            assert [c.supported for c in read] == [c.pk == made[2].pk for c in read]
        past = rows_found.values_list("pk", flat=True)
        assert selectors.found_page(past, world.project, sort, offset=60, limit=20) == ([], None)
    nothing = Contribution.objects.none().values_list("pk", flat=True)
    assert selectors.found_page(nothing, world.project, "newest", offset=0, limit=20) == ([], 0)


def test_a_search_alone_is_read_through_a_query_compiled_once(on_postgres, world, monkeypatch):
    """``selectors.search_page``: the board searched for words its project's words find,
    through a query compiled once a process for the order (the words and the project its
    values): the same cards and count as ``found_page`` reads from the ORM's query; None for
    a search the ORM must build (a short word, found inside words)."""
    from django.db.models.sql.compiler import SQLCompiler

    carer = member(world, "carer")
    for n in range(30):
        ContributionFactory(
            project=world.project,
            title=f"Waiting room {n}" if n % 3 else f"Long wait {n}",
            body="Chairs and a water fountain" if n % 2 else "Nothing",
            support_count=n % 4,
        )
    rows._compiled.clear()
    compiled, compiled_by_search = [], 0
    as_sql = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or as_sql(self, *a, **k)
    )
    for text in ("waiting", "wait chairs", "WATER fount", "nowhere"):
        for sort, order in selectors.SORTS.items():
            ids = selectors.found(world.project, text).order_by(*order).values_list("pk", flat=True)
            for offset, limit in ((0, 7), (7, 7)):
                expected = selectors.found_page(
                    ids, world.project, sort, offset=offset, limit=limit, membership=carer
                )
                before = len(compiled)
                with CaptureQueriesContext(connection) as queries:
                    read = selectors.search_page(
                        world.project, text, sort, offset=offset, limit=limit, membership=carer
                    )
                assert len(queries.captured_queries) == 1
                compiled_by_search += len(compiled) - before
                assert [columns(c) for c in read[0]] == [columns(c) for c in expected[0]]
                assert read[1] == expected[1]
    assert compiled_by_search == 2  # once for each order, whatever the words
    assert selectors.search_page(world.project, "GP wait", "newest", offset=0, limit=5) is None
