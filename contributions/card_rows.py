"""What a board's cards and a contribution's own page read, in queries written once a process
(``codesign.rows``): a contribution with its author, whether the person asking supports it,
its tags' names and, on its own page, its stage and session (``cards``, ``card``); the tags'
names of any contributions (``tag_names``), both sides of its links (``linked``) and the
service changes it led to (``changes_from``).

Built by the ORM (``selectors.cards`` with ``select_related``), the query of one contribution
cost about 2.4 ms, of which running it was 0.7 (planning included) and the rest putting it
together and reading it; a contribution's page asks it on every request, kept or not (its
rules need it), and every board worked out asks it for its cards. Written here from the models'
fields, the same rows cost about a third of that, and PostgreSQL plans each query once a
connection. ``tests/contributions/test_card_rows.py`` checks every column and related row
against the ORM's answer.
"""

import json
from dataclasses import dataclass
from functools import partial
from operator import attrgetter

from django.core.exceptions import EmptyResultSet
from django.db import connections, router

from codesign import rows

from .models import Contribution, Support
from .tallies import Standing


@dataclass(frozen=True)
class Shape:
    sql: str
    contribution: rows.Table
    related: tuple[tuple[str, rows.Table], ...]
    supported_at: int


def _many(connection, ids) -> int:
    """How a query names a number of ids: 0, as one array (PostgreSQL, whatever their
    number), or one placeholder each."""
    return 0 if connection.vendor == "postgresql" else len(ids)


def _one_of(column: str, many: int) -> str:
    if many == 0:
        return f"{column} = ANY(%(ids)s)"
    return f"{column} IN ({', '.join(f'%(id{n})s' for n in range(many))})"


def _ids(ids, many: int) -> dict:
    return {"ids": list(ids)} if many == 0 else {f"id{n}": pk for n, pk in enumerate(ids)}


def _shape(connection, q, related: tuple[str, ...], many: int | None) -> Shape:
    """The query reading the related rows named, for one contribution (``many`` None) or for
    several (``_many``)."""
    column = f"{q('c')}.{q('id')}"
    which = f"{column} = %(pk)s" if many is None else _one_of(column, many)
    return _card_shape(
        connection,
        related,
        f" FROM {q(Contribution._meta.db_table)} {q('c')}",
        f" WHERE {q('c')}.{q('project_id')} = %(project)s AND {which}",
    )


def _card_shape(connection, related, source: str, where: str = "") -> Shape:
    """The query of cards (``c``, their ``related`` rows, whether the member supports each and
    their tags' names) from ``source`` (``c`` and what it is joined to) and ``where``."""
    q = connection.ops.quote_name
    contribution, related_tables, joins = rows.joined(Contribution, related, connection, "c")
    tables = [contribution, *(table for _name, table in related_tables)]
    selected = [c for t in tables for c in rows.columns(t, q)]
    selected += [_supported(q), _tag_names(connection, q)]
    # Only names the database backend quotes, SQL the ORM wrote, and placeholders: no value is
    # written in.
    sql = f"SELECT {', '.join(selected)}{source}{joins}{where}"
    return Shape(sql, contribution, related_tables, rows.end(contribution, related_tables))


def _supported(q) -> str:
    """Whether the member ``%(membership)s`` supports the contribution ``c`` (never, for no
    member: SQL's ``= NULL`` holds for no row): one row of the unique index of contribution
    and member (``one_support``). Naming the project too (a support's is its contribution's)
    led PostgreSQL's plan for any member, once prepared, to read all the member's supports
    in the project for each card (the parity index), 129 of them 20 times over: 0.9 ms."""
    return (
        f"EXISTS (SELECT 1 FROM {q(Support._meta.db_table)} {q('u')}"  # noqa: S608
        f" WHERE {q('u')}.{q('contribution_id')} = {q('c')}.{q('id')}"
        f" AND {q('u')}.{q('membership_id')} = %(membership)s)"
    )


