"""One row read through SQL written once a process (codesign/rows.py ``one``, and the views
that read their object so, ``ProjectObjectMixin.read_in_one_query``): every column of it and
of its related rows as the ORM reads them, in one query; on SQLite and on PostgreSQL (CI)."""

from functools import partial

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.views.generic import TemplateView

from codesign import rows
from codesign.mixins import ProjectObjectMixin
from sessions.models import WorkshopSession
from sessions.views import SessionDetailView, SessionMixin
from tests.conftest import columns
from tests.factories import WorkshopSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(world):
    stage = world.project.stages.order_by("order").first()
    return [
        WorkshopSessionFactory(project=world.project, stage=stage, title="At a stage"),
        WorkshopSessionFactory(project=world.project, stage=None, title="At none"),
        WorkshopSessionFactory(project=world.other_project, title="Elsewhere"),
    ]


def test_a_row_and_its_related_rows_are_the_orms(world, sessions):
    for session in sessions:
        expected = WorkshopSession.objects.select_related("stage").get(pk=session.pk)
        with CaptureQueriesContext(connection) as queries:
            read = rows.one(
                WorkshopSession, related=("stage",), id=session.pk, project_id=session.project_id
            )
            stage = read.stage
        assert len(queries.captured_queries) == 1
        assert columns(read) == columns(expected)
        assert columns(stage) == columns(expected.stage)
        assert read._state.adding is False and read._state.db == expected._state.db


def test_no_row_is_none(world, sessions):
    elsewhere = sessions[2]
    assert rows.one(WorkshopSession, id=elsewhere.pk, project_id=world.project.pk) is None
    assert rows.one(WorkshopSession, id=2**63, project_id=world.project.pk) is None
    assert rows.one(WorkshopSession, id=0, project_id=world.project.pk) is None
    with pytest.raises(ValueError):
        rows.one(WorkshopSession, id=elsewhere.pk, stage_id=None)


def test_a_session_page_reads_its_session_in_one_query_and_others_not_at_all(
    world, sessions, client
):
    client.force_login(world.users["facilitator"])
    url = sessions[0].get_absolute_url()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    table = connection.ops.quote_name("workshops_workshopsession")
    [read] = [q["sql"] for q in queries.captured_queries if f"FROM {table}" in q["sql"]]
    assert f"FROM {table} {connection.ops.quote_name('t')}" in read  # written once, not the ORM's
    elsewhere = url.replace(f"/{sessions[0].pk}/", f"/{sessions[2].pk}/")
    assert client.get(elsewhere).status_code == 404


def test_a_view_reading_its_object_its_own_way_cannot_read_it_in_one_query(world, sessions):
    class Annotated(SessionDetailView):
        def get_object_queryset(self):
            return super().get_object_queryset().filter(title="At a stage")

    class Further(SessionMixin, TemplateView):
        project_lookup = "stage__project"

    for view_class in (Annotated, Further):
        view = view_class()
        view.setup(
            RequestFactory().get("/"), project_pk=world.project.pk, session_pk=sessions[0].pk
        )
        view.request.user = world.users["facilitator"]
        with pytest.raises(ImproperlyConfigured):
            view.get_scoped_object()
    assert ProjectObjectMixin.read_in_one_query is False


def test_rows_in_order_are_the_orms(world):
    from contributions.models import Tag

    for name in ("Medicines", "Discharge", "Arrival", "discharge"):
        Tag.objects.create(project=world.project, name=name)
    Tag.objects.create(project=world.other_project, name="Repairs")
    world.project.stages.create(name="Same order", order=1)
    for model, order_by in ((Tag, ("name", "id")), (world.project.stages.model, ("order", "id"))):
        expected = model.objects.filter(project_id=world.project.pk).order_by(*order_by)
        with CaptureQueriesContext(connection) as queries:
            read = rows.many(model, order_by=order_by, project_id=world.project.pk)
        assert len(queries.captured_queries) == 1
        assert [columns(row) for row in read] == [columns(row) for row in expected]
        assert len(read) >= 3
    assert rows.many(Tag, order_by=("name",), project_id=2**63) == []


