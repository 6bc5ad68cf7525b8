"""Email choices: each category can be switched off, except invitations, sign-in codes and
safeguarding alerts; every switchable email has a one-click unsubscribe (RFC 8058)."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail, signing
from django.template import engines
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.categories import (
    ALWAYS_SENT_TEMPLATES,
    TEMPLATE_CATEGORIES,
    EmailCategory,
)
from notifications.models import EmailPreference, Notification
from notifications.preferences import unsubscribe_token
from notifications.selectors import email_preferences_of
from notifications.services import email_preferences_update, notify
from outbox.models import OutboxMessage
from outbox.services import outbox_email
from participants.services import participant_invite
from projects.models import OrganisationRole
from projects.services import organisation_role_grant
from sessions.models import Reminder
from sessions.reminders.services import session_reminders_send
from sessions.services import session_schedule
from tests.factories import ReplyFactory, WorkshopSessionFactory

pytestmark = pytest.mark.django_db

PREFERENCES = reverse("notifications:email-preferences")


def switch_off(user, *categories):
    email_preferences_update(user=user, choices=dict.fromkeys(categories, False))


def schedule(world):
    starts = timezone.now() + timedelta(days=9)
    return session_schedule(
        project=world.project,
        created_by=world.users["facilitator"],
        title="Going home: joint event",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Seminar room 2",
    )


def written_to(template_subject_part=""):
    return sorted(
        OutboxMessage.objects.filter(subject__contains=template_subject_part).values_list(
            "to", flat=True
        )
    )


def unsubscribe_url(user, category):
    return reverse(
        "notifications:unsubscribe",
        args=[unsubscribe_token(user_id=user.pk, category=category)],
    )


def test_switching_a_category_off_stops_exactly_that_category(world):
    switch_off(world.users["service_user"], EmailCategory.SESSIONS)
    schedule(world)
    invited = set(OutboxMessage.objects.values_list("to", flat=True))
    assert "service_user@example.org" not in invited
    assert {"carer@example.org", "staff@example.org", "facilitator@example.org"} <= invited
    # Other categories still reach them.
    notify(
        users=[world.users["service_user"]],
        kind=Notification.Kind.ROUND,
        project=world.project,
        message="A round opened.",
    )
    assert OutboxMessage.objects.filter(
        to="service_user@example.org", category=EmailCategory.ROUNDS
    ).exists()


def test_reminders_written_in_bulk_leave_out_those_who_opted_out(world):
    session = WorkshopSessionFactory(project=world.project)
    for person in ("service_user", "carer"):
        ReplyFactory(session=session, membership=world.users[person].memberships.get())
    switch_off(world.users["service_user"], EmailCategory.REMINDERS)
    at = session.starts_at - timedelta(hours=1)
    assert session_reminders_send(now=at) == 2
    assert written_to() == ["carer@example.org"]
    # The opted-out person's reminder is claimed without a message: no later run writes it.
    claim = Reminder.objects.get(membership__user=world.users["service_user"])
    assert claim.message is None
    session_reminders_send(now=at + timedelta(minutes=5))
    assert written_to() == ["carer@example.org"]


def test_invitations_sign_in_codes_and_role_grants_always_go(world, client):
    person = world.users["service_user"]
    switch_off(person, *EmailCategory.values)
    participant_invite(
        project=world.other_project,
        email=person.email,
        constituency="carer",
        invited_by=world.users["superuser"],
    )
    organisation_role_grant(
        organisation=world.other_organisation,
        email=person.email,
        role=OrganisationRole.Role.FACILITATOR,
        granted_by=world.users["superuser"],
    )
    client.post(reverse("account_request_login_code"), {"email": person.email})
    messages = OutboxMessage.objects.filter(to=person.email)
    assert messages.count() == 3
    for message in messages:
        assert message.category == ""
        assert "List-Unsubscribe" not in message.headers
        assert "/unsubscribe/" not in message.body_text


def test_email_without_a_category_is_never_held_back(world):
    """Safeguarding alerts, like every template not listed in TEMPLATE_CATEGORIES, go always."""
    person = world.users["facilitator"]
    switch_off(person, *EmailCategory.values)
    message = outbox_email(
        to=person.email,
        template="organisation_role_granted",
        context={"organisation": world.organisation, "role": "Admin"},
    )
    assert message is not None and message.category == ""


def test_every_email_template_is_classified():
    """A new email must be given a category, or be listed as always sent on purpose."""
    templates = set()
    for directory in engines["django"].template_dirs:
        templates |= {
            path.name.removesuffix("_subject.txt")
            for path in Path(directory).glob("emails/*_subject.txt")
        }
    assert templates
    unclassified = templates - set(TEMPLATE_CATEGORIES) - ALWAYS_SENT_TEMPLATES
    assert not unclassified, f"add {unclassified} to notifications/categories.py"
    assert not ALWAYS_SENT_TEMPLATES & set(TEMPLATE_CATEGORIES)


def test_categorised_email_has_one_click_headers_and_a_visible_link(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        schedule(world)
        participant_invite(
            project=world.project,
            email="new@example.org",
            constituency="carer",
            invited_by=world.users["facilitator"],
        )
    sent = {email.to[0]: email for email in mail.outbox}
    carer = world.users["carer"]
    link = settings.CODESIGN_SITE_URL + unsubscribe_url(carer, EmailCategory.SESSIONS)
    message = sent[carer.email].message()
    assert message["List-Unsubscribe"] == f"<{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in sent[carer.email].body
    html = sent[carer.email].alternatives[0][0]
    assert f'<a href="{link}">' in html
    assert html.index(link) < html.index("</body>")
    # Each person's link is their own.
    staff_link = sent["staff@example.org"].message()["List-Unsubscribe"]
    assert staff_link != f"<{link}>"
    invitation = sent["new@example.org"].message()
    assert invitation["List-Unsubscribe"] is None
    assert invitation["List-Unsubscribe-Post"] is None
    assert "/unsubscribe/" not in sent["new@example.org"].body


def test_the_unsubscribe_page_changes_nothing_on_get(world):
    carer = world.users["carer"]
    response = Client().get(unsubscribe_url(carer, EmailCategory.REMINDERS))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Session reminders" in page
    assert '<form method="post">' in page
    assert not EmailPreference.objects.exists()
    assert email_preferences_of(carer)[EmailCategory.REMINDERS] is True


def test_the_button_switches_the_category_off_without_signing_in(world):
    carer = world.users["carer"]
    client = Client(enforce_csrf_checks=True)
    url = unsubscribe_url(carer, EmailCategory.REMINDERS)
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "You will not get these emails any more" in page
    assert '<form method="post">' not in page  # the button is gone (the language switcher stays)
    choices = email_preferences_of(carer)
    assert choices[EmailCategory.REMINDERS] is False
    assert choices[EmailCategory.SESSIONS] is True
    # Only the token's own person.
    assert email_preferences_of(world.users["service_user"])[EmailCategory.REMINDERS] is True


def test_a_mail_providers_one_click_post_switches_it_off(world):
    carer = world.users["carer"]
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_url(carer, EmailCategory.SESSIONS),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "You will not get these emails any more" in response.content.decode()
    assert email_preferences_of(carer)[EmailCategory.SESSIONS] is False
    schedule(world)
    assert carer.email not in written_to()


@pytest.mark.parametrize(
    "token",
    [
        "tampered",
        "wrong-user",
        "wrong-salt",
        "unknown-category",
        "gone",
    ],
)
def test_a_bad_token_is_not_found(world, token):
    carer = world.users["carer"]
    good = unsubscribe_token(user_id=carer.pk, category=EmailCategory.SESSIONS)
    value, signature = good.rsplit(":", 1)
    other = unsubscribe_token(user_id=world.users["staff"].pk, category=EmailCategory.SESSIONS)
    tokens = {
        "tampered": f"{value}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        # Another person's payload under this person's signature.
        "wrong-user": f"{other.rsplit(':', 1)[0]}:{signature}",
        "wrong-salt": signing.Signer(salt="other").sign_object(
            {"u": carer.pk, "c": EmailCategory.SESSIONS}
        ),
        "unknown-category": signing.Signer(salt="notifications.unsubscribe").sign_object(
            {"u": carer.pk, "c": "everything"}
        ),
        "gone": unsubscribe_token(user_id=987654, category=EmailCategory.SESSIONS),
    }
    url = reverse("notifications:unsubscribe", args=[tokens[token]])
    client = Client()
    assert client.get(url).status_code == 404
    assert (
        client.post(
            url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 404
    )
    assert not EmailPreference.objects.exists()


def test_the_preferences_page_shows_and_saves_choices(world, client_for):
    client = client_for(world.users["carer"])
    page = client.get(PREFERENCES).content.decode()
    boxes = dict(re.findall(r'<input type="checkbox" name="(\w+)"([^>]*)>', page))
    assert set(boxes) == set(EmailCategory.values)
    assert [name for name, rest in boxes.items() if "checked" not in rest] == ["digest"]
    assert "Invitations to take part in a project." in page
    response = client.post(PREFERENCES, {"sessions": "on", "digest": "on"})
    assert response.status_code == 302
    assert email_preferences_of(world.users["carer"]) == {
        "sessions": True,
        "reminders": False,
        "payments": False,
        "access_needs": False,
        "replies": False,
        "ideas": False,
        "rounds": False,
        "follow_ups": False,
        "digest": True,
    }
    # Nobody else's choices change.
    assert not EmailPreference.objects.exclude(user=world.users["carer"]).exists()


def test_defaults_are_on_except_the_digest(world):
    assert email_preferences_of(world.users["carer"]) == {
        category: category != "digest" for category in EmailCategory.values
    }


def test_news_about_an_anonymous_post_is_emailed_discreetly(world):
    notify(
        users=[world.users["service_user"]],
        kind=Notification.Kind.STATUS,
        project=world.project,
        message="Your idea “Later buses” is now: Taken forward.",
        url="/projects/1/contributions/7/",
        discreet_for=[world.users["service_user"].pk],
    )
    message = OutboxMessage.objects.get()
    assert message.to == "service_user@example.org"
    assert message.category == EmailCategory.IDEAS
    # Nothing in the outbox pairs the address with what they posted anonymously, and the
    # project's "Emails sent" page does not list it.
    assert message.project is None
    assert message.subject == "News about something you posted anonymously on Codesign"
    for text in (message.subject, message.body_text, message.body_html):
        assert "Later buses" not in text
        assert world.project.title not in text
    assert reverse("notifications:notification-list") in message.body_text


def test_news_about_a_named_post_says_what_happened_and_where(world):
    notify(
        users=[world.users["service_user"]],
        kind=Notification.Kind.CHANGE,
        project=world.project,
        message="A change that came from your contribution is now in progress: “Later buses”.",
        url="/projects/1/changes/7/",
    )
    message = OutboxMessage.objects.get()
    assert message.category == EmailCategory.IDEAS
    assert "Later buses" in message.subject and world.project.title in message.subject
    assert "Something new" not in message.subject


def test_a_round_opening_is_emailed_with_its_message(world):
    notify(
        users=[world.users["service_user"], world.users["carer"]],
        kind=Notification.Kind.ROUND,
        project=world.project,
        message="A prioritisation round opened: choose the ideas that matter most.",
        url="/projects/1/rounds/2/",
    )
    assert written_to() == ["carer@example.org", "service_user@example.org"]
    message = OutboxMessage.objects.get(to="carer@example.org")
    assert "choose the ideas that matter most" in message.body_text
    assert settings.CODESIGN_SITE_URL + "/projects/1/rounds/2/" in message.body_text
    assert world.project.title in message.subject


def test_switching_replies_off_keeps_the_bell_but_stops_the_email(world):
    switch_off(world.users["service_user"], EmailCategory.REPLIES)
    notify(
        users=[world.users["service_user"]],
        kind=Notification.Kind.COMMENT,
        project=world.project,
        message="Someone commented on your experience.",
    )
    assert Notification.objects.filter(user=world.users["service_user"]).count() == 1
    assert not OutboxMessage.objects.exists()


def test_safeguarding_alerts_reach_facilitators_who_switched_everything_off(world):
    from contributions.conversation.services import report_add
    from tests.factories import ContributionFactory

    facilitator = world.users["facilitator"]
    switch_off(facilitator, *EmailCategory.values)
    contribution = ContributionFactory(
        project=world.project, author=world.users["carer"].memberships.get()
    )
    report_add(
        target=contribution,
        reporter=world.users["staff"],
        reason="safeguarding",
        details="Someone may be at risk.",
    )
    alert = OutboxMessage.objects.get(to=facilitator.email)
    assert alert.category == ""
    assert "List-Unsubscribe" not in alert.headers


def test_the_link_works_for_someone_who_has_not_finished_joining(world):
    # A person invited by email may have no usable account yet (inactive until they accept).
    carer = world.users["carer"]
    carer.is_active = False
    carer.save(update_fields=["is_active"])
    url = unsubscribe_url(carer, EmailCategory.SESSIONS)
    assert Client().get(url).status_code == 200
    assert Client().post(url).status_code == 302
    assert email_preferences_of(carer)[EmailCategory.SESSIONS] is False
