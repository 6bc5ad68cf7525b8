"""An error while handling a form about access needs, consent or payments sends the admins a
report without what was posted."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.log import AdminEmailHandler

from participants.models import Membership
from participants.views import (
    AccessNeedsView,
    AddManagedView,
    ConsentView,
    ConsentWithdrawView,
    ContactPreferencesView,
    MemberAccessNeedsView,
    MemberContactView,
    MembershipWithdrawView,
)
from sessions.closing.views import (
    ExpenseClaimAddView,
    OwnExpenseClaimAddView,
    PaymentPolicyView,
    RecognitionDeclineView,
    RecognitionUpdateView,
    WalkInAddView,
)
from sessions.models import Attendance, Recognition
from sessions.views import ReplyForView, ReplyView
from tests.factories import WorkshopSessionFactory

pytestmark = pytest.mark.django_db

SECRET = "Sesame-allergy-7741"

# Each view, its URL's name, and the fields its form posts.
VIEWS = [
    (AccessNeedsView, "participants:access-needs", "project", ["dietary", "other"]),
    (MemberAccessNeedsView, "participants:member-access-needs", "member", ["dietary", "other"]),
    (ConsentView, "participants:consent", "project", ["consent_confirmed"]),
    (ConsentWithdrawView, "participants:consent-withdraw", "project", ["reason"]),
    (MembershipWithdrawView, "participants:membership-withdraw", "member", ["reason"]),
    (AddManagedView, "participants:add-managed", "project", ["full_name", "phone"]),
    (MemberContactView, "participants:member-contact", "member", ["mobile", "address_lines"]),
    (ContactPreferencesView, "participants:contact-preferences", "own", ["mobile", "postcode"]),
    (ReplyView, "workshops:session-reply", "session", ["reason", "session_needs"]),
    (ReplyForView, "workshops:session-reply-for", "session-member", ["reason", "session_needs"]),
    (WalkInAddView, "closing:walk-in-add", "session", ["name", "email"]),
    (PaymentPolicyView, "closing:payment-policy", "project", ["notes"]),
    (RecognitionUpdateView, "closing:recognition-edit", "payment", ["payment_reference"]),
    (RecognitionDeclineView, "closing:recognition-decline", "payment", ["reason"]),
    (ExpenseClaimAddView, "closing:expense-claim-add", "payment", ["description"]),
    (OwnExpenseClaimAddView, "closing:own-expense-claim-add", "payment", ["description"]),
]


@pytest.fixture
def admin_mail(settings):
    """Error reports mailed to the admins: Django's own logging does it (with DEBUG off) once
    ADMINS is set."""
    assert any(
        isinstance(handler, AdminEmailHandler) for handler in logging.getLogger("django").handlers
    )
    settings.ADMINS = [("Ops", "ops@example.org")]
    return mail.outbox


def url_args(world, scope):
    member = Membership.objects.get(project=world.project, user=world.users["service_user"])
    session = WorkshopSessionFactory(project=world.project, status="held")
    project = world.project.pk
    if scope == "own":
        return []
    if scope == "project":
        return [project]
    if scope == "member":
        return [project, member.pk]
    if scope == "session":
        return [project, session.pk]
    if scope == "session-member":
        return [project, session.pk, member.pk]
    attendance = Attendance.objects.create(session=session, membership=member)
    return [project, Recognition.objects.create(attendance=attendance, hours=2, amount=40).pk]


@pytest.mark.parametrize(("view", "name", "scope", "fields"), VIEWS)
def test_the_error_report_leaves_out_what_was_posted(
    world, admin_mail, monkeypatch, view, name, scope, fields
):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("the database went away")

    # The view's own dispatch runs, with its decorators; permissions are not what is tested
    # here, so everyone may; handling the POST fails.
    monkeypatch.setattr(view, "post", broken)
    monkeypatch.setattr(get_user_model(), "has_perm", lambda self, perm, obj=None: True)
    client = Client(raise_request_exception=False)
    client.force_login(world.users["facilitator"])
    response = client.post(
        reverse(name, args=url_args(world, scope)), {f: f"{SECRET} {f}" for f in fields}
    )
    assert response.status_code == 500
    assert len(admin_mail) == 1, [(m.subject, m.to) for m in admin_mail]
    report = admin_mail[0].body
    assert "the database went away" in report
    for field in fields:
        assert f"{field} = '********************'" in report
    assert SECRET not in report


@pytest.mark.parametrize("attempts", [1, 5])
def test_outbox_logs_name_no_recipient_subject_or_body(
    world, settings, monkeypatch, caplog, attempts
):
    from smtplib import SMTPRecipientsRefused

    from outbox import services as outbox_services
    from outbox.models import OutboxMessage

    def refused(message):
        raise SMTPRecipientsRefused({message.to: (550, b"mailbox of Sam Reed unavailable")})

    monkeypatch.setattr(outbox_services, "_send_email", refused)
    settings.OUTBOX_MAX_ATTEMPTS = attempts
    message = OutboxMessage.objects.create(
        to="service_user@example.org", subject="Sam, your access needs", body_text="No nuts"
    )
    caplog.set_level(logging.DEBUG)
    outbox_services.outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == ("failed" if attempts == 1 else "pending")
    assert caplog.records, "a failed or retried delivery is logged"
    for personal in ("service_user@example.org", "Sam", "No nuts", "access needs"):
        assert personal not in caplog.text