def _tag_names(connection, q) -> str:
    """The names of the contribution ``c``'s tags, as a JSON list: in alphabetical order on
    PostgreSQL (its collation, as ``ORDER BY`` sorts them), in any order elsewhere (SQLite,
    whose order is Python's: ``_names`` sorts them)."""
    through = Contribution.tags.through
    tag = Contribution.tags.field.related_model
    name = f"{q('t')}.{q('name')}"
    # Only names the database backend quotes: no value is written in.
    found = (
        f" FROM {q(through._meta.db_table)} {q('l')}"  # noqa: S608
        f" INNER JOIN {q(tag._meta.db_table)} {q('t')}"
        f" ON {q('t')}.{q('id')} = {q('l')}.{q('tag_id')}"
        f" WHERE {q('l')}.{q('contribution_id')} = {q('c')}.{q('id')}"
    )
    if connection.vendor == "postgresql":
        return f"(SELECT json_agg({name} ORDER BY {name}, {q('l')}.{q('tag_id')}){found})"
    return f"(SELECT json_group_array({name}){found})"


def _names(value, connection) -> tuple[str, ...]:
    """The tag names read by ``_tag_names``."""
    if value is None:
        return ()
    if connection.vendor == "postgresql":
        return tuple(value)  # psycopg reads JSON as Python's lists
    return tuple(sorted(json.loads(value)))


def _read(project, membership, related, ids=None, pk=None) -> list:
    connection = connections[router.db_for_read(Contribution)]
    many = None if ids is None else _many(connection, ids)
    related = tuple(related)
    connection, shape = rows.written(
        ("card", related, many), Contribution, partial(_shape, related=related, many=many)
    )
    params = {"project": project.pk, "membership": getattr(membership, "pk", None)}
    params.update({"pk": pk} if ids is None else _ids(ids, many))
    return _loaded(connection, shape, params)


def _loaded(connection, shape: Shape, params: dict) -> list:
    """Each contribution the query of ``shape`` finds, as a card shows it."""
    with rows.cursor(connection) as cursor:
        cursor.execute(shape.sql, params)
        found = cursor.fetchall()
    return [_card(row, shape, connection) for row in found]


def _card(row, shape: Shape, connection):
    contribution = rows.load(row, shape.contribution, shape.related, connection)
    contribution.supported = bool(row[shape.supported_at])
    contribution.tag_names = _names(row[shape.supported_at + 1], connection)
    return contribution


def cards(project, ids, *, membership=None) -> list:
    """The project's contributions with these ids, in their order, each with its author,
    whether ``membership`` supports it (``supported``) and its tags' names (``tag_names``)."""
    ids = [int(pk) for pk in ids]
    if not ids:
        return []
    found = {c.pk: c for c in _read(project, membership, ("author",), ids=ids)}
    return [found[pk] for pk in ids if pk in found]


def page(name, build, project, *, offset: int, limit: int, order, membership=None) -> list:
    """The cards (as ``cards`` reads them) of the rows ``offset`` to ``offset + limit`` of
    ``build(project=<the project's id>)``, the ids of some of the project's contributions in
    an order, shown in ``order`` (field names as ``order_by`` takes them): the page's ids and
    its cards in one query, planned once a connection (a board's page read its ids through
    the ORM, building the query each time, then its cards: two round trips). The ids' query
    is the ORM's, compiled once a process (``rows.compiled_query``), ``name`` telling apart
    the querysets ``build`` makes; one the ORM must be asked is, then its cards read."""
    if limit <= 0:
        return []
    compiled = rows.compiled_query(name, Contribution, build, project=project.pk)
    if compiled is None:
        ids = list(build(project=project.pk)[offset : offset + limit])
        return in_order(cards(project, ids, membership=membership), order)
    connection, inner, values, ids = compiled
    connection, shape = rows.written(
        ("page", name),
        Contribution,
        partial(_page_shape, inner=inner, values=len(values), id_name=ids.names[0]),
    )
    params = {f"v{n}": value for n, value in enumerate(values)}
    params.update(limit=limit, offset=offset, membership=getattr(membership, "pk", None))
    return in_order(_loaded(connection, shape, params), order)


