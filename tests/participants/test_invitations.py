import re

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from outbox import texts
from outbox.models import OutboxMessage
from participants.contact import contact_for
from participants.models import Channel, Invitation, Membership, hash_token
from participants.services import (
    invitation_resend,
    invitation_revoke,
    participant_invite,
    participants_invite_many,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def invite(world, email="new.person@example.org", **kwargs):
    kwargs.setdefault("constituency", "service_user")
    return participant_invite(
        project=world.project, email=email, invited_by=world.users["facilitator"], **kwargs
    )


def link_in_last_email():
    match = re.search(r"https?://[^/\s]+(/invitations/[^/\s]+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


@pytest.fixture
def sent(world, django_capture_on_commit_callbacks):
    """An invitation to a new person, delivered by email; returns (invitation, path)."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(world)
    return invitation, link_in_last_email()


def test_invite_creates_an_invited_membership_and_emails_a_link(world, sent):
    invitation, path = sent
    membership = invitation.membership
    assert membership.status == Membership.Status.INVITED
    assert membership.constituency == "service_user"
    assert not membership.user.is_active
    assert not membership.user.has_usable_password()
    token = path.split("/")[2]
    # Only a hash of the token is stored.
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash
    assert mail.outbox[-1].to == ["new.person@example.org"]
    assert world.project.title in mail.outbox[-1].subject
    assert AuditEntry.objects.filter(action="invitation.sent", target_id=membership.pk).exists()


def test_opening_the_link_changes_nothing(world, sent, client):
    invitation, path = sent
    response = client.get(path)
    assert response.status_code == 200
    assert "Accept invitation" in response.content.decode()
    invitation.refresh_from_db()
    membership = invitation.membership
    membership.refresh_from_db()
    membership.user.refresh_from_db()
    assert invitation.accepted_at is None
    assert membership.status == Membership.Status.INVITED
    assert not membership.user.is_active
    assert "_auth_user_id" not in client.session


def test_accepting_signs_a_new_person_in_and_leads_to_consent_then_access_needs(
    world, sent, client
):
    invitation, path = sent
    response = client.post(path)
    project = world.project
    assert response.url == reverse("participants:consent", args=[project.pk])
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    user = invitation.membership.user
    user.refresh_from_db()
    assert user.is_active
    assert client.session["_auth_user_id"] == str(user.pk)
    # Until consent, the project page leads back to consent.
    assert client.get(project.get_absolute_url()).url == response.url
    response = client.post(response.url, {"agree": "on"})
    assert response.url == reverse("participants:access-needs", args=[project.pk])
    membership = Membership.objects.get(pk=invitation.membership_id)
    assert membership.status == Membership.Status.ACTIVE
    consent = membership.consents.get()
    assert consent.method == "online" and consent.statement.version == 1
    response = client.post(response.url, {"step_free_access": "on", "preferred_contact": "email"})
    assert response.status_code == 302
    assert membership.access_needs.step_free_access
    assert client.get(project.get_absolute_url()).status_code == 200


def test_consent_requires_the_box_ticked(world, sent, client):
    _, path = sent
    client.post(path)
    response = client.post(reverse("participants:consent", args=[world.project.pk]), {})
    assert response.status_code == 200
    assert "Tick the box to agree" in response.content.decode()


def test_a_link_is_single_use(world, sent, client):
    _, path = sent
    client.post(path)
    client.logout()
    response = client.post(path)
    assert response.status_code == 410
    assert "already been accepted" in response.content.decode()


def test_a_person_with_an_account_signs_in_first(world, client, django_capture_on_commit_callbacks):
    existing = UserFactory(email="existing@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(world, email="existing@example.org")
    path = link_in_last_email()
    response = client.post(path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert "_auth_user_id" not in client.session
    client.post(reverse("account_login"), {"login": existing.email, "password": PASSWORD})
    assert client.post(path).status_code == 302
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_a_link_opened_by_someone_else_says_so_and_does_nothing(world, sent, client):
    invitation, path = sent
    client.force_login(world.users["staff"])
    response = client.get(path)
    assert "This invitation is for someone else" in response.content.decode()
    response = client.post(path)
    assert response.status_code == 409
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert client.session["_auth_user_id"] == str(world.users["staff"].pk)


def test_an_expired_link_cannot_be_used(world, sent, client, time_machine):
    invitation, path = sent
    time_machine.move_to(invitation.expires_at)
    response = client.post(path)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_an_unknown_token_is_404(client, db):
    assert client.get("/invitations/not-a-real-token/").status_code == 404


def test_resend_replaces_the_link(world, sent, client, django_capture_on_commit_callbacks):
    invitation, old_path = sent
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(invitation=invitation, resent_by=world.users["facilitator"])
    new_path = link_in_last_email()
    assert new_path != old_path
    assert client.post(old_path).status_code == 410
    assert client.post(new_path).status_code == 302


def test_revoke_stops_the_link_and_withdraws_the_invitee(world, sent, client):
    invitation, path = sent
    invitation_revoke(invitation=invitation, revoked_by=world.users["facilitator"])
    assert client.post(path).status_code == 410
    invitation.membership.refresh_from_db()
    assert invitation.membership.status == Membership.Status.WITHDRAWN


def test_inviting_someone_already_in_the_project_is_refused_next_to_the_field(world, client):
    client.force_login(world.users["facilitator"])
    url = reverse("participants:invite", args=[world.project.pk])
    response = client.post(
        url,
        {
            "full_name": "Sam Staff",
            "email": "staff@example.org",
            "constituency": "staff",
            "role": "participant",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "staff@example.org is already in this project." in html
    assert 'id="error_1_id_email"' in html or "invalid-feedback" in html
    assert Invitation.objects.count() == 0


def test_invite_form_shows_errors_next_to_fields(world, client):
    client.force_login(world.users["facilitator"])
    response = client.post(reverse("participants:invite", args=[world.project.pk]), {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter email address" in html
    assert "This field is required." not in html


def test_bulk_invite_sends_good_lines_and_reports_each_bad_line(world):
    result = participants_invite_many(
        project=world.project,
        lines=(
            "Ana Lopez, ana@example.org, service_user\n"
            "Bob Stone, not-an-email@, staff\n"
            "\n"
            "Ben Okafor, ben@example.org, Staff, observer\n"
            "Cat Hill, cat@example.org, patient\n"
            "Ana L, ANA@example.org, carer\n"
            "Dan Wu, dan@example.org, carer, boss\n"
            "Lee Nurse, 07400 123456, carer\n"
            "Pat Jones, 0113 496 0000, service_user\n"
            "sam@example.org, service_user\n"
            "Kim Ray, 07400, staff\n"
        ),
        invited_by=world.users["facilitator"],
    )
    assert sorted(i.sent_to for i in result.invited) == [
        "07400 123456",
        "ana@example.org",
        "ben@example.org",
    ]
    errors = {number: message for number, _, message in result.errors}
    assert set(errors) == {2, 5, 6, 7, 9, 10, 11}
    assert "not an email address" in errors[2]
    assert "not a constituency" in errors[5]
    assert "earlier line" in errors[6]
    assert "not a role" in errors[7]
    assert "landline" in errors[9]
    assert "Write the name, the email address or mobile number" in errors[10]
    assert "too short" in errors[11]
    ben = Membership.objects.get(user__email="ben@example.org")
    assert (ben.constituency, ben.role, ben.display_name) == ("staff", "observer", "Ben")
    assert ben.user.full_name == "Ben Okafor"
    # Lee has only a mobile: the invitation goes by text, and Lee is reached by text.
    lee = Membership.objects.get(user__full_name="Lee Nurse")
    assert lee.display_name == "Lee" and lee.user.email is None
    assert contact_for(lee.user).channel == Channel.TEXT
    text = OutboxMessage.objects.get(kind=OutboxMessage.Kind.TEXT)
    assert text.phone == "+447400123456"
    assert "/invitations/" in text.body_text and world.project.title in text.body_text
    assert texts.fits(text.body_text)


def test_bulk_invite_takes_each_persons_language(world):
    result = participants_invite_many(
        project=world.project,
        lines=(
            "Ana Lopez, ana@example.org, service_user, , Cymraeg\n"
            "Ben Okafor, ben@example.org, staff, observer, english\n"
            "Cat Hill, cat@example.org, carer, participant, Klingon\n"
            "Dan Wu, dan@example.org, carer\n"
        ),
        invited_by=world.users["facilitator"],
    )
    assert [number for number, _, _ in result.errors] == [3]
    assert "not a language" in result.errors[0][2]
    languages = dict(
        Membership.objects.filter(
            user__email__in=["ana@example.org", "ben@example.org", "dan@example.org"]
        ).values_list("user__email", "user__language")
    )
    assert languages == {"ana@example.org": "cy", "ben@example.org": "en-gb", "dan@example.org": ""}
    ana = Membership.objects.get(user__email="ana@example.org")
    assert ana.role == Membership.Role.PARTICIPANT
    # Ana's invitation is written in Welsh, Ben's in English.
    subjects = dict(OutboxMessage.objects.values_list("to", "subject"))
    assert subjects["ana@example.org"].startswith("Rydych wedi'ch gwahodd")
    assert "invited" in subjects["ben@example.org"]


def test_a_person_invited_by_text_joins_from_the_link(world, client):
    participants_invite_many(
        project=world.project,
        lines="Lee Nurse, 07400 123456, carer",
        invited_by=world.users["facilitator"],
    )
    text = OutboxMessage.objects.get(kind=OutboxMessage.Kind.TEXT)
    link = re.search(r"/invitations/[^/\s]+/", text.body_text).group(0)
    response = client.post(link)
    assert response.status_code == 302
    lee = Membership.objects.get(user__full_name="Lee Nurse")
    assert lee.user.is_active and lee.invitations.get().accepted_at is not None
    # The same number again is the same person, already in the project.
    result = participants_invite_many(
        project=world.project,
        lines="Lee N, +44 7400 123456, carer",
        invited_by=world.users["facilitator"],
    )
    assert "already in this project" in result.errors[0][2]


def test_bulk_invite_page_keeps_only_failed_lines_with_errors_beside_them(world, client):
    client.force_login(world.users["facilitator"])
    response = client.post(
        reverse("participants:invite-many", args=[world.project.pk]),
        {"lines": "Eve Adams, eve@example.org, carer\nbroken line"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    errors = response.context["form"].errors["lines"]
    assert len(errors) == 1 and errors[0].startswith("Line 2 (“broken line”): Write the name")
    textarea = html[html.index("<textarea") : html.index("</textarea>")]
    assert "broken line" in textarea
    assert "eve@example.org" not in textarea
    assert 'aria-invalid="true"' in textarea or "is-invalid" in textarea
    assert Membership.objects.filter(user__email="eve@example.org").exists()
