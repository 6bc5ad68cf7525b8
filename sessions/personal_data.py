"""What workshop sessions hold of a person: replies, attendance, payments and expenses, calendar
feeds, walk-ins (see codesign/personal_data.py)."""

from django.db import models, transaction
from django.utils.translation import gettext_lazy

from codesign import personal_data
from codesign.personal_data import PSEUDONYM, Section, when

from .calls.models import CallListEntry
from .models import (
    AgendaItem,
    Attendance,
    CalendarFeed,
    ExpenseClaim,
    OrganisationPaymentTerms,
    PaymentPolicy,
    Recognition,
    Reminder,
    Reply,
    SessionPhoto,
    WalkIn,
    WorkshopSession,
)

# What a walk-in is called once retention has taken their name.
WALK_IN = gettext_lazy("Walk-in")
# A reply without what the person told the facilitators (the answer stays).
CLEARED = {"reason": "", "session_needs": ""}


def _reply(r: Reply) -> dict:
    return {
        "project": r.session.project.title,
        "session": r.session.title,
        "starts_at": when(r.session.starts_at),
        "answer": r.answer,
        "reason": r.reason,
        "session_needs": r.session_needs,
        "language_wanted": r.language_wanted,
        "updated_at": when(r.updated_at),
    }


def _attendance(a: Attendance) -> dict:
    return {
        "project": a.session.project.title,
        "session": a.session.title,
        "starts_at": when(a.session.starts_at),
        "recorded_at": when(a.recorded_at),
    }


def _payment(r: Recognition) -> dict:
    return {
        "project": r.attendance.session.project.title,
        "session": r.attendance.session.title,
        "hours": str(r.hours),
        "amount": str(r.amount),
        "payment_status": r.payment_status,
        "paid_on": when(r.paid_on),
        "payment_reference": r.payment_reference,
        "benefits_advice_offered": r.benefits_advice_offered,
    }


def _expense(e: ExpenseClaim) -> dict:
    return {
        "project": e.recognition.attendance.session.project.title,
        "session": e.recognition.attendance.session.title,
        "kind": e.kind,
        "amount": str(e.amount),
        "description": e.description,
        "status": e.status,
        "receipt_attached": bool(e.receipt),
        "created_at": when(e.created_at),
    }


def _purge_payments(payments: models.QuerySet, now) -> int:
    ids = list(payments.values_list("pk", flat=True))
    receipts = [
        claim.receipt
        for claim in ExpenseClaim.objects.filter(recognition_id__in=ids).exclude(receipt="")
    ]
    Recognition.objects.filter(pk__in=ids).delete()
    # Files are not rolled back with the transaction: they go once the rows are gone for good.
    transaction.on_commit(lambda: [receipt.delete(save=False) for receipt in receipts])
    return len(ids)


FINANCE = "payment records, which finance must keep; they name a deleted account by pseudonym"

personal_data.holds_none(AgendaItem, OrganisationPaymentTerms, PaymentPolicy)
personal_data.register(
    WorkshopSession,
    person="created_by",
    erase=personal_data.keep("the session stays; who planned it is named by pseudonym alone"),
)
personal_data.register(
    CalendarFeed,
    person="user",
    download=Section(
        "account.calendar_feeds",
        about="when your private calendar addresses were made and stopped (never the address)",
        row=lambda f: {"created_at": when(f.created_at), "revoked_at": when(f.revoked_at)},
    ),
    erase=personal_data.delete(),
)
personal_data.register(
    Reply,
    person="membership__user",
    download=Section(
        "session_replies",
        about="your answers to sessions, with what you told the facilitators",
        row=_reply,
        related=("session__project",),
    ),
    erase=personal_data.redact(CLEARED),
    retain=(
        personal_data.Retention(
            kind="session_replies",
            label=gettext_lazy("Reasons and needs given in session replies, cleared"),
            period=personal_data.months("RETENTION_MONTHS"),
            exclude=models.Q(**CLEARED),
            then=personal_data.redact(CLEARED),
            **personal_data.after_close("session__project"),
        ),
    ),
    also_names=("replied_by",),
)
personal_data.register(
    Reminder,
    person="membership__user",
    erase=personal_data.keep("a claim that stops a reminder going twice; it holds no more"),
)
personal_data.register(
    WalkIn,
    person="invited_membership__user",
    erase=personal_data.redact({"name": PSEUDONYM, "email": ""}),
    retain=(
        personal_data.Retention(
            kind="walk_ins",
            label=gettext_lazy("Names and emails of walk-ins, removed"),
            period=personal_data.months("RETENTION_MONTHS"),
            exclude=models.Q(name=WALK_IN, email=""),
            then=personal_data.redact({"name": WALK_IN, "email": ""}),
            **personal_data.after_close("session__project"),
        ),
    ),
)
personal_data.register(
    Attendance,
    person="membership__user",
    download=Section(
        "attendance",
        about="the sessions you came to",
        row=_attendance,
        related=("session__project",),
    ),
    erase=personal_data.keep("who came counts in the project's figures; payments rest on it"),
    also_names=("recorded_by",),
)
personal_data.register(
    SessionPhoto,
    person="uploaded_by",
    erase=personal_data.keep("a photo of the room's outputs; who took it is named by pseudonym"),
)
personal_data.register(
    Recognition,
    person="attendance__membership__user",
    download=Section(
        "payments",
        about="payments for your time at sessions",
        row=_payment,
        related=("attendance__session__project",),
    ),
    erase=personal_data.keep(FINANCE),
    retain=(
        personal_data.Retention(
            kind="payments",
            label=gettext_lazy("Payment records past the finance retention period"),
            period=personal_data.years("RETENTION_FINANCE_YEARS"),
            age="attendance__session__starts_at",
            organisation="attendance__session__project__organisation",
            then=_purge_payments,
        ),
    ),
)
# Retention deletes them, and their receipts, with their payment record.
personal_data.register(
    ExpenseClaim,
    person="recognition__attendance__membership__user",
    download=Section(
        "expenses",
        about="the expenses you claimed (whether a receipt is attached, not the receipt)",
        row=_expense,
        related=("recognition__attendance__session__project",),
    ),
    erase=personal_data.keep(FINANCE),
)
personal_data.register(
    CallListEntry,
    person="membership__user",
    download=Section(
        "call_list",
        about="when facilitators were to phone or tell you about a session, why, and when they did",
        row=lambda entry: {
            "project": entry.session.project.title,
            "session": entry.session.title,
            "reason": entry.reason,
            "added_at": when(entry.created_at),
            "told_at": when(entry.told_at),
        },
        related=("session__project",),
    ),
    erase=personal_data.delete(),
    retain=(
        personal_data.Retention(
            kind="call_list",
            label=gettext_lazy("Call lists of closed projects"),
            period=personal_data.months("RETENTION_MONTHS"),
            then=personal_data.delete(),
            **personal_data.after_close("session__project"),
        ),
    ),
    also_names=("told_by",),
)