def gathered_page(ids, project, *, offset: int, limit: int, order, membership=None):
    """The cards (as ``cards`` reads them) of the rows ``offset`` to ``offset + limit`` of
    ``ids`` (a queryset of the ids of some of the project's contributions: a search's
    matches), in ``order`` (field names as ``order_by`` takes them), and how many ``ids``
    finds in all, in one query: what ``ids`` finds gathered once, unordered, with what
    ``order`` reads of each (its index gives them in no order, and with a limit PostgreSQL
    would rather walk the board in order and test every row), counted, and the page's rows
    picked from it in order, whose cards it joins. A search read its every id (1,900 of them
    for "carer" in a board of 20,000), then the page's cards: two round trips; and it sorted
    its every match, where picking the page's twenty keeps twenty at a time. The count is
    None when the page has no rows (past the end), as it is then not read."""
    connection = connections[router.db_for_read(Contribution)]
    compiler = _unordered(ids, order).query.get_compiler(connection=connection)
    try:
        inner, params = compiler.as_sql()
    except EmptyResultSet:
        return [], 0
    names = tuple(alias or column.target.column for column, _sql, alias in compiler.select)
    return _gathered(connection, inner, params, names, offset, limit, order, membership)


def compiled_page(name, build, project, *, values, offset, limit, order, membership=None):
    """``gathered_page`` of ``build(project=<the project's id>, **values)``, compiled once a
    process (``rows.compiled_query``; ``name`` tells apart the querysets ``build`` makes), or
    built each time where it cannot be."""

    def unordered(**ids):
        return _unordered(build(**ids), order)

    found = rows.compiled_query(name, Contribution, unordered, project=project.pk, **values)
    if found is None:
        ids = build(project=project.pk, **values)
        return gathered_page(
            ids, project, offset=offset, limit=limit, order=order, membership=membership
        )
    connection, inner, params, table = found
    return _gathered(connection, inner, params, table.names, offset, limit, order, membership)


def _unordered(ids, order):
    """The query of ``ids`` in no order, its rows the ids and what ``order`` reads of each
    (the fields it names but the id, once each)."""
    return ids.order_by().values_list("pk", *_sorted_by(order))


def _sorted_by(order) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name.lstrip("-") for name in order if name.lstrip("-") != "pk"))


def _gathered(connection, inner, values, names, offset, limit, order, membership):
    connection, (sql, shape) = rows.written(
        ("gathered-page", names, tuple(order)),
        Contribution,
        partial(_gathered_shape, names=names, order=tuple(order)),
    )
    params = {f"v{n}": value for n, value in enumerate(values)}
    params.update(limit=limit, offset=offset, membership=getattr(membership, "pk", None))
    with rows.cursor(connection) as cursor:
        cursor.execute(sql.replace(GATHERED, _named(inner, len(values)), 1), params)
        found = cursor.fetchall()
    total = found[0][-1] if found else None
    return in_order([_card(row, shape, connection) for row in found], order), total


# Where ``_gathered_shape``'s query takes the query of what it gathers.
GATHERED = "/* gathered */"


def _gathered_shape(connection, q, names: tuple, order: tuple) -> tuple[str, Shape]:
    """``gathered_page``'s query: what it gathers (its columns ``names``: the id, then what
    ``order`` reads), counted, and the page's rows picked from it in ``order``, with their
    cards."""
    pk = q(Contribution._meta.pk.column)
    gathered = "AS MATERIALIZED" if connection.vendor == "postgresql" else "AS"
    columns = dict(zip(("pk", *_sorted_by(order)), names, strict=True))
    by = ", ".join(
        f"{q('g')}.{q(columns[name.lstrip('-')])}{' DESC' if name.startswith('-') else ''}"
        for name in order
    )
    # Only names the database backend quotes, SQL the ORM wrote, and placeholders: no value is
    # written in.
    shape = _card_shape(
        connection,
        ("author",),
        f", (SELECT COUNT(*) FROM {q('g')}) FROM (SELECT {q('g')}.{q(names[0])} FROM {q('g')}"  # noqa: S608
        f" ORDER BY {by} LIMIT %(limit)s OFFSET %(offset)s) {q('p')}"
        f" INNER JOIN {q(Contribution._meta.db_table)} {q('c')}"
        f" ON {q('c')}.{pk} = {q('p')}.{q(names[0])}",
    )
    return f"WITH {q('g')} {gathered} ({GATHERED}) {shape.sql}", shape


