"""Closing a session: attendance, walk-ins, photos of room outputs, and involvement payments."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_record
from codesign.images import ImageStatus
from outbox.services import outbox_email, outbox_job
from participants.models import Constituency, Membership
from participants.services import participant_invite

from ..models import (
    Attendance,
    ExpenseClaim,
    OrganisationPaymentTerms,
    PaymentPolicy,
    Recognition,
    SessionPhoto,
    WalkIn,
    WorkshopSession,
)
from .selectors import attendance_choices, payment_policy_defaults

RECORDABLE = (WorkshopSession.Status.IN_PROGRESS, WorkshopSession.Status.HELD)
PAID_CONSTITUENCIES = (Constituency.SERVICE_USER, Constituency.CARER)
# The worker's jobs (sessions.closing.uploads) that make an uploaded picture fit to show.
PHOTO_JOB = "sessions.closing.uploads.session_photo_process"
RECEIPT_JOB = "sessions.closing.uploads.expense_receipt_process"


def _lock_recordable(session: WorkshopSession) -> WorkshopSession:
    session = WorkshopSession.objects.select_for_update().get(pk=session.pk)
    if session.status not in RECORDABLE:
        raise ValidationError(
            _("Attendance is recorded once a session has started, and corrected after it is held.")
        )
    return session


def _policy_for(project) -> PaymentPolicy:
    policy, _created = PaymentPolicy.objects.get_or_create(
        project=project, defaults=payment_policy_defaults(project)
    )
    return policy


def _is_paid(membership: Membership, policy: PaymentPolicy) -> bool:
    if membership.constituency in PAID_CONSTITUENCIES:
        return True
    return membership.constituency == Constituency.STAFF and policy.pay_staff


def _session_hours(session: WorkshopSession) -> Decimal:
    return session.duration_hours


def _tell_recognition_offered(recognition: Recognition) -> None:
    membership = recognition.attendance.membership
    if not membership.user.email or membership.status != Membership.Status.ACTIVE:
        return
    project = membership.project
    outbox_email(
        to=membership.user.email,
        template="recognition_offered",
        context={
            "recognition": recognition,
            "session": recognition.attendance.session,
            "membership": membership,
            "payments_url": settings.CODESIGN_SITE_URL
            + reverse("closing:my-payments", args=[project.pk]),
        },
        project=project,
        dedupe_key=f"recognition-offered-{recognition.pk}",
    )


def _recognise(*, session: WorkshopSession, attendances, policy: PaymentPolicy) -> list:
    """Create the missing recognition records of a held session's attendances."""
    hours = _session_hours(session)
    attendances = list(attendances)
    recognised = set(
        Recognition.objects.filter(attendance__in=attendances).values_list(
            "attendance_id", flat=True
        )
    )
    created = []
    for attendance in attendances:
        if attendance.pk in recognised or not _is_paid(attendance.membership, policy):
            continue
        recognition = Recognition(
            attendance=attendance,
            hours=hours,
            amount=policy.amount_for(hours),
            payment_status=Recognition.PaymentStatus.OFFERED,
        )
        recognition.full_clean()
        recognition.save()
        _tell_recognition_offered(recognition)
        created.append(recognition)
    return created


