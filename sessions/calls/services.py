"""Putting people on a session's call list, and recording that a facilitator told them.

Sessions' services call ``call_list_add`` wherever a session is scheduled, changed or cancelled,
and reminders before each reminder: everyone it concerns whose channel is a phone call or in
person only goes on the list. Anyone else goes on it through ``add_to_call_list`` (a message to
them failed for good: ``message_failed`` below, registered with the outbox, does it).
"""

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from codesign.content import project_content_changed
from participants.contact import contacts_for
from participants.models import Membership

from .models import CallListEntry

Reason = CallListEntry.Reason


def call_list_add(*, session, memberships, reason: str, occasion: str = "") -> int:
    """Put the members whom a facilitator tells themselves (their channel is a phone call or
    in person only) on the session's call list for this occasion (by default, the reason);
    return how many that concerns. ``memberships`` come with their users."""
    return call_list_add_many(
        [(session, membership, occasion or reason) for membership in memberships], reason=reason
    )


def call_list_add_many(items: list, *, reason: str) -> int:
    """``call_list_add`` for many sessions at once: ``items`` are (session, membership,
    occasion) with the membership's user loaded. Two queries however many."""
    if not items:
        return 0
    contacts = contacts_for({membership.user for _, membership, _ in items})
    rows = [
        CallListEntry(session=session, membership=membership, reason=reason, occasion=occasion)
        for session, membership, occasion in items
        if contacts[membership.user_id].told_by_facilitator
    ]
    _save(rows)
    return len(rows)


def add_to_call_list(*, session, person, reason: str, occasion: str = "") -> bool:
    """Put one person (a user) on a session's call list, whatever their channel (a message to
    them failed, say); False if they are not in the session's project."""
    membership = Membership.objects.filter(project_id=session.project_id, user=person).first()
    if membership is None:
        return False
    _save(
        [
            CallListEntry(
                session=session, membership=membership, reason=reason, occasion=occasion or reason
            )
        ]
    )
    return True


def _save(rows: list[CallListEntry]) -> None:
    """Write the entries; one already there for its occasion is left as it is."""
    if not rows:
        return
    CallListEntry.objects.bulk_create(rows, ignore_conflicts=True)
    project_content_changed(sorted({row.session.project_id for row in rows}))


def message_failed(message) -> None:
    """A message about a session could not reach its person for good: a facilitator tells
    them instead (registered with ``outbox.registry.register_delivery_failed``)."""
    from ..models import WorkshopSession

    about = message.payload or {}
    if not about.get("session") or not about.get("membership"):
        return
    session = WorkshopSession.objects.filter(pk=about["session"]).first()
    membership = Membership.objects.filter(pk=about["membership"]).first()
    if session is None or membership is None or membership.project_id != session.project_id:
        return
    _save(
        [
            CallListEntry(
                session=session,
                membership=membership,
                reason=Reason.MESSAGE_FAILED,
                occasion=f"failed:{message.pk}",
            )
        ]
    )


@transaction.atomic
def call_list_mark_told(*, session, membership, told_by) -> int:
    """Record that a facilitator told this person where the session stands: every open entry
    of theirs for it is ticked, with who and when, and audited. Returns how many."""
    now = timezone.now()
    entries = CallListEntry.objects.select_for_update().filter(
        session=session, membership=membership, told_at__isnull=True
    )
    reasons = sorted({entry.reason for entry in entries})
    if not reasons:
        return 0
    told = entries.update(told_at=now, told_by=told_by)
    audit_record(
        action=AuditEntry.Action.CALL_TOLD,
        actor=told_by,
        project=session.project,
        target=membership,
        details={"session": session.pk, "reasons": reasons},
    )
    project_content_changed([session.project_id])
    return told


def call_list_forget(*, membership, now) -> None:
    """Someone who leaves a project is called about its sessions no more."""
    CallListEntry.objects.filter(membership=membership).delete()
