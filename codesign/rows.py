"""Rows read through SQL written once a process from the models' own fields, loaded as the
ORM loads them.

Building a query through the ORM costs more than running it for the few small reads every
page of a project makes (about 1 to 2 ms of Python for a query of well under 1 ms): the
project with the person's roles (``codesign.access``) and a contribution as a card shows it
(``contributions.card_rows``). Those write their SQL once a process and database from
``_meta.concrete_fields`` (only names the backend quotes, and placeholders: no value is ever
written in), run it with the request's values, and load each model's columns through Django's
own converters into instances as the model's ``from_db`` makes them (``instance``), as the
ORM does. Each is tested against the ORM's answer.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


@dataclass(frozen=True)
class Table:
    """One model's columns in the query: where its values start in a row, and how each is
    turned from the database's value into the field's."""

    model: type
    alias: str
    attnames: tuple[str, ...]
    converters: tuple[tuple, ...]  # per column: (expression, converters)
    start: int
    # The names the query gives its columns, where it gives them its own (``compiled_query``).
    names: tuple[str, ...] = ()

    @property
    def end(self) -> int:
        return self.start + len(self.attnames)

    def found(self, row) -> bool:
        """Whether the row holds one of this table's (an outer join may find none)."""
        return row[self.start + self.attnames.index(self.model._meta.pk.attname)] is not None

    def load(self, row, connection):
        values = _converted(row[self.start : self.end], self.converters, connection)
        return instance(self.model, connection.alias, self.attnames, values)


def instance(model, alias: str, attnames, values):
    """``model.from_db(alias, attnames, values)``: the instance as the ORM loads it, its
    fields not among ``attnames`` deferred. Put together here, without the model's ``__init__``,
    for a model that keeps Django's own and has nothing listening to its being made (Django's
    ``pre_init`` and ``post_init``): the same attributes and state, for a fifth of the time
    (a card's contribution 7 µs to 1.5; a board worked out makes sixty)."""
    if (
        model.__init__ is not Model.__init__
        or model.from_db.__func__ is not Model.from_db.__func__
        or pre_init.has_listeners(model)
        or post_init.has_listeners(model)
    ):
        return model.from_db(alias, attnames, values)
    made = model.__new__(model)
    state = ModelState()
    state.adding = False
    state.db = alias
    made._state = state
    # Each a field's own attribute, as ``__init__`` sets it (setting a key's on a new
    # instance, with nothing related cached yet, is only that).
    made.__dict__.update(zip(attnames, values, strict=True))
    return made


def _converted(values, converters, connection) -> list:
    values = list(values)
    for index, (expression, steps) in enumerate(converters):
        for step in steps:
            values[index] = step(values[index], expression, connection)
    return values


def _converters(field, alias: str, connection) -> tuple:
    column = field.get_col(alias)
    return column, tuple(
        connection.ops.get_db_converters(column) + field.get_db_converters(connection)
    )


def converter(connection, *fields):
    """A function turning a row of these fields' columns, as the database gives them, into the
    fields' values, with Django's own converters for each (as the ORM reads them)."""
    converters = tuple(
        _converters(field, field.model._meta.db_table, connection) for field in fields
    )
    return lambda row: _converted(row, converters, connection)


def table(model, alias: str, start: int, connection, *, leave_out=()) -> Table:
    """How ``model``'s columns, selected under ``alias`` from position ``start`` of a row, are
    read on ``connection``; those of the fields ``leave_out`` are not read (deferred, as the
    ORM's ``defer`` leaves them: read from the database if asked for)."""
    fields = [f for f in model._meta.concrete_fields if f.name not in leave_out]
    converters = [_converters(field, alias, connection) for field in fields]
    return Table(
        model=model,
        alias=alias,
        attnames=tuple(field.attname for field in fields),
        converters=tuple(converters),
        start=start,
    )


def columns(table: Table, quote) -> list[str]:
    """The table's columns for a SELECT, in the order ``table`` reads them."""
    return [
        f"{quote(table.alias)}.{quote(column.target.column)}" for column, _steps in table.converters
    ]