def _page_shape(connection, q, inner: str, values: int, id_name: str) -> Shape:
    """``page``'s query: the ids' query (``inner``, its ``values`` named ``v0``, ``v1``…; its
    column ``id_name``) cut to the page, and the cards of its ids."""
    pk = q(Contribution._meta.pk.column)
    return _card_shape(
        connection,
        ("author",),
        f" FROM ({_named(inner, values)} LIMIT %(limit)s OFFSET %(offset)s) {q('p')}"
        f" INNER JOIN {q(Contribution._meta.db_table)} {q('c')}"
        f" ON {q('c')}.{pk} = {q('p')}.{q(id_name)}",
    )


def _named(sql: str, values: int) -> str:
    """The ORM's SQL with its ``values`` placeholders (``%s``) named ``%(v0)s``, ``%(v1)s``…
    (a literal ``%`` is written ``%%`` in either style)."""
    parts = sql.split("%%")
    count = sum(part.count("%s") for part in parts)
    if count != values:
        raise ValueError(f"The query has {count} placeholders for {values} values.")
    numbered = iter(range(values))
    return "%%".join(
        "".join(
            piece if index == 0 else f"%(v{next(numbered)})s{piece}"
            for index, piece in enumerate(part.split("%s"))
        )
        for part in parts
    )


def in_order(items: list, order) -> list:
    """``items`` sorted as ``order_by(*order)`` sorts them (each name a field, ``-`` first for
    the largest first)."""
    for name in reversed(order):
        items = sorted(items, key=attrgetter(name.lstrip("-")), reverse=name.startswith("-"))
    return items


def card(project, pk, *, membership=None, related=("author", "stage", "session")):
    """The project's contribution ``pk`` (None if it has none such) with the related rows
    named, whether ``membership`` supports it and its tags' names."""
    pk = int(pk)
    if not 0 < pk < rows.BIGGEST:
        return None  # past any id a database holds
    found = _read(project, membership, related, pk=pk)
    return found[0] if found else None


def standings(project, ids, *, membership=None) -> dict:
    """How the tallies of the project's contributions with these ids stand for ``membership``
    (``tallies.Standing``: their counts, and whether they support each), in one query
    written once a process: a board kept before a support or a comment draws them afresh."""
    ids = [int(pk) for pk in ids]
    if not ids:
        return {}
    connection = connections[router.db_for_read(Contribution)]
    many = _many(connection, ids)
    connection, sql = rows.written(
        ("standings", many), Contribution, partial(_standings_sql, many=many)
    )
    params = {"project": project.pk, "membership": getattr(membership, "pk", None)}
    with rows.cursor(connection) as cursor:
        cursor.execute(sql, {**params, **_ids(ids, many)})
        found = cursor.fetchall()
    return {
        pk: Standing(pk, project.pk, title, supports, comments, bool(supported))
        for pk, title, supports, comments, supported in found
    }


def _standings_sql(connection, q, many: int) -> str:
    field = Contribution._meta.get_field
    counted = ", ".join(
        f"{q('c')}.{q(field(name).column)}"
        for name in ("id", "title", "support_count", "comment_count")
    )
    column = f"{q('c')}.{q('id')}"
    # Only names the database backend quotes, and placeholders: no value is written in.
    return (
        f"SELECT {counted}, {_supported(q)}"  # noqa: S608
        f" FROM {q(Contribution._meta.db_table)} {q('c')}"
        f" WHERE {q('c')}.{q('project_id')} = %(project)s AND {_one_of(column, many)}"
    )


def tag_names(ids) -> dict[int, tuple[str, ...]]:
    """The names of the tags of each of these contributions, in alphabetical order, in one
    query written once a process that loads no tag rows."""
    ids = [int(pk) for pk in ids]
    if not ids:
        return {}
    through = Contribution.tags.through
    many = _many(connections[router.db_for_read(through)], ids)
    connection, sql = rows.written(("tag-names", many), through, partial(_tags_sql, many=many))
    names: dict[int, list[str]] = {}
    with rows.cursor(connection) as cursor:
        cursor.execute(sql, _ids(ids, many))
        for contribution_id, name in cursor.fetchall():
            names.setdefault(contribution_id, []).append(name)
    return {pk: tuple(found) for pk, found in names.items()}


