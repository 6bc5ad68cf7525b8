"""A project as its pages read it, with who the person asking is there, in one query.

Every page of a project starts by loading the project (with its organisation and current
stage) and asking the rules, which need the person's membership of the project and their roles
in its organisation. Built by the ORM, that query costs more to put together than to run (about
2 ms of a page's Python for a 0.6 ms query), on every request. ``project_for`` writes it once
per process and database from the models' own fields (``_meta.concrete_fields``), runs it with
the request's ids, and loads each row as the model's ``from_db`` would after Django's own
converters for each column, as the ORM does (``codesign.rows``). ``tests/test_access.py``
checks it against the ORM's answer for every role, and the permission matrix walks every URL
through it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connections, router

from . import permissions, rows
from .rows import Table


@dataclass(frozen=True)
class Shape:
    sql: str
    project: Table
    organisation: Table
    stage: Table
    membership: Table
    roles_start: int
    states_start: int


_shapes: dict[str, Shape] = {}

# What every page shows of the person (the unread count on the bell): apps declare it once, as
# a function of the person and as a scalar subquery of ``%(user)s`` read with the project.
_person_states: dict[str, tuple[Callable, Callable]] = {}


def register_person_state(name: str, state: Callable, sql: Callable) -> None:
    """Declare something of the person every page shows: ``state(user)`` (any page), and
    ``sql(quote_name)``, the same as a scalar subquery (a project's pages, with the project)."""
    _person_states[name] = (state, sql)
    _shapes.clear()


def person_states(request) -> dict:
    """The declared states of the person asking, read once a request (with the project on a
    project's page); the page shows these (``request.person_states``)."""
    if not hasattr(request, "person_states"):
        user = request.user
        request.person_states = {
            name: state(user) for name, (state, _sql) in sorted(_person_states.items())
        }
    return request.person_states


ROLE_PARAMS = {f"role_{stored}": stored for stored in permissions.STORED_ORGANISATION_ROLES}


def _shape(connection) -> Shape:
    """The query and how to read its row, for this database (built once a process)."""
    if connection.alias in _shapes:
        return _shapes[connection.alias]
    Project = apps.get_model("projects", "Project")
    Organisation = apps.get_model("projects", "Organisation")
    Stage = apps.get_model("projects", "Stage")
    Membership = apps.get_model("participants", "Membership")
    OrganisationRole = apps.get_model("projects", "OrganisationRole")
    q = connection.ops.quote_name
    tables, start = [], 0
    for model, alias in ((Project, "p"), (Organisation, "o"), (Stage, "s"), (Membership, "m")):
        table = rows.table(model, alias, start, connection)
        tables.append(table)
        start = table.end
    columns = [column for table in tables for column in rows.columns(table, q)]
    # Only names the database backend quotes, and placeholders: no value is written in.
    role_table = q(OrganisationRole._meta.db_table)
    holds = [
        f"EXISTS (SELECT 1 FROM {role_table} {q('r')} WHERE {q('r')}.{q('user_id')} = %(user)s"  # noqa: S608
        f" AND {q('r')}.{q('organisation_id')} = {q('p')}.{q('organisation_id')}"
        f" AND {q('r')}.{q('role')} = %(role_{stored})s)"
        for stored in permissions.STORED_ORGANISATION_ROLES
    ]
    states = [f"({sql(q)})" for _name, (_state, sql) in sorted(_person_states.items())]
    sql = (
        f"SELECT {', '.join(columns + holds + states)}"  # noqa: S608
        f" FROM {q(Project._meta.db_table)} {q('p')}"
        f" INNER JOIN {q(Organisation._meta.db_table)} {q('o')}"
        f" ON {q('o')}.{q('id')} = {q('p')}.{q('organisation_id')}"
        f" LEFT OUTER JOIN {q(Stage._meta.db_table)} {q('s')}"
        f" ON {q('s')}.{q('id')} = {q('p')}.{q('current_stage_id')}"
        f" LEFT OUTER JOIN {q(Membership._meta.db_table)} {q('m')}"
        f" ON {q('m')}.{q('project_id')} = {q('p')}.{q('id')}"
        f" AND {q('m')}.{q('user_id')} = %(user)s"
        f" WHERE {q('p')}.{q('id')} = %(project)s"
    )
    shape = Shape(sql, *tables, roles_start=start, states_start=start + len(holds))
    _shapes[connection.alias] = shape
    return shape


def project_for(project_pk, user, request=None):
    """The project with this id (None if there is none) with its organisation and current
    stage, the person's membership and organisation roles kept for the rules
    (``permissions.remember_roles``), and what every page shows of them kept on ``request``
    (``person_states``)."""
    project_pk = int(project_pk)
    if not 0 < project_pk < 2**63:
        return None  # past any id a database holds (as the ORM answers for such a lookup)
    Project = apps.get_model("projects", "Project")
    connection = connections[router.db_for_read(Project)]
    shape = _shape(connection)
    with rows.cursor(connection) as cursor:
        cursor.execute(shape.sql, {"user": user.pk, "project": project_pk, **ROLE_PARAMS})
        row = cursor.fetchone()
    if row is None:
        return None
    project = shape.project.load(row, connection)
    project.organisation = shape.organisation.load(row, connection)
    project.current_stage = shape.stage.load(row, connection) if shape.stage.found(row) else None
    membership = None
    if shape.membership.found(row):
        membership = shape.membership.load(row, connection)
        membership.project = project
    held = row[shape.roles_start : shape.states_start]
    if request is not None:
        request.person_states = dict(
            zip(sorted(_person_states), row[shape.states_start :], strict=True)
        )
    roles = {
        role
        for (stored, role), holds in zip(
            permissions.STORED_ORGANISATION_ROLES.items(), held, strict=True
        )
        if holds
    }
    permissions.remember_roles(user, project, membership=membership, organisation_roles=roles)
    return project