def cursor(connection):
    """A cursor for the query. On PostgreSQL, one that sends its values apart from the query
    (Django's cursors write them in), so psycopg prepares it once it has run a few times on a
    connection (``prepare_threshold``, settings) and the server plans it once a connection, not
    on every request: planning it took longer than running it (0.5 of 0.7 ms). Wrapped as
    Django wraps its own, so ``execute_wrapper`` sees it as any. While queries are logged
    (DEBUG, a test capturing them), Django's own cursor, whose log shows the values."""
    if connection.vendor != "postgresql" or connection.queries_logged:
        return connection.cursor()
    import psycopg

    connection.ensure_connection()
    reading = psycopg.Cursor(connection.connection)
    if connection.timezone is datetime.UTC:
        # Times with a zone read by psycopg's own loader (compiled), where Django's, written in
        # Python to set the zone it is configured with, would give the same times in the same
        # zone: the connection's is UTC, as Django sets it. A card's five times took 40 µs
        # each way: 0.7 ms of reading a board's twenty cards, to 0.1.
        from psycopg.types.datetime import TimestamptzLoader

        reading.adapters.register_loader("timestamptz", TimestamptzLoader)
    return connection.make_cursor(reading)


def joined(model, related, connection, alias: str = "t", *, leave_out=()):
    """``model``'s table (under ``alias``; its fields ``leave_out`` not read) and those of the
    rows its foreign keys ``related`` name, each read from where the last ended, with the joins
    that read them (an outer join for a key that may be empty)."""
    q = connection.ops.quote_name
    main = table(model, alias, 0, connection, leave_out=leave_out)
    tables, joins = [], []
    for index, name in enumerate(related):
        field = model._meta.get_field(name)
        other = table(
            field.related_model, f"r{index}", (tables[-1] if tables else main).end, connection
        )
        tables.append(other)
        joins.append(
            f" {'LEFT OUTER JOIN' if field.null else 'INNER JOIN'}"
            f" {q(field.related_model._meta.db_table)} {q(other.alias)}"
            f" ON {q(other.alias)}.{q(field.target_field.column)} = {q(alias)}.{q(field.column)}"
        )
    return main, tuple(zip(related, tables, strict=True)), "".join(joins)


def load(row, main: Table, related, connection):
    """The row's instance of ``main`` with its related rows (``joined``) set on it."""
    instance = main.load(row, connection)
    for name, other in related:
        setattr(instance, name, other.load(row, connection) if other.found(row) else None)
    return instance


def end(main: Table, related) -> int:
    """Where the columns of ``joined``'s tables end in a row."""
    return related[-1][1].end if related else main.end


_readings: dict[tuple, tuple] = {}
# Past any id a database holds: the ORM finds nothing for such a value, and neither do these.
BIGGEST = 2**63


def _reading(model, related: tuple[str, ...], names: tuple[str, ...], order_by: tuple[str, ...]):
    """The query reading ``model``'s rows whose columns ``names`` equal the values of those
    names, with the rows its foreign keys ``related`` name, in the order of ``order_by``
    (columns, each ascending), written once a process and database."""
    connection = connections[router.db_for_read(model)]
    key = (connection.alias, model, related, names, order_by)
    if key not in _readings:
        q = connection.ops.quote_name
        main, rows_related, joins = joined(model, related, connection)
        selected = [c for t in (main, *(t for _name, t in rows_related)) for c in columns(t, q)]
        column = model._meta.get_field
        where = " AND ".join(f"{q('t')}.{q(column(name).column)} = %({name})s" for name in names)
        order = ", ".join(f"{q('t')}.{q(column(name).column)}" for name in order_by)
        # Only names the database backend quotes, and placeholders: no value is written in.
        sql = (
            f"SELECT {', '.join(selected)} FROM {q(model._meta.db_table)} {q('t')}"  # noqa: S608
            f"{joins} WHERE {where}{f' ORDER BY {order}' if order else ''}"
        )
        _readings[key] = (sql, main, rows_related)
    return connection, _readings[key]


def _out_of_range(equals: dict) -> bool:
    if any(value is None for value in equals.values()):
        # SQL's "= NULL" matches nothing, where the ORM's lookup asks "IS NULL".
        raise ValueError("A row read so is found by values, not by an empty column.")
    return any(isinstance(v, int) and not -BIGGEST <= v < BIGGEST for v in equals.values())


