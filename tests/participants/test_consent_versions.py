"""A new version of a project's consent statement asks everyone who agreed to an earlier one
to agree again; a new project's statement starts from its organisation's template."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from outbox.models import OutboxMessage
from participants.models import Membership
from participants.services import consent_give, consent_statement_publish
from projects.services import project_create

pytestmark = pytest.mark.django_db


def test_people_who_agreed_to_an_earlier_version_are_asked_again(world, client_for):
    carer = Membership.objects.get(project=world.project, user=world.users["carer"])
    consent_give(membership=carer, recorded_by=world.users["carer"])
    client = client_for(world.users["carer"])
    assert (
        'id="consent-changed"' not in client.get(world.project.get_absolute_url()).content.decode()
    )

    statement = consent_statement_publish(project=world.project, text="A clearer statement.")

    assert Notification.objects.filter(
        user=world.users["carer"], kind=Notification.Kind.CONSENT
    ).exists()
    email = OutboxMessage.objects.get(to="carer@example.org")
    assert world.project.title in email.subject and email.category == ""
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert 'id="consent-changed"' in page
    assert f"version {statement.version} is new" in page
    consent_url = reverse("participants:consent", args=[world.project.pk])
    assert client.post(consent_url, {"agree": "on"}).status_code == 302
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert 'id="consent-changed"' not in page
    assert f"(version {statement.version})" in page


def test_a_new_project_starts_from_the_organisations_consent_template(world):
    world.organisation.consent_template = "I agree to help improve {service} in {project}."
    world.organisation.save()
    project = project_create(
        organisation=world.organisation,
        created_by=world.users["org_admin"],
        title="Outpatients",
        challenge="Long waits.",
        service_area="the eye clinic",
        scope="service",
        method="ebcd",
    )
    (statement,) = project.consent_statements.all()
    assert statement.version == 1
    assert statement.text == "I agree to help improve the eye clinic in Outpatients."
