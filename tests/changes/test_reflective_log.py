"""The reflective log: private to facilitators, and a reflection can become a CMO record."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from changes.models import Evidence, ReflectiveLogEntry
from changes.reflection.services import reflection_add, reflection_to_cmo
from tests.conftest import ROLES
from tests.factories import ServiceChangeFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db

SECRET = "The consultant talked over Mrs Patel twice"

EXPECTED = {
    "facilitator": 200,
    "org_admin": 200,
    "superuser": 200,
    "service_user": 403,
    "carer": 403,
    "staff": 403,
    "observer": 403,
    "manager": 403,
    "outsider": 404,
    "other_manager": 404,
}


@pytest.fixture
def session(world):
    return WorkshopSessionFactory(project=world.project, audience="everyone")


@pytest.fixture
def entry(world, session):
    return reflection_add(
        session=session,
        author=world.users["facilitator"],
        who_spoke="Carers spoke most; two staff said nothing",
        who_dominated=SECRET,
        tensions="Whether leaflets or a phone call matter more",
        conceded="Pharmacy agreed to prepare medicines the day before",
    )


def log_url(world, session):
    return reverse("reflection:session-log", args=[world.project.pk, session.pk])


def cmo_url(world, entry):
    return reverse("reflection:entry-to-cmo", args=[world.project.pk, entry.session_id, entry.pk])


@pytest.mark.parametrize("role", sorted(set(ROLES) - {"anonymous"}))
def test_the_log_is_for_facilitators_only(client, world, session, entry, role):
    client.force_login(world.users[role])
    data = {"tensions": "Written by someone who should not"}
    for url in (log_url(world, session), cmo_url(world, entry)):
        response = client.get(url)
        assert response.status_code == EXPECTED[role]
        assert (SECRET in response.content.decode()) is (EXPECTED[role] == 200)
        if EXPECTED[role] != 200:
            assert client.post(url, data).status_code == EXPECTED[role]
    assert ReflectiveLogEntry.objects.count() == 1
    assert not Evidence.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, world, session, entry):
    for url in (log_url(world, session), cmo_url(world, entry)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["facilitator", "carer", "manager"])
def test_only_facilitators_see_the_link_from_the_session(client, world, session, role):
    client.force_login(world.users[role])
    page = client.get(session.get_absolute_url()).content.decode()
    assert (log_url(world, session) in page) is (role == "facilitator")


def test_a_facilitator_adds_a_reflection_and_every_facilitator_reads_it(client, world, session):
    client.force_login(world.users["facilitator"])
    response = client.post(
        log_url(world, session),
        {"who_spoke": "Mostly staff", "who_dominated": SECRET, "tensions": "", "conceded": ""},
    )
    entry = ReflectiveLogEntry.objects.get()
    assert response["Location"] == log_url(world, session) + f"#reflection-{entry.pk}"
    assert (entry.session, entry.author) == (session, world.users["facilitator"])
    assert (entry.who_spoke, entry.who_dominated) == ("Mostly staff", SECRET)
    client.force_login(world.users["org_admin"])
    assert SECRET in client.get(log_url(world, session)).content.decode()


def test_an_empty_reflection_is_refused(client, world, session):
    client.force_login(world.users["facilitator"])
    response = client.post(log_url(world, session), {"who_spoke": "  "})
    assert response.status_code == 200
    assert "Write something in at least one of the boxes." in response.content.decode()
    assert not ReflectiveLogEntry.objects.exists()
    with pytest.raises(ValidationError):
        reflection_add(session=session, author=world.users["facilitator"], tensions=" ")


def test_another_sessions_reflection_is_not_found(client, world, session, entry):
    other = WorkshopSessionFactory(project=world.project)
    client.force_login(world.users["facilitator"])
    url = reverse("reflection:entry-to-cmo", args=[world.project.pk, other.pk, entry.pk])
    assert client.get(url).status_code == 404


# From a reflection to a CMO record


def test_the_cmo_form_is_drafted_from_the_reflection(client, world, entry):
    client.force_login(world.users["facilitator"])
    initial = client.get(cmo_url(world, entry)).context["form"].initial
    assert "Whether leaflets or a phone call matter more" in initial["context"]
    assert SECRET in initial["context"]
    assert initial["mechanism"] == "Carers spoke most; two staff said nothing"
    assert initial["outcome"] == "Pharmacy agreed to prepare medicines the day before"


def test_a_reflection_becomes_cmo_evidence_on_a_change_linked_to_the_session(
    client, world, session, entry
):
    change = ServiceChangeFactory(project=world.project)
    client.force_login(world.users["facilitator"])
    response = client.post(
        cmo_url(world, entry),
        {
            "change": change.pk,
            "context": "Ward under staffing pressure",
            "mechanism": "Staff heard carers first-hand",
            "outcome": "Medicines ready the day before",
        },
    )
    assert response["Location"] == log_url(world, session)
    evidence = Evidence.objects.get()
    assert (evidence.change, evidence.kind, evidence.session) == (change, "cmo", session)
    assert evidence.context == "Ward under staffing pressure"
    assert evidence.mechanism == "Staff heard carers first-hand"
    assert evidence.outcome == "Medicines ready the day before"
    assert evidence.created_by == world.users["facilitator"]
    # The reflection stays in the log.
    assert ReflectiveLogEntry.objects.filter(pk=entry.pk).exists()


def test_a_cmo_record_needs_all_three_parts_and_a_change_of_this_project(client, world, entry):
    other_change = ServiceChangeFactory(project=world.other_project)
    change = ServiceChangeFactory(project=world.project)
    client.force_login(world.users["facilitator"])
    response = client.post(
        cmo_url(world, entry),
        {"change": other_change.pk, "context": "c", "mechanism": "m", "outcome": "o"},
    )
    assert response.status_code == 200 and response.context["form"].errors["change"]
    response = client.post(
        cmo_url(world, entry),
        {"change": change.pk, "context": "c", "mechanism": "", "outcome": "o"},
    )
    assert response.status_code == 200 and response.context["form"].errors["mechanism"]
    assert not Evidence.objects.exists()
    with pytest.raises(ValidationError):
        reflection_to_cmo(
            entry=entry,
            change=other_change,
            context="c",
            mechanism="m",
            outcome="o",
            created_by=world.users["facilitator"],
        )
    assert not Evidence.objects.exists()


def test_the_cmo_page_says_when_there_is_no_change_yet(client, world, entry):
    client.force_login(world.users["facilitator"])
    assert "no service changes yet" in client.get(cmo_url(world, entry)).content.decode()