def one(model, *, related=(), **equals):
    """The one row of ``model`` whose columns (attnames) equal ``equals`` (an id among them),
    or None, with the rows its foreign keys ``related`` name, in one query written once a
    process: as ``model._default_manager.select_related(*related).get(**equals)`` reads it,
    for a model whose default manager hides no row."""
    return one_read(model, related=related, **equals).run()


def one_read(model, *, related=(), **equals) -> "Read":
    """``one`` as a read, to run with others (``together``)."""
    if _out_of_range(equals):
        return known(None)
    connection, (sql, main, related_tables) = _reading(
        model, tuple(related), tuple(sorted(equals)), ()
    )

    def take(found):
        return load(found[0], main, related_tables, connection) if len(found) == 1 else None

    return Read(connection, sql, equals, take)


def many(model, *, order_by: tuple[str, ...], related=(), **equals) -> list:
    """The rows of ``model`` whose columns (attnames) equal ``equals``, in the order of the
    columns ``order_by`` (each ascending), with the rows its foreign keys ``related`` name, in
    one query written once a process: as ``model._default_manager.filter(**equals)
    .select_related(*related).order_by(*order_by)`` reads them, for a model whose default
    manager hides no row."""
    return many_read(model, order_by=order_by, related=related, **equals).run()


def many_read(model, *, order_by: tuple[str, ...], related=(), **equals) -> "Read":
    """``many`` as a read, to run with others (``together``)."""
    if _out_of_range(equals):
        return known([])
    connection, (sql, main, related_tables) = _reading(
        model, tuple(related), tuple(sorted(equals)), tuple(order_by)
    )
    return Read(connection, sql, equals, _loading(main, related_tables, connection))


def _loading(main: Table, related, connection):
    return lambda found: [load(row, main, related, connection) for row in found]


_written: dict[tuple, tuple] = {}


def written(name, model, write) -> tuple:
    """The connection ``model`` is read from, and what ``write(connection, quote)`` gives for
    it (a query, and what reads its rows), written once a process and database; ``name``
    (anything hashable) tells the queries apart."""
    connection = connections[router.db_for_read(model)]
    key = (name, connection.alias)
    if key not in _written:
        _written[key] = write(connection, connection.ops.quote_name)
    return connection, _written[key]


def loaded(connection, sql: str, params: dict, main: Table, related=()) -> list:
    """``main``'s instance of each row the query gives, with its ``related`` rows (``joined``)."""
    return loaded_read(connection, sql, params, main, related).run()


def loaded_read(connection, sql: str, params: dict, main: Table, related=()) -> "Read":
    """``loaded`` as a read, to run with others (``together``)."""
    return Read(connection, sql, params, _loading(main, related, connection))


_compiled: dict[tuple, tuple] = {}
COMPILED_KEPT = 500
# Stand-ins for the ids a query compiled once is asked with: within a big integer's range (ids
# are big integers), so the ORM's lookups take them, and far beyond any table's ids.
STAND_IN = 7_100_000_000_000_000_000
# And for text (``compiled_query``): characters no one types (invisible separators), then its
# number.
TEXT_STAND_IN = "\u2063\u2063codesign-stand-in-"


def compiled(name, model, build, **ids) -> list:
    """``compiled_read(...).run()``: see there."""
    return compiled_read(name, model, build, **ids).run()


def compiled_read(name, model, build, **ids) -> "Read":
    """The rows of ``build(**ids)``, a queryset of ``model``'s rows (none related, nothing
    annotated), compiled by the ORM once a process and database for ``name`` (anything
    hashable that tells apart the querysets ``build`` makes, but for their ids) and run with
    each call's ``ids``; on PostgreSQL as a statement planned once a connection (``cursor``).

    The ORM builds and compiles the queryset with a stand-in for each id, and the stand-ins'
    places among the query's values are where each call's ids go: a query whose rules live in
    the models (a session's audience) is written by them once, not again in SQL, and costs a
    page a lookup rather than a millisecond of building. A queryset the ORM knows finds nothing
    (a lookup no row can match), or whose ids do not reach its values as given, is asked of
    the ORM each time."""
    if _out_of_range(ids):
        return known([])
    compiled = compiled_query(name, model, build, **ids)
    if compiled is None:
        return Read(None, None, None, lambda _found: list(build(**ids)))
    connection, sql, params, main = compiled
    return Read(connection, sql, params, lambda found: [main.load(r, connection) for r in found])