@transaction.atomic
def session_close(
    *,
    session: WorkshopSession,
    attended_membership_ids,
    record_notes: str,
    outputs: str,
    closed_by,
) -> WorkshopSession:
    """Record who came, the notes and outputs, mark the session held and offer payment.

    Closing again corrects the record: attendances are added or removed, nothing is duplicated,
    and recognition already offered keeps its amount.
    """
    session = _lock_recordable(session)
    allowed = {m.pk: m for m in attendance_choices(session)}
    wanted = {int(pk) for pk in attended_membership_ids}
    if unknown := wanted - set(allowed):
        raise ValidationError(
            _("%(count)d of the people ticked are not in this session's audience.")
            % {"count": len(unknown)}
        )
    existing = {
        a.membership_id: a
        for a in session.attendances.select_related("membership").prefetch_related(
            "recognition__expenses"
        )
    }
    leaving = [a for pk, a in existing.items() if pk not in wanted]
    settled = [
        a.membership.display_name
        for a in leaving
        if hasattr(a, "recognition")
        and (
            a.recognition.payment_status
            in (Recognition.PaymentStatus.APPROVED, Recognition.PaymentStatus.PAID)
            or a.recognition.expenses.all()
        )
    ]
    if settled:
        raise ValidationError(
            _(
                "%(names)s cannot be taken off the list: their payment is approved or paid, "
                "or they have claimed expenses."
            )
            % {"names": ", ".join(settled)}
        )
    Attendance.objects.filter(pk__in=[a.pk for a in leaving]).delete()
    for pk in sorted(wanted - set(existing)):
        # The unique constraint stops a second facilitator saving at once from adding a twin.
        Attendance.objects.get_or_create(
            session=session, membership=allowed[pk], defaults={"recorded_by": closed_by}
        )
    session.record_notes = record_notes
    session.outputs = outputs
    session.status = WorkshopSession.Status.HELD
    session.full_clean()
    session.save(update_fields=["record_notes", "outputs", "status", "updated_at"])
    _recognise(
        session=session,
        attendances=session.attendances.select_related("membership__user", "membership__project"),
        policy=_policy_for(session.project),
    )
    audit_record(
        action=AuditEntry.Action.SESSION_CLOSED,
        actor=closed_by,
        project=session.project,
        target=session,
        details={"attended": len(wanted), "removed": len(leaving)},
    )
    return session


@transaction.atomic
def walk_in_add(
    *, session: WorkshopSession, name: str, constituency: str, email: str = "", added_by
) -> WalkIn:
    """Record someone who came without being a member of the project."""
    session = _lock_recordable(session)
    walk_in = WalkIn(session=session, name=name, constituency=constituency, email=email)
    walk_in.full_clean()
    walk_in.save()
    return walk_in


@transaction.atomic
def walk_in_invite(*, walk_in: WalkIn, invited_by) -> WalkIn:
    """Invite a walk-in to the project; their attendance (and payment, once held) follows them."""
    walk_in = WalkIn.objects.select_for_update().select_related("session").get(pk=walk_in.pk)
    if walk_in.invited_membership_id:
        raise ValidationError(_("%(name)s has already been invited.") % {"name": walk_in.name})
    if not walk_in.email:
        raise ValidationError(
            _("Add an email address to invite %(name)s.") % {"name": walk_in.name}
        )
    session = walk_in.session
    invitation = participant_invite(
        project=session.project,
        email=walk_in.email,
        constituency=walk_in.constituency,
        display_name=walk_in.name[:80],
        invited_by=invited_by,
    )
    walk_in.invited_membership = invitation.membership
    walk_in.save(update_fields=["invited_membership"])
    attendance, _created = Attendance.objects.get_or_create(
        session=session, membership=invitation.membership, defaults={"recorded_by": invited_by}
    )
    if session.status == WorkshopSession.Status.HELD:
        _recognise(session=session, attendances=[attendance], policy=_policy_for(session.project))
    return walk_in


@transaction.atomic
def session_photo_add(
    *, session: WorkshopSession, image, caption: str = "", uploaded_by
) -> SessionPhoto:
    """Store a photo of a room output as sent (its header checked by the form) and have the
    worker make the copy members see: upright, shrunk, without location or camera data."""
    session = _lock_recordable(session)
    caption = caption.strip() or _("Photo of room output %(number)d") % {
        "number": session.photos.count() + 1
    }
    photo = SessionPhoto(session=session, caption=caption, uploaded_by=uploaded_by)
    image.seek(0)
    photo.image.save("photo.jpg", File(image), save=False)
    try:
        photo.full_clean()
        photo.save()
    except Exception:
        photo.image.delete(save=False)
        raise
    outbox_job(
        job=PHOTO_JOB,
        payload={"photo_id": photo.pk},
        project=session.project,
        dedupe_key=f"session-photo:{photo.pk}",
    )
    return photo


@transaction.atomic
def session_photo_delete(*, photo: SessionPhoto) -> None:
    """Delete a photo and, once that is committed, its file."""
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def payment_policy_save(*, project, **fields) -> PaymentPolicy:
    """Create or change a project's payment policy."""
    policy = PaymentPolicy.objects.filter(project=project).first() or PaymentPolicy(project=project)
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    return policy


