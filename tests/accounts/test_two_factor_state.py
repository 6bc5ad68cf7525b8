"""Whether a person must set up two-factor is worked out once a session, not on every request,
and worked out again when an authenticator or a role of theirs changes, in every session."""

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants.models import Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SET_UP = reverse("mfa_activate_totp")


def add_authenticator(user):
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in context.captured_queries]


@pytest.fixture
def required(settings):
    settings.CODESIGN_REQUIRE_MFA = True


@pytest.mark.parametrize("role", ["facilitator", "service_user"])
def test_after_the_first_request_the_check_asks_the_database_nothing(
    world, client, settings, required, role
):
    add_authenticator(world.users[role])
    client.force_login(world.users[role])
    url = world.project.get_absolute_url()
    first = queries(client, url)
    assert any("mfa_authenticator" in sql or "organisationrole" in sql for sql in first)
    checked = queries(client, url)
    assert not any("mfa_authenticator" in sql for sql in checked)
    settings.CODESIGN_REQUIRE_MFA = False
    assert len(queries(client, url)) == len(checked)


def test_removing_and_adding_an_authenticator_is_seen_by_every_session(world, client, required):
    person = world.users["facilitator"]
    authenticator = add_authenticator(person)
    client.force_login(person)
    other_session = Client()
    other_session.force_login(person)
    url = world.project.get_absolute_url()
    for session in (client, other_session):
        assert session.get(url).status_code == 200
    authenticator.delete()
    for session in (client, other_session):
        response = session.get(url)
        assert response.status_code == 302 and response.url == SET_UP
    add_authenticator(person)
    for session in (client, other_session):
        assert session.get(url).status_code == 200


def test_a_participant_made_facilitator_is_led_to_set_it_up_at_once(world, client, required):
    person = world.users["staff"]
    client.force_login(person)
    url = world.project.get_absolute_url()
    assert client.get(url).status_code == 200
    membership = Membership.objects.get(user=person, project=world.project)
    membership.role = Membership.Role.FACILITATOR
    membership.save()
    response = client.get(url)
    assert response.status_code == 302 and response.url == SET_UP


def test_a_facilitator_of_another_project_is_a_facilitator_too(world, client, required):
    person = world.users["staff"]
    client.force_login(person)
    assert client.get(world.project.get_absolute_url()).status_code == 200
    MembershipFactory(user=person, role=Membership.Role.FACILITATOR)
    assert client.get(world.project.get_absolute_url()).url == SET_UP