def compiled_query(name, model, build, **ids) -> tuple | None:
    """The query of ``build(**ids)`` as ``compiled_read`` compiles it once (see there):
    (connection, SQL with ``%s`` for its values, the values, how its rows are read: its
    ``Table``, whose ``columns`` name what the query gives), or None for a queryset to leave
    to the ORM. An "id" may be text too (a search's words, as one value the query takes as
    it is), whose stand-in is text no one types."""
    connection = connections[router.db_for_read(model)]
    key = (name, connection.alias, tuple(sorted(ids)))
    entry = _compiled.get(key)
    if entry is None:
        stand_ins = {
            id_name: f"{TEXT_STAND_IN}{n}" if type(ids[id_name]) is str else STAND_IN + n
            for n, id_name in enumerate(sorted(ids))
        }
        entry = _compile(build(**stand_ins), stand_ins, connection)
        if len(_compiled) >= COMPILED_KEPT:
            _compiled.clear()
        _compiled[key] = entry
    if entry is False:
        return None
    sql, slots, main = entry
    return connection, sql, [ids[id_name] if id_name else value for id_name, value in slots], main


def _compile(queryset, stand_ins: dict, connection):
    """The SQL of ``queryset``, where each of its values comes from (an id's name, or the
    value itself) and how its rows are read; False for one to leave to the ORM."""
    compiler = queryset.query.get_compiler(connection=connection)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return False
    named = {value: id_name for id_name, value in stand_ins.items()}
    slots = tuple(
        (named[value], None) if type(value) in (int, str) and value in named else (None, value)
        for value in params
    )
    fields = [column.target for column, _sql, _alias in compiler.select]
    own = queryset.model._meta.db_table
    if {id_name for id_name, _value in slots if id_name} != set(stand_ins) or any(
        getattr(column, "alias", None) != own for column, _sql, _alias in compiler.select
    ):
        return False
    main = Table(
        model=queryset.model,
        alias=own,
        attnames=tuple(field.attname for field in fields),
        converters=tuple(_converters(field, own, connection) for field in fields),
        start=0,
        names=tuple(alias or column.target.column for column, _sql, alias in compiler.select),
    )
    return sql, slots, main


@dataclass(frozen=True)
class Read:
    """A query and what its rows become (``take``), to run alone (``run``) or with the other
    reads of a page (``together``). A read with no query (``sql`` None) gives ``take([])``: an
    answer known without asking (an id past any table's), or one left to the ORM."""

    connection: object
    sql: str | None
    params: object
    take: Callable

    def run(self):
        return together(self)[0]


def known(value) -> Read:
    """A read whose answer is known without a query."""
    return Read(None, None, None, lambda _found: value)


def together(*reads: Read) -> list:
    """What each read gives, in their order. On PostgreSQL the reads of one connection go in
    one pipeline (psycopg's): sent together and answered in one round trip, about 0.12 ms saved
    for each beyond the first (a small query is 0.14 ms there and back, three together 0.18);
    elsewhere, and while queries are logged, one after another."""
    asked = [read for read in reads if read.sql is not None]
    found: dict[int, list] = {}
    if len(asked) > 1 and _pipelined(asked):
        connection = asked[0].connection
        connection.ensure_connection()
        cursors = []
        with connection.wrap_database_errors, connection.connection.pipeline():
            for read in asked:
                reading = cursor(connection)
                reading.execute(read.sql, read.params)
                cursors.append(reading)
        for read, reading in zip(asked, cursors, strict=True):
            with reading:
                found[id(read)] = reading.fetchall()
    else:
        for read in asked:
            with cursor(read.connection) as reading:
                reading.execute(read.sql, read.params)
                found[id(read)] = reading.fetchall()
    return [read.take(found.get(id(read), [])) for read in reads]


def _pipelined(reads) -> bool:
    connection = reads[0].connection
    return (
        connection.vendor == "postgresql"
        and not connection.queries_logged
        and all(read.connection is connection for read in reads)
    )