def _tags_sql(connection, q, many: int) -> str:
    through = Contribution.tags.through
    tag = Contribution.tags.field.related_model
    linked = f"{q('l')}.{q('contribution_id')}"
    # Only names the database backend quotes, and placeholders: no value is written in.
    return (
        f"SELECT {linked}, {q('t')}.{q('name')}"  # noqa: S608
        f" FROM {q(through._meta.db_table)} {q('l')}"
        f" INNER JOIN {q(tag._meta.db_table)} {q('t')}"
        f" ON {q('t')}.{q('id')} = {q('l')}.{q('tag_id')}"
        f" WHERE {_one_of(linked, many)}"
        f" ORDER BY {q('t')}.{q('name')}, {q('l')}.{q('tag_id')}"
    )


def linked(contribution) -> dict[str, list]:
    """Both sides of a contribution's links, each contribution with its stage: ``sources``,
    those it cites, and ``led_to``, those that cite it; in one query written once a process."""
    return linked_read(contribution).run()


def linked_read(contribution) -> rows.Read:
    """``linked`` as a read, to run with the page's others."""
    Link = Contribution.sources.through
    connection, (sql, other, related, end) = rows.written("linked", Link, _linked_sql)

    def take(found) -> dict[str, list]:
        sides: dict[str, list] = {"sources": [], "led_to": []}
        for row in found:
            side = "sources" if row[end] == contribution.pk else "led_to"
            sides[side].append(rows.load(row, other, related, connection))
        return sides

    return rows.Read(connection, sql, {"pk": contribution.pk}, take)


def _linked_sql(connection, q) -> tuple:
    Link = Contribution.sources.through
    other, related, joins = rows.joined(Contribution, ("stage",), connection, "c")
    selected = [c for t in (other, *(t for _n, t in related)) for c in rows.columns(t, q)]
    cites, cited = (
        f"{q('l')}.{q(name)}" for name in ("from_contribution_id", "to_contribution_id")
    )
    # Only names the database backend quotes, and placeholders: no value is written in.
    sql = (
        f"SELECT {', '.join([*selected, cites, cited])}"  # noqa: S608
        f" FROM {q(Link._meta.db_table)} {q('l')}"
        f" INNER JOIN {q(Contribution._meta.db_table)} {q('c')}"
        f" ON ({q('c')}.{q('id')} = {cited} AND {cites} = %(pk)s)"
        f" OR ({q('c')}.{q('id')} = {cites} AND {cited} = %(pk)s){joins}"
        f" WHERE {cites} = %(pk)s OR {cited} = %(pk)s"
    )
    return sql, other, related, rows.end(other, related)


def changes_from(contribution) -> list:
    """The service changes that came from a contribution, most recently changed first, in a
    query written once a process."""
    return changes_from_read(contribution).run()


def changes_from_read(contribution) -> rows.Read:
    """``changes_from`` as a read, to run with the page's others."""
    relation = Contribution._meta.get_field("service_changes")
    connection, (sql, change) = rows.written("changes-from", relation.related_model, _changes_sql)
    return rows.loaded_read(connection, sql, {"pk": contribution.pk}, change)


def _changes_sql(connection, q) -> tuple:
    relation = Contribution._meta.get_field("service_changes")
    Change, through = relation.related_model, relation.field.remote_field.through
    change = rows.table(Change, "s", 0, connection)
    # Only names the database backend quotes, and a placeholder: no value is written in.
    sql = (
        f"SELECT {', '.join(rows.columns(change, q))}"  # noqa: S608
        f" FROM {q(Change._meta.db_table)} {q('s')}"
        f" INNER JOIN {q(through._meta.db_table)} {q('l')}"
        f" ON {q('l')}.{q(relation.field.m2m_column_name())} = {q('s')}.{q('id')}"
        f" WHERE {q('l')}.{q(relation.field.m2m_reverse_name())} = %(pk)s"
        f" ORDER BY {q('s')}.{q('updated_at')} DESC, {q('s')}.{q('id')} DESC"
    )
    return sql, change
