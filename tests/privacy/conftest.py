import pytest
from django.urls import reverse

from contributions.models import Comment, Support
from participants.models import AccessNeeds, Consent, Constituency, Membership
from participants.services import participant_add_managed
from tests.factories import PASSWORD, ContributionFactory


def reauthenticate(client, password=PASSWORD):
    """Confirm who the signed-in person is, as allauth's page asks."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()[:500]


@pytest.fixture
def story(world):
    """The service user's experience, idea (one anonymous), comment and support, with a
    carer's idea and comment beside them."""
    member = Membership.objects.get(project=world.project, user=world.users["service_user"])
    carer = Membership.objects.get(project=world.project, user=world.users["carer"])
    AccessNeeds.objects.create(membership=member, step_free_access=True, dietary="No nuts")
    experience = ContributionFactory(
        project=world.project,
        author=member,
        kind="experience",
        title="The night before I went home",
        body="Nobody told me when the transport would come.",
    )
    idea = ContributionFactory(project=world.project, author=member, title="Call the day before")
    anonymous = ContributionFactory(
        project=world.project, author=member, title="A quiet room", is_anonymous=True
    )
    carers_idea = ContributionFactory(
        project=world.project, author=carer, title="Carer's own idea", body="Carer's secret body"
    )
    comment = Comment.objects.create(
        contribution=carers_idea,
        author=member,
        constituency=member.constituency,
        body="Yes, and a leaflet too.",
    )
    carers_comment = Comment.objects.create(
        contribution=idea, author=carer, constituency=carer.constituency, body="Carer agrees"
    )
    support = Support.objects.create(
        contribution=carers_idea, membership=member, constituency=member.constituency
    )
    return {
        "member": member,
        "carer": carer,
        "experience": experience,
        "idea": idea,
        "anonymous": anonymous,
        "carers_idea": carers_idea,
        "comment": comment,
        "carers_comment": carers_comment,
        "support": support,
    }


@pytest.fixture
def managed(world):
    """Pat, whom the world's project's facilitators manage (no email, consent on paper)."""
    membership = participant_add_managed(
        project=world.project,
        full_name="Pat Managed",
        display_name="Pat",
        constituency=Constituency.SERVICE_USER,
        contact={"channel": "phone_call", "phone": "0113 496 0000"},
        consent_method=Consent.Method.PAPER,
        added_by=world.users["facilitator"],
    )
    ContributionFactory(project=world.project, author=membership, title="Pat's idea")
    return membership
