"""Rows read through SQL written once a process from the models' own fields, loaded as the
ORM loads them.

Building a query through the ORM costs more than running it for the few small reads every
page of a project makes (about 1 to 2 ms of Python for a query of well under 1 ms): the
project with the person's roles (``codesign.access``) and a contribution as a card shows it
(``contributions.card_rows``). Those write their SQL once a process and database from
``_meta.concrete_fields`` (only names the backend quotes, and placeholders: no value is ever
written in), run it with the request's values, and load each model's columns through Django's
own converters and the model's ``from_db``, as the ORM does. Each is tested against the ORM's
answer.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """One model's columns in the query: where its values start in a row, and how each is
    turned from the database's value into the field's."""

    model: type
    alias: str
    attnames: tuple[str, ...]
    converters: tuple[tuple, ...]  # per column: (expression, converters)
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.attnames)

    def found(self, row) -> bool:
        """Whether the row holds one of this table's (an outer join may find none)."""
        return row[self.start + self.attnames.index(self.model._meta.pk.attname)] is not None

    def load(self, row, connection):
        values = list(row[self.start : self.end])
        for index, (expression, converters) in enumerate(self.converters):
            for converter in converters:
                values[index] = converter(values[index], expression, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


def table(model, alias: str, start: int, connection) -> Table:
    """How ``model``'s columns, selected under ``alias`` from position ``start`` of a row, are
    read on ``connection``."""
    fields = model._meta.concrete_fields
    converters = []
    for field in fields:
        column = field.get_col(alias)
        converters.append(
            (
                column,
                tuple(
                    connection.ops.get_db_converters(column) + field.get_db_converters(connection)
                ),
            )
        )
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
        f"{quote(table.alias)}.{quote(field.column)}" for field in table.model._meta.concrete_fields
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
    return connection.make_cursor(psycopg.Cursor(connection.connection))
