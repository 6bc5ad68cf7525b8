"""Withdrawing consent (leaving a project), row by row of the README's table."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from contributions.models import Contribution
from participants.models import AccessNeeds, Invitation, Membership
from participants.services import consent_give, membership_withdraw, participant_invite
from sessions.models import Attendance, Recognition
from tests.factories import ServiceChangeFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db


def leave(world, story):
    membership_withdraw(membership=story["member"], withdrawn_by=world.users["service_user"])


def test_access_needs_and_invitations_are_removed_for_that_project_only(world, story):
    invitation = participant_invite(
        project=world.other_project,
        email="service_user@example.org",
        constituency="service_user",
        invited_by=world.users["superuser"],
    )
    Invitation.objects.create(
        membership=story["member"],
        email="service_user@example.org",
        token_hash="a" * 64,
        expires_at=invitation.expires_at,
    )
    leave(world, story)
    assert not AccessNeeds.objects.filter(membership=story["member"]).exists()
    assert not Invitation.objects.filter(membership=story["member"]).exists()
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_experiences_leave_the_board_and_what_reports_count(world, story, client):
    leave(world, story)
    story["experience"].refresh_from_db()
    assert story["experience"].withdrawn_at is not None
    visible = Contribution.objects.filter(project=world.project).visible()
    assert story["experience"] not in visible
    assert story["idea"] in visible
    client.force_login(world.users["carer"])
    html = client.get(reverse("contributions:board", args=[world.project.pk])).content.decode()
    assert "The night before I went home" not in html
    assert "Call the day before" in html


def test_ideas_comments_and_supports_stay_shown_as_former_participant(world, story, client):
    leave(world, story)
    name = story["member"].display_name
    client.force_login(world.users["carer"])
    board = client.get(reverse("contributions:board", args=[world.project.pk])).content.decode()
    assert "Call the day before" in board and "Former participant" in board
    assert name not in board
    detail = client.get(story["carers_idea"].get_absolute_url()).content.decode()
    assert "Yes, and a leaflet too." in detail and "Former participant" in detail
    assert name not in detail
    assert story["carers_idea"].supports.count() == 1
    # The anonymous one stays anonymous.
    anonymous = client.get(story["anonymous"].get_absolute_url()).content.decode()
    assert "Anonymous participant" in anonymous and name not in anonymous


def test_change_provenance_shows_former_participant(world, story, client):
    change = ServiceChangeFactory(project=world.project, title="Calls before discharge")
    change.contributions.set([story["idea"]])
    leave(world, story)
    client.force_login(world.users["facilitator"])
    html = client.get(
        reverse("changes:change-detail", args=[world.project.pk, change.pk])
    ).content.decode()
    assert "Call the day before" in html
    assert "Former participant" in html
    assert story["member"].display_name not in html


def test_payments_and_audit_are_kept_and_the_account_lives(world, story):
    session = WorkshopSessionFactory(project=world.project, status="held")
    attendance = Attendance.objects.create(session=session, membership=story["member"])
    Recognition.objects.create(attendance=attendance, hours=2, amount=40)
    consent_give(membership=story["member"], recorded_by=world.users["service_user"])
    given = AuditEntry.objects.get(action=AuditEntry.Action.CONSENT_GIVEN)
    leave(world, story)
    assert AuditEntry.objects.filter(pk=given.pk).exists()
    assert story["member"].consents.get().withdrawn_at is not None
    assert Recognition.objects.filter(attendance__membership=story["member"]).count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CONSENT_WITHDRAWN).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.MEMBER_WITHDRAWN).exists()
    user = world.users["service_user"]
    user.refresh_from_db()
    assert user.is_active and user.email == "service_user@example.org"
    assert user.full_name


def test_leaving_through_the_consent_page_has_the_same_effects(world, story, client):
    client.force_login(world.users["service_user"])
    page = reverse("participants:consent-withdraw", args=[world.project.pk])
    assert "Former participant" in client.get(page).content.decode()
    response = client.post(page, {"reason": ""})
    assert response.status_code == 302
    member = Membership.objects.get(pk=story["member"].pk)
    assert member.status == Membership.Status.WITHDRAWN
    assert not AccessNeeds.objects.filter(membership=member).exists()
    story["experience"].refresh_from_db()
    assert story["experience"].withdrawn_at is not None