def test_rows_with_their_related_rows_are_the_orms(world):
    from contributions.conversation.services import comment_add
    from contributions.models import Comment
    from participants.models import Membership
    from tests.factories import ContributionFactory

    author = Membership.objects.get(project=world.project, user=world.users["carer"])
    idea = ContributionFactory(project=world.project, author=author)
    for body in ("First", "Second", "Third"):
        comment_add(contribution=idea, author=author, body=body)
    expected = (
        Comment.objects.filter(contribution=idea)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    with CaptureQueriesContext(connection) as queries:
        read = rows.many(
            Comment, related=("author",), order_by=("created_at", "id"), contribution_id=idea.pk
        )
        authors = [columns(comment.author) for comment in read]
    assert len(queries.captured_queries) == 1
    assert [columns(c) for c in read] == [columns(c) for c in expected]
    assert authors == [columns(c.author) for c in expected]
    assert rows.many(Comment, order_by=("id",), contribution_id=2**63) == []


def _sessions_of(*, project, stage, title="At a stage"):
    return WorkshopSession.objects.filter(project_id=project, stage_id=stage, title=title).order_by(
        "-starts_at", "pk"
    )


def test_a_query_compiled_once_gives_each_calls_rows_as_the_orm_does(world, sessions):
    rows._compiled.clear()
    other_stage = world.other_project.stages.order_by("order").first()
    WorkshopSessionFactory(project=world.other_project, stage=other_stage, title="At a stage")
    for project, stage in (
        (world.project, sessions[0].stage),
        (world.other_project, other_stage),
        (world.project, other_stage),  # a stage of another project: none
    ):
        expected = list(_sessions_of(project=project.pk, stage=stage.pk))
        read = rows.compiled(
            "sessions-at", WorkshopSession, _sessions_of, project=project.pk, stage=stage.pk
        )
        assert [columns(s) for s in read] == [columns(s) for s in expected]
    assert len(rows._compiled) == 1  # compiled once, for every call
    # Values that are no id are part of what is compiled: told apart by the name.
    assert (
        rows.compiled(
            ("sessions-at", "none"),
            WorkshopSession,
            partial(_sessions_of, title="At none"),
            project=world.project.pk,
            stage=sessions[0].stage.pk,
        )
        == []
    )


def test_a_query_compiled_once_is_built_once(world, sessions, monkeypatch):
    rows._compiled.clear()
    built = []

    def build(**ids):
        built.append(ids)
        return _sessions_of(**ids)

    for _ in range(3):
        assert rows.compiled(
            "sessions-at",
            WorkshopSession,
            build,
            project=world.project.pk,
            stage=sessions[0].stage.pk,
        ) == [sessions[0]]
    assert len(built) == 1 and built[0]["project"] >= rows.STAND_IN
    monkeypatch.setattr(rows, "COMPILED_KEPT", 1)
    rows.compiled("other", WorkshopSession, build, project=1, stage=1)
    assert len(rows._compiled) == 1


def test_a_query_the_orm_knows_finds_nothing_is_left_to_the_orm(world, sessions):
    rows._compiled.clear()

    def nothing(*, project):
        return WorkshopSession.objects.filter(project_id=project, pk__in=[])

    assert rows.compiled("nothing", WorkshopSession, nothing, project=world.project.pk) == []
    assert rows._compiled[("nothing", "default", ("project",))] is False
    assert rows.compiled("nothing", WorkshopSession, _sessions_of, project=2**63, stage=1) == []


def _reads(world, sessions):
    return [
        rows.one_read(WorkshopSession, related=("stage",), id=sessions[0].pk),
        rows.many_read(WorkshopSession, order_by=("id",), project_id=world.project.pk),
        rows.known("known without asking"),
        rows.one_read(WorkshopSession, id=2**63),  # past any id: not asked
        rows.compiled_read(
            "sessions-at",
            WorkshopSession,
            _sessions_of,
            project=world.project.pk,
            stage=sessions[0].stage.pk,
        ),
    ]


@pytest.mark.django_db(transaction=True)
def test_reads_run_together_give_what_each_gives_alone(world, sessions, monkeypatch):
    import psycopg

    alone = [read.run() for read in _reads(world, sessions)]
    pipelines = []
    if connection.vendor == "postgresql":
        real = psycopg.Connection.pipeline
        monkeypatch.setattr(
            psycopg.Connection, "pipeline", lambda self: pipelines.append(1) or real(self)
        )
    together = rows.together(*_reads(world, sessions))
    assert together[0].stage == alone[0].stage and columns(together[0]) == columns(alone[0])
    assert [columns(s) for s in together[1]] == [columns(s) for s in alone[1]]
    assert together[2:4] == ["known without asking", None]
    assert together[4] == alone[4] == [sessions[0]]
    # On PostgreSQL the three queries went in one pipeline: one round trip.
    assert pipelines == ([1] if connection.vendor == "postgresql" else [])


@pytest.mark.django_db(transaction=True)
def test_a_read_that_fails_among_others_raises_and_leaves_the_connection_usable(world):
    from django.db import DatabaseError

    broken = rows.Read(connection, "SELECT * FROM no_such_table", {}, list)
    with pytest.raises(DatabaseError):
        rows.together(rows.many_read(WorkshopSession, order_by=("id",), project_id=1), broken)
    assert rows.many(WorkshopSession, order_by=("id",), project_id=world.project.pk) == []


@pytest.mark.parametrize(
    "page, role, sent",
    [
        ("session", "facilitator", [5, 2]),  # its reads, then the reminders and messages sent
        ("session", "service_user", [2]),  # the agenda and the person's own reply
        ("contribution", "service_user", [3]),  # its links, the changes it led to, its comments
        ("board", "service_user", [3]),  # its stages, tags and journey steps
    ],
)
def test_a_pages_reads_are_sent_together(world, sessions, client, monkeypatch, page, role, sent):
    from tests.factories import ContributionFactory

    together = []
    real = rows.together
    monkeypatch.setattr(
        rows, "together", lambda *reads: together.append(len(reads)) or real(*reads)
    )
    client.force_login(world.users[role])
    if page == "session":
        url = sessions[0].get_absolute_url()
    elif page == "board":
        world.project.journey_steps.create(name="Arriving", order=1)
        url = reverse("contributions:board", args=[world.project.pk])
    else:
        url = ContributionFactory(project=world.project, kind="idea").get_absolute_url()
    assert client.get(url).status_code == 200
    assert sorted(n for n in together if n > 1) == sorted(sent)


def test_times_are_read_by_psycopgs_own_loader_as_django_reads_them(on_postgres, world):
    """Outside a query log, ``rows.cursor`` reads times with a zone through psycopg's own
    loader (compiled), not Django's (Python, to set the zone it is configured with): the same
    instants in the same zone, UTC, as the ORM reads them."""
    import datetime

    from django.db.backends.postgresql.psycopg_any import BaseTzLoader
    from psycopg.pq import Format

    from projects.models import Project

    with rows.cursor(connection) as reading:
        oid = reading.connection.adapters.types["timestamptz"].oid
        loader = reading.cursor.adapters.get_loader(oid, Format.TEXT)
        assert not issubclass(loader, BaseTzLoader)
        reading.execute(
            "SELECT created_at, now() FROM projects_project WHERE id = %(pk)s",
            {"pk": world.project.pk},
        )
        created, now = reading.fetchone()
    assert created == Project.objects.get(pk=world.project.pk).created_at
    assert created.tzinfo is datetime.UTC is now.tzinfo
    # A cursor of Django's own keeps Django's loader.
    with connection.cursor() as django_cursor:
        assert issubclass(django_cursor.cursor.adapters.get_loader(oid, Format.TEXT), BaseTzLoader)


def test_an_instance_is_made_as_the_orms_from_db_makes_it(world):
    """``rows.instance``: the same attributes and state as ``from_db``, a field not read
    deferred (read from the database when asked for); a model that something listens to the
    making of goes through ``from_db``, so the listener hears it."""
    from django.db.models.signals import post_init

    from contributions.models import Contribution
    from tests.factories import ContributionFactory

    made = ContributionFactory(project=world.project, title="Call before discharge")
    fields = [f.attname for f in Contribution._meta.concrete_fields]
    values = Contribution.objects.filter(pk=made.pk).values_list(*fields).get()
    orm = Contribution.from_db("default", fields, values)
    ours = rows.instance(Contribution, "default", fields, values)
    assert type(ours) is Contribution and ours == orm
    assert {k: v for k, v in ours.__dict__.items() if k != "_state"} == {
        k: v for k, v in orm.__dict__.items() if k != "_state"
    }
    assert (ours._state.adding, ours._state.db) == (False, "default")
    assert ours.author.pk == made.author_id  # a related row read when asked for
    some = [name for name in fields if name != "body"]
    partial_row = rows.instance(Contribution, "default", some, [getattr(orm, n) for n in some])
    assert "body" in partial_row.get_deferred_fields()
    assert partial_row.body == made.body  # read from the database
    heard = []

    def listener(sender, instance, **kwargs):
        heard.append(instance)

    post_init.connect(listener, sender=Contribution)
    try:
        listened = rows.instance(Contribution, "default", fields, values)
    finally:
        post_init.disconnect(listener, sender=Contribution)
    assert heard == [listened]


def test_a_query_compiled_once_takes_text_as_a_value(world, sessions):
    """Text is a value like an id (``compiled_query``): compiled once with a stand-in no one
    types, and each call's text put in its place, as the ORM would have it."""
    rows._compiled.clear()
    built = []

    def titled(*, project, title):
        built.append(title)
        return WorkshopSession.objects.filter(project_id=project, title=title).order_by("pk")

    for title in (sessions[0].title, sessions[1].title, "No such session", "50%_'\\"):
        expected = list(titled(project=world.project.pk, title=title))
        read = rows.compiled(
            "titled", WorkshopSession, titled, project=world.project.pk, title=title
        )
        assert [columns(s) for s in read] == [columns(s) for s in expected]
    assert len(rows._compiled) == 1
    stand_ins = [title for title in built if title.startswith(rows.TEXT_STAND_IN)]
    assert len(stand_ins) == 1
