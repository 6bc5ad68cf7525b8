"""Shared fixtures: one organisation with a project and a person in every role."""

import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection, connections

from participants.models import Constituency, Membership
from projects.models import OrganisationRole

from .factories import (
    MembershipFactory,
    OrganisationFactory,
    OrganisationRoleFactory,
    ProjectFactory,
    UserFactory,
)
from .notify_server import notify  # noqa: F401 (a GOV.UK Notify API on loopback, for any test)

# The lane each folder's tests run in (markers in pyproject.toml): `make test-fast` leaves these
# out, `make test` runs them too.
LANES = {
    "e2e": "browser",
    "smoke": "smoke",
    "failures": "failures",
    "hostile": "hostile",
    "races": "races",
}
TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.is_relative_to(TESTS):
            folder = item.path.relative_to(TESTS).parts[0]
            if folder in LANES:
                item.add_marker(LANES[folder])


@pytest.fixture(autouse=True)
def _nothing_kept_from_another_test():
    """Each test starts with an empty cache: a test's database rows go when it ends, and on
    SQLite their ids are given again, so what one test kept could be found by the next."""
    from django.core.cache import cache

    from codesign import content

    cache.clear()
    content.forget_remembered()


ROLES = [
    "anonymous",
    "outsider",
    "service_user",
    "carer",
    "staff",
    "observer",
    "facilitator",
    "org_admin",
    "manager",
    "other_manager",
    "superuser",
]


@dataclass
class World:
    organisation: object
    other_organisation: object
    project: object
    other_project: object
    users: dict


@pytest.fixture
def world(db):
    """A project with one person per role, and a second organisation with its own project."""
    return make_world()


def make_world():
    """Build the world fixture's objects (the permission matrix builds them once per module)."""
    organisation = OrganisationFactory(name="Riverside Trust")
    other_organisation = OrganisationFactory(name="Northfield Council")
    project = ProjectFactory(organisation=organisation, title="Going home from Ward 7")
    other_project = ProjectFactory(organisation=other_organisation, title="Repairs")
    users = {"anonymous": None}
    for name, constituency, role in [
        ("service_user", Constituency.SERVICE_USER, Membership.Role.PARTICIPANT),
        ("carer", Constituency.CARER, Membership.Role.PARTICIPANT),
        ("staff", Constituency.STAFF, Membership.Role.PARTICIPANT),
        ("observer", Constituency.OTHER, Membership.Role.OBSERVER),
        ("facilitator", Constituency.STAFF, Membership.Role.FACILITATOR),
    ]:
        user = UserFactory(email=f"{name}@example.org")
        MembershipFactory(
            project=project,
            user=user,
            constituency=constituency,
            role=role,
            display_name=name.replace("_", " ").title(),
        )
        users[name] = user
    users["outsider"] = UserFactory(email="outsider@example.org")
    MembershipFactory(project=other_project, user=users["outsider"], display_name="Outsider")
    for name, org, role in [
        ("org_admin", organisation, OrganisationRole.Role.ADMIN),
        ("manager", organisation, OrganisationRole.Role.MANAGER),
        ("other_manager", other_organisation, OrganisationRole.Role.MANAGER),
    ]:
        users[name] = UserFactory(email=f"{name}@example.org")
        OrganisationRoleFactory(organisation=org, user=users[name], role=role)
    users["superuser"] = UserFactory(
        email="superuser@example.org", is_superuser=True, is_staff=True
    )
    return World(organisation, other_organisation, project, other_project, users)


@pytest.fixture
def client_for(client):
    """Return a test client signed in as the given user (or anonymous for None)."""

    def make(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def count_queries():
    """Return the number of queries a call makes (the call must answer 200)."""
    from django.db import connection as default_connection
    from django.test.utils import CaptureQueriesContext

    def count(call):
        with CaptureQueriesContext(default_connection) as context:
            response = call()
        assert response.status_code == 200
        return len(context.captured_queries)

    return count


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("Runs on PostgreSQL only (set DATABASE_URL); CI runs it.")


def at_once(calls, *, expected=()):
    """Run each zero-argument call in its own thread, all released together by a barrier.

    Returns what each call returned, in the order of the calls. A call that raises one of the
    `expected` exception types gives that exception instead; any other exception fails the test
    once every thread has finished, so one thread's crash cannot hide behind another's answer.
    Each thread closes its database connections: on PostgreSQL every thread has its own.
    """
    barrier = threading.Barrier(len(calls), timeout=10)
    outcomes = [None] * len(calls)
    unexpected = []

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except expected as error:
            outcomes[index] = error
        except Exception as error:  # noqa: BLE001 (shown by the assertion below)
            unexpected.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a call did not finish in 30 s"
    assert not unexpected, unexpected
    return outcomes


@pytest.fixture
def rendered():
    """The names of the templates rendered while the test runs."""
    from django.test.signals import template_rendered

    names = []

    def seen(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(seen)
    yield names
    template_rendered.disconnect(seen)


def columns(instance):
    """Every column of a row as loaded (None for no row): what two reads of it must agree on."""
    if instance is None:
        return None
    return {
        field.attname: getattr(instance, field.attname)
        for field in type(instance)._meta.concrete_fields
    }