@transaction.atomic
def organisation_payment_terms_save(*, organisation, **fields) -> OrganisationPaymentTerms:
    """Set the terms new projects of an organisation start their payment policy from."""
    terms = OrganisationPaymentTerms.objects.filter(
        organisation=organisation
    ).first() or OrganisationPaymentTerms(organisation=organisation)
    for name, value in fields.items():
        setattr(terms, name, value)
    terms.full_clean()
    terms.save()
    return terms


@transaction.atomic
def recognition_update(
    *,
    recognition: Recognition,
    changed_by,
    expense_statuses: dict[int, str] | None = None,
    **fields,
) -> Recognition:
    """Change a payment's status, date, reference or benefits advice, and expense statuses."""
    recognition = Recognition.objects.select_for_update().get(pk=recognition.pk)
    before = recognition.payment_status
    for name, value in fields.items():
        setattr(recognition, name, value)
    recognition.full_clean()
    recognition.save()
    changes = {}
    if recognition.payment_status != before:
        changes["payment"] = [before, recognition.payment_status]
    for expense in recognition.expenses.all():
        status = (expense_statuses or {}).get(expense.pk)
        if status and status != expense.status:
            changes[f"expense {expense.pk}"] = [expense.status, status]
            expense.status = status
            expense.full_clean()
            expense.save(update_fields=["status"])
    if changes:
        _audit_payment(recognition, changed_by, changes)
    return recognition


def _audit_payment(recognition: Recognition, actor, changes: dict) -> None:
    audit_record(
        action=AuditEntry.Action.PAYMENT_CHANGED,
        actor=actor,
        project=recognition.project,
        target=recognition,
        details=changes,
    )


@transaction.atomic
def recognition_decline(*, recognition: Recognition, declined_by) -> Recognition:
    """Decline a payment one was offered (expenses can still be claimed)."""
    recognition = Recognition.objects.select_for_update().get(pk=recognition.pk)
    if recognition.payment_status == Recognition.PaymentStatus.PAID:
        raise ValidationError(_("This payment has already been made."))
    before = recognition.payment_status
    recognition.payment_status = Recognition.PaymentStatus.DECLINED
    recognition.full_clean()
    recognition.save(update_fields=["payment_status", "updated_at"])
    _audit_payment(recognition, declined_by, {"payment": [before, recognition.payment_status]})
    return recognition


def covered_expense_kinds(policy: PaymentPolicy) -> list[str]:
    """The kinds of expense a policy covers."""
    kinds = []
    if policy.covers_travel:
        kinds.append(ExpenseClaim.Kind.TRAVEL)
    if policy.covers_carer_cover:
        kinds.append(ExpenseClaim.Kind.CARER_COVER)
    if policy.covers_other:
        kinds.append(ExpenseClaim.Kind.OTHER)
    return kinds


@transaction.atomic
def expense_claim_add(
    *,
    recognition: Recognition,
    kind: str,
    amount: Decimal,
    description: str = "",
    receipt: tuple[str, File] | None = None,
    claimed_by,
) -> ExpenseClaim:
    """Claim an expense the project's policy covers; a receipt is stored under a random name.

    ``receipt`` is (extension, file) as checked by the form. A PDF is kept as sent; a picture
    is shown once the worker has shrunk it and removed its location and camera data.
    """
    recognition = Recognition.objects.select_related("attendance__session__project").get(
        pk=recognition.pk
    )
    policy = _policy_for(recognition.attendance.session.project)
    if kind not in covered_expense_kinds(policy):
        raise ValidationError({"kind": _("This project's policy does not cover that expense.")})
    claim = ExpenseClaim(recognition=recognition, kind=kind, amount=amount, description=description)
    extension, file = receipt or ("", None)
    if file is not None:
        file.seek(0)
        claim.receipt.save(f"receipt.{extension}", File(file), save=False)
    is_picture = file is not None and extension != "pdf"
    claim.receipt_status = ImageStatus.PROCESSING if is_picture else ImageStatus.READY
    try:
        claim.full_clean()
        claim.save()
    except Exception:
        if claim.receipt:
            claim.receipt.delete(save=False)
        raise
    if is_picture:
        outbox_job(
            job=RECEIPT_JOB,
            payload={"claim_id": claim.pk},
            project=recognition.attendance.session.project,
            dedupe_key=f"expense-receipt:{claim.pk}",
        )
    return claim
