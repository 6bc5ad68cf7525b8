"""What the data download holds, and a facilitator acting for someone they manage."""

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from participants.models import Membership
from sessions.models import Attendance, Recognition
from tests.factories import (
    MembershipFactory,
    UserFactory,
    WorkshopSessionFactory,
)

from .conftest import reauthenticate

pytestmark = pytest.mark.django_db

FILES = {
    "README.txt",
    "data.json",
    "account.json",
    "memberships.csv",
    "consents.csv",
    "access_needs.csv",
    "contributions.csv",
    "comments.csv",
    "supports.csv",
    "dots.csv",
    "session_replies.csv",
    "call_list.csv",
    "attendance.csv",
    "payments.csv",
    "expenses.csv",
    "notifications.csv",
    "equality_monitoring.csv",
}
# What the carer, beside the service user in the story, wrote or is called.
OTHERS = ("carer@example.org", "Carer's own idea", "Carer's secret body", "Carer agrees", "Carer")


def open_zip(response) -> dict[str, str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def rows(files, name):
    return list(csv.DictReader(io.StringIO(files[name])))


@pytest.fixture
def own_zip(world, story, client):
    session = WorkshopSessionFactory(project=world.project, status="held", title="Joint event")
    attendance = Attendance.objects.create(session=session, membership=story["member"])
    Recognition.objects.create(
        attendance=attendance, hours=2, amount=40, payment_reference="BACS-123"
    )
    client.force_login(world.users["service_user"])
    reauthenticate(client)
    return open_zip(client.post(reverse("privacy:data-download")))


def test_the_zip_holds_json_and_a_csv_per_section(own_zip):
    assert set(own_zip) == FILES
    data = json.loads(own_zip["data.json"])
    assert json.loads(own_zip["account.json"]) == data["account"]
    assert data["account"]["email"] == "service_user@example.org"
    assert "Secret tokens and passwords are never included" in own_zip["README.txt"]


def test_the_zip_holds_the_persons_own_data_anonymous_contributions_included(own_zip):
    data = json.loads(own_zip["data.json"])
    titles = {c["title"]: c["anonymous"] for c in data["contributions"]}
    assert titles == {
        "The night before I went home": False,
        "Call the day before": False,
        "A quiet room": True,
    }
    assert {r["title"] for r in rows(own_zip, "contributions.csv")} == set(titles)
    assert [r["body"] for r in rows(own_zip, "comments.csv")] == ["Yes, and a leaflet too."]
    assert len(rows(own_zip, "supports.csv")) == 1
    assert rows(own_zip, "access_needs.csv")[0]["dietary"] == "No nuts"
    assert rows(own_zip, "memberships.csv")[0]["project"] == "Going home from Ward 7"
    payment = rows(own_zip, "payments.csv")[0]
    assert (payment["amount"], payment["payment_reference"]) == ("40.00", "BACS-123")


def test_the_zip_holds_nothing_of_anyone_else(own_zip):
    for name, text in own_zip.items():
        for other in OTHERS:
            assert other not in text, (name, other)


def download_for(client, user, membership):
    client.force_login(user)
    reauthenticate(client)
    url = reverse("privacy:member-data-download", args=[membership.project_id, membership.pk])
    return client.post(url)


def test_the_projects_facilitator_downloads_a_managed_persons_data(world, managed, client):
    files = open_zip(download_for(client, world.users["facilitator"], managed))
    data = json.loads(files["data.json"])
    assert data["account"]["full_name"] == "Pat Managed"
    assert [c["title"] for c in data["contributions"]] == ["Pat's idea"]
    for text in files.values():
        assert "service_user@example.org" not in text and "facilitator@example.org" not in text
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DATA_EXPORTED)
    assert entry.actor == world.users["facilitator"] and entry.target_id == str(managed.user_id)
    assert entry.details == {"by_self": False}


def test_the_projects_facilitator_deletes_a_managed_persons_account(world, managed, client):
    client.force_login(world.users["facilitator"])
    reauthenticate(client)
    url = reverse("privacy:member-account-delete", args=[world.project.pk, managed.pk])
    response = client.post(url)
    assert response.status_code == 302
    managed.user.refresh_from_db()
    assert managed.user.deleted_at is not None and managed.user.full_name == ""


def test_a_facilitator_of_another_project_is_not_told_the_person_exists(world, managed, client):
    other_facilitator = UserFactory(email="other_facilitator@example.org")
    MembershipFactory(
        project=world.other_project, user=other_facilitator, role=Membership.Role.FACILITATOR
    )
    assert download_for(client, other_facilitator, managed).status_code == 404
    # Nor through their own project's URL.
    url = reverse("privacy:member-data-download", args=[world.other_project.pk, managed.pk])
    assert client.post(url).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DATA_EXPORTED).exists()


@pytest.mark.parametrize("role", ["service_user", "staff", "observer"])
def test_members_who_do_not_manage_the_project_are_refused(world, managed, client, role):
    assert download_for(client, world.users[role], managed).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DATA_EXPORTED).exists()


def test_nobody_acts_for_someone_who_is_not_managed(world, story, client):
    response = download_for(client, world.users["facilitator"], story["member"])
    assert response.status_code == 403
    url = reverse("privacy:member-account-delete", args=[world.project.pk, story["member"].pk])
    assert client.post(url).status_code == 403
    story["member"].user.refresh_from_db()
    assert story["member"].user.deleted_at is None


def test_nor_for_someone_also_in_a_project_they_do_not_manage(world, managed, client):
    """Acting on the whole account would reach into the other project."""
    MembershipFactory(project=world.other_project, user=managed.user, managed_by_facilitator=True)
    assert download_for(client, world.users["facilitator"], managed).status_code == 403


def test_a_facilitator_managing_both_projects_may(world, managed, client):
    MembershipFactory(project=world.other_project, user=managed.user, managed_by_facilitator=True)
    MembershipFactory(
        project=world.other_project,
        user=world.users["facilitator"],
        role=Membership.Role.FACILITATOR,
    )
    files = open_zip(download_for(client, world.users["facilitator"], managed))
    projects = {m["project"] for m in json.loads(files["data.json"])["memberships"]}
    assert projects == {world.project.title, world.other_project.title}
