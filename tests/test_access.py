"""A project as its pages read it (codesign/access.py): the same rows the ORM reads, the same
roles the rules would read, in one query, for every role of the world fixture, on SQLite and
on PostgreSQL (CI)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from codesign import access, permissions
from participants.models import Membership
from projects.models import Project

from .conftest import ROLES, columns


def roles_read_by_the_orm(user, project):
    fresh = type(user).objects.get(pk=user.pk)
    return (
        permissions.project_roles(fresh, project),
        columns(permissions.project_membership(fresh, project)),
    )


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_the_project_and_the_persons_roles_are_the_orms(world, role):
    user = world.users[role]
    expected = Project.objects.select_related("organisation", "current_stage").get(
        pk=world.project.pk
    )
    with CaptureQueriesContext(connection) as queries:
        project = access.project_for(world.project.pk, user)
        roles = permissions.project_roles(user, project)
        membership = permissions.project_membership(user, project)
    assert len(queries.captured_queries) == 1
    assert columns(project) == columns(expected)
    assert columns(project.organisation) == columns(expected.organisation)
    assert columns(project.current_stage) == columns(expected.current_stage)
    assert (roles, columns(membership)) == roles_read_by_the_orm(user, expected)
    if membership is not None:
        with CaptureQueriesContext(connection) as queries:
            assert membership.project is project
        assert not queries.captured_queries


def test_a_project_without_a_current_stage_or_membership(world):
    Project.objects.filter(pk=world.project.pk).update(current_stage=None)
    project = access.project_for(world.project.pk, world.users["outsider"])
    assert project.current_stage is None
    assert permissions.project_membership(world.users["outsider"], project) is None
    assert permissions.project_roles(world.users["outsider"], project) == frozenset()


def test_an_invited_or_withdrawn_member_is_read_as_the_rules_read_them(world):
    user = world.users["carer"]
    for status in (Membership.Status.INVITED, Membership.Status.WITHDRAWN):
        Membership.objects.filter(project=world.project, user=user).update(status=status)
        permissions.forget_roles(user)
        project = access.project_for(world.project.pk, user)
        assert permissions.project_membership(user, project).status == status
        assert permissions.project_roles(user, project) == roles_read_by_the_orm(user, project)[0]


def test_no_such_project_is_none(world):
    assert access.project_for(10**9, world.users["manager"]) is None


def test_another_organisations_roles_are_not_this_ones(world):
    """The other organisation's manager holds no role in this project's organisation."""
    user = world.users["other_manager"]
    project = access.project_for(world.project.pk, user)
    assert permissions.project_roles(user, project) == frozenset()
    assert permissions.organisation_roles(user, world.project.organisation_id) == frozenset()


def test_what_every_page_shows_of_the_person_is_read_with_the_project(world):
    """The unread count on the bell: read with the project, the same as counted by the ORM."""
    from types import SimpleNamespace

    from notifications.models import Notification
    from notifications.selectors import unread_count
    from notifications.services import notify

    user = world.users["carer"]
    for _ in range(3):
        notify(users=[user], kind="comment", project=world.project, message="Hello")
    Notification.objects.filter(pk=Notification.objects.filter(user=user).first().pk).update(
        read_at="2026-01-01T00:00Z"
    )
    notify(users=[world.users["staff"]], kind="comment", project=world.project, message="Hi")
    request = SimpleNamespace()
    with CaptureQueriesContext(connection) as queries:
        access.project_for(world.project.pk, user, request)
    assert len(queries.captured_queries) == 1
    assert (
        request.person_states
        == {"unread_notifications": 2}
        == {"unread_notifications": unread_count(user)}
    )
    assert access.person_states(SimpleNamespace(user=user)) == request.person_states


@pytest.mark.parametrize("pk", [2**63, 10**30, 0])
def test_an_id_past_any_a_database_holds_is_no_project(world, client, pk):
    assert access.project_for(pk, world.users["carer"]) is None
    client.force_login(world.users["carer"])
    assert client.get(f"/projects/{pk}/contributions/").status_code == 404


def test_on_postgresql_the_query_is_prepared_and_still_counted(world):
    """Planned once a connection, not once a request; seen by execute wrappers as any query
    is, and logged with its values while queries are logged."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    user = world.users["carer"]

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%FROM%projects_project%p%participants_membership%"],
            )
            return cursor.fetchone()[0]

    seen = []

    def counting(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    before = prepared()
    with connection.execute_wrapper(counting):
        for _ in range(6):
            assert access.project_for(world.project.pk, user) == world.project
    assert len(seen) == 6
    assert prepared() == before + 1
    with CaptureQueriesContext(connection) as context:
        access.project_for(world.project.pk, user)
    [logged] = context.captured_queries
    assert str(world.project.pk) in logged["sql"] and "projects_project" in logged["sql"]


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    script = (
        "from django.conf import settings; "
        "options = settings.DATABASES['default']['OPTIONS']; "
        "print(options.get('prepare_threshold'), 'plan_cache_mode' in options.get('options', ''))"
    )
    answers = []
    for value in ("true", "false"):
        env = {
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "codesign.settings.dev",
            "DATABASE_URL": "postgres://codesign@127.0.0.1:5432/nowhere",
            "DATABASE_PREPARED_STATEMENTS": value,
        }
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        answers.append(result.stdout.strip().splitlines()[-1])
    assert answers == ["5 True", "None False"]
