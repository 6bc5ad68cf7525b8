"""Deleting an account, row by row of the README's table."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from contributions.models import Comment, Contribution, Support
from notifications.models import EmailPreference, Notification
from outbox.models import OutboxMessage
from participants.models import AccessNeeds, ContactPreferences, Invitation, Membership
from privacy.services import account_delete
from sessions.models import Attendance, CalendarFeed, Recognition
from tests.factories import PASSWORD, MembershipFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def belongings(world, story):
    user = world.users["service_user"]
    CalendarFeed.objects.create(user=user, token_hash="c" * 64)
    Notification.objects.create(user=user, kind="status", message="Your idea moved on.")
    EmailPreference.objects.create(user=user, category="sessions", enabled=False)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    story["member"].job_title = "Volunteer driver"
    story["member"].save()
    Invitation.objects.create(
        membership=story["member"],
        email=user.email,
        token_hash="i" * 64,
        expires_at="2030-01-01T00:00Z",
    )
    second = MembershipFactory(project=world.other_project, user=user, display_name="Sam R")
    session = WorkshopSessionFactory(project=world.project, status="held")
    recognition = Recognition.objects.create(
        attendance=Attendance.objects.create(session=session, membership=story["member"]),
        hours=2,
        amount=40,
    )
    OutboxMessage.objects.create(to=user.email, subject="Reminder", body_text="Hello Sam")
    ContactPreferences.objects.create(
        person=user,
        channel="letter",
        mobile="+447400123456",
        address_lines="Sam Rivers\n1 Mill Lane\nRiverside",
        postcode="RV1 2AB",
    )
    return {"second": second, "recognition": recognition}


def delete(world):
    user = world.users["service_user"]
    return account_delete(person=user, deleted_by=user)


def test_identity_and_what_they_told_us_are_removed(world, story, belongings):
    user = delete(world)
    user.refresh_from_db()
    assert user.email is None
    assert user.full_name == ""
    assert not ContactPreferences.objects.filter(person=user).exists()
    assert user.pseudonym.startswith("Former participant ")
    assert str(user) == user.pseudonym
    assert not user.has_usable_password()
    assert not user.is_active
    for model in (EmailAddress, Authenticator, CalendarFeed, Notification, EmailPreference):
        assert not model.objects.filter(user=user).exists(), model
    memberships = Membership.objects.filter(user=user)
    assert not AccessNeeds.objects.filter(membership__in=memberships).exists()
    assert not Invitation.objects.filter(membership__in=memberships).exists()
    assert not OutboxMessage.objects.filter(to="service_user@example.org").exists()
    assert set(memberships.values_list("job_title", flat=True)) == {""}
    assert set(memberships.values_list("display_name", flat=True)) == {user.pseudonym}


def test_experiences_are_removed_ideas_comments_supports_kept_with_constituency(
    world, story, belongings
):
    delete(world)
    assert not Contribution.objects.filter(pk=story["experience"].pk).exists()
    idea = Contribution.objects.get(pk=story["idea"].pk)
    assert idea.constituency == "service_user"
    assert Comment.objects.get(pk=story["comment"].pk).constituency == "service_user"
    assert Support.objects.get(pk=story["support"].pk).constituency == "service_user"
    # Others' comments on a kept idea stay too.
    assert Comment.objects.filter(pk=story["carers_comment"].pk).exists()


def test_every_membership_is_withdrawn(world, story, belongings):
    delete(world)
    statuses = set(
        Membership.objects.filter(user=world.users["service_user"]).values_list("status", flat=True)
    )
    assert statuses == {Membership.Status.WITHDRAWN}


def test_kept_items_are_shown_as_former_participant(world, story, belongings, client):
    delete(world)
    client.force_login(world.users["carer"])
    html = client.get(reverse("contributions:board", args=[world.project.pk])).content.decode()
    assert "Call the day before" in html and "Former participant" in html
    assert "Service User" not in html
    detail = client.get(story["carers_idea"].get_absolute_url()).content.decode()
    assert "Yes, and a leaflet too." in detail and "Former participant" in detail


def test_payments_and_audit_point_to_the_pseudonym(world, story, belongings, client):
    user = delete(world)
    recognition = Recognition.objects.select_related("attendance__membership__user").get(
        pk=belongings["recognition"].pk
    )
    assert recognition.attendance.membership.user == user
    client.force_login(world.users["facilitator"])
    response = client.get(reverse("closing:payment-csv", args=[world.project.pk]))
    csv = b"".join(response.streaming_content).decode()
    assert user.pseudonym in csv
    assert "Service User" not in csv and "service_user@example.org" not in csv
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCOUNT_DELETED)
    assert entry.actor == user and entry.target_id == str(user.pk)
    assert entry.details == {"by_self": True}
    # Earlier entries by them are kept and now point to the pseudonymous row.
    assert AuditEntry.objects.filter(actor=user, action=AuditEntry.Action.MEMBER_WITHDRAWN).exists()


def test_the_audit_entry_holds_no_personal_data(world, story, belongings):
    delete(world)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCOUNT_DELETED)
    text = str(entry.details) + entry.path
    for personal in ("service_user@example.org", "01632", "Mill Lane", "Service User"):
        assert personal not in text


def sign_in(client):
    return client.post(
        reverse("account_login"), {"login": "service_user@example.org", "password": PASSWORD}
    )


def test_sign_in_is_disabled(world, story):
    before = Client()
    assert sign_in(before).status_code == 302
    assert "_auth_user_id" in before.session
    delete(world)
    client = Client()
    assert sign_in(client).status_code == 200
    assert "_auth_user_id" not in client.session
    assert not client.login(email="service_user@example.org", password=PASSWORD)


def test_their_other_sessions_end(world, story):
    other_browser = Client()
    sign_in(other_browser)
    assert other_browser.get(reverse("privacy:your-data")).status_code == 200
    delete(world)
    response = other_browser.get(reverse("privacy:your-data"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_deleting_twice_changes_nothing(world, story, belongings):
    user = delete(world)
    pseudonym = user.pseudonym
    account_delete(person=user, deleted_by=user)
    user.refresh_from_db()
    assert user.pseudonym == pseudonym
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCOUNT_DELETED).count() == 1


def test_a_failure_part_way_leaves_everything_as_it_was(world, story, belongings, monkeypatch):
    from privacy import services

    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        delete(world)
    user = User.objects.get(pk=world.users["service_user"].pk)
    assert user.email == "service_user@example.org" and user.is_active
    assert Contribution.objects.filter(pk=story["experience"].pk).exists()
    assert Membership.objects.get(pk=story["member"].pk).status == Membership.Status.ACTIVE
