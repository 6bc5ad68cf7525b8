"""Planning workshop sessions and replying to them."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from codesign import events
from codesign.content import project_content_changed
from outbox.services import outbox_email
from participants.models import AccessNeeds, Membership

from . import messaging
from .calls.models import CallListEntry
from .calls.services import call_list_add
from .models import Reply, WorkshopSession
from .selectors import session_audience

CallReason = CallListEntry.Reason
# Needs that take arranging; added close to a session, they alert the facilitators.
NEEDS_TAKING_ARRANGING = ("bsl_interpreter", "other_interpreter", "hearing_loop")
ARRANGING_WINDOW = timedelta(days=7)


def _tell(*, session, memberships, template: str, cancel: bool = False, context=None) -> int:
    """Tell each member about the session by their channel (``messaging``)."""
    return messaging.tell(
        session=session, memberships=memberships, template=template, cancel=cancel, context=context
    )


def _raise(name: str, session: WorkshopSession, **data) -> None:
    """Tell the organisation's other systems of a session (its kind, stage and times: no
    title, place, link or person)."""
    events.event_raise(
        name=name,
        organisation_id=session.project.organisation_id,
        project_id=session.project_id,
        data={
            "session": {
                "id": session.pk,
                "kind": session.kind,
                "status": session.status,
                "starts_at": session.starts_at.isoformat(),
                "ends_at": session.ends_at.isoformat(),
                "online": bool(session.online_link),
                "sequence": session.sequence,
                "url": events.site_link(session.get_absolute_url()),
            },
            "stage": session.stage.name if session.stage_id else None,
            **data,
        },
    )


def _save_agenda(session, agenda_formset) -> None:
    if agenda_formset is None:
        return
    agenda_formset.instance = session
    agenda_formset.save()
    for index, item in enumerate(session.agenda.order_by("order", "pk"), start=1):
        if item.order != index:
            type(item).objects.filter(pk=item.pk).update(order=index)


@transaction.atomic
def session_schedule(
    *, project, created_by, agenda_formset=None, submission_key=None, **fields
) -> WorkshopSession:
    """Schedule a session and invite its audience, each with a calendar invitation.

    With a submission key, a second call for the same project and key (a double click, a
    retry after a slow answer) returns the session the first one scheduled."""
    earlier = WorkshopSession.objects.filter(project=project, submission_key=submission_key)
    if submission_key is not None and (existing := earlier.first()):
        return existing
    session = WorkshopSession(
        project=project, created_by=created_by, submission_key=submission_key, **fields
    )
    try:
        session.full_clean()
    except ValidationError:
        # The same form's other POST may have committed between the check above and here.
        if submission_key is not None and (existing := earlier.first()):
            return existing
        raise
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:
        if submission_key is None:
            raise
        # The same form's other POST committed it while this one was checking.
        return earlier.get()
    _save_agenda(session, agenda_formset)
    _raise(events.SESSION_SCHEDULED, session)
    if session.ends_at > timezone.now():  # a past session is recorded, nobody is invited
        audience = list(session_audience(session))
        _tell(session=session, memberships=audience, template="session_scheduled")
        call_list_add(session=session, memberships=audience, reason=CallReason.SCHEDULED)
    return session


RESCHEDULING_FIELDS = ("starts_at", "ends_at", "place", "online_link")


@transaction.atomic
def session_update(*, session: WorkshopSession, agenda_formset=None, **fields) -> WorkshopSession:
    """Change a session; a new time or place raises SEQUENCE and tells those affected."""
    session = WorkshopSession.objects.select_for_update().get(pk=session.pk)
    if session.status in (WorkshopSession.Status.HELD, WorkshopSession.Status.CANCELLED):
        raise ValidationError(_("A session that was held or cancelled cannot be changed."))
    before = {name: getattr(session, name) for name in RESCHEDULING_FIELDS}
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean()
    rescheduled = any(getattr(session, name) != before[name] for name in RESCHEDULING_FIELDS)
    if rescheduled:
        session.sequence += 1
    session.save()
    _save_agenda(session, agenda_formset)
    _raise(events.SESSION_CHANGED, session, rescheduled=rescheduled)
    if rescheduled:
        affected = list(session_audience(session, exclude_not_going=True))
        _tell(
            session=session,
            memberships=affected,
            template="session_changed",
            context={"before": before},
        )
        call_list_add(
            session=session,
            memberships=affected,
            reason=CallReason.CHANGED,
            occasion=f"changed:{session.sequence}",
        )
    return session


@transaction.atomic
def session_cancel(*, session: WorkshopSession, reason: str) -> WorkshopSession:
    """Cancel a session and send everyone affected a calendar cancellation."""
    session = WorkshopSession.objects.select_for_update().get(pk=session.pk)
    if session.status != WorkshopSession.Status.SCHEDULED:
        raise ValidationError(_("Only a scheduled session can be cancelled."))
    session.status = WorkshopSession.Status.CANCELLED
    session.cancel_reason = reason
    session.sequence += 1
    session.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
    _raise(events.SESSION_CANCELLED, session)
    affected = list(session_audience(session, exclude_not_going=True))
    _tell(session=session, memberships=affected, template="session_cancelled", cancel=True)
    call_list_add(session=session, memberships=affected, reason=CallReason.CANCELLED)
    return session


@transaction.atomic
def session_start(*, session: WorkshopSession) -> WorkshopSession:
    """Mark a scheduled session as in progress."""
    updated = WorkshopSession.objects.filter(
        pk=session.pk, status=WorkshopSession.Status.SCHEDULED
    ).update(status=WorkshopSession.Status.IN_PROGRESS, updated_at=timezone.now())
    project_content_changed([session.project_id])
    if not updated:
        raise ValidationError(_("Only a scheduled session can be started."))
    session.refresh_from_db()
    return session


def _going_count(session) -> int:
    return session.replies.filter(answer=Reply.Answer.GOING).count()


def _promote_from_waitlist(session) -> Reply | None:
    if session.capacity is not None and _going_count(session) >= session.capacity:
        return None
    first = (
        session.replies.filter(answer=Reply.Answer.WAITLIST)
        .select_related("membership__user")
        .order_by("waitlisted_at", "pk")
        .first()
    )
    if first is None:
        return None
    first.answer = Reply.Answer.GOING
    first.waitlisted_at = None
    first.save(update_fields=["answer", "waitlisted_at", "updated_at"])
    _tell(session=session, memberships=[first.membership], template="waitlist_promoted")
    call_list_add(
        session=session,
        memberships=[first.membership],
        reason=CallReason.PLACE_FREED,
        occasion=f"place:{first.pk}:{first.updated_at.timestamp():.6f}",
    )
    return first


@transaction.atomic
def session_reply(
    *,
    session: WorkshopSession,
    membership: Membership,
    answer: str,
    replied_by,
    reason: str = "",
    session_needs: str = "",
    by_text: bool = False,
    language_wanted: str = "",
) -> Reply:
    """Record a reply, with the language the person wants for the session; past capacity,
    'going' joins the waiting list, and a place freed by someone dropping out goes to the
    first person waiting, who is told. A reply by text (``text_replies``) keeps what the
    person wrote before, and the language they asked for."""
    # Lock the session row: two people replying at once for the last place queue here.
    session = WorkshopSession.objects.select_for_update().get(pk=session.pk)
    if session.status != WorkshopSession.Status.SCHEDULED or session.ends_at < timezone.now():
        raise ValidationError(_("Replies are closed for this session."))
    if not session.is_for_member(membership):
        raise ValidationError(_("This session is for a different group of participants."))
    if answer not in (Reply.Answer.GOING, Reply.Answer.MAYBE, Reply.Answer.NOT_GOING):
        raise ValidationError(_("Choose going, maybe or not going."))
    reply = Reply.objects.filter(session=session, membership=membership).first()
    was_going = reply is not None and reply.answer == Reply.Answer.GOING
    if reply is None:
        reply = Reply(session=session, membership=membership)
    if answer == Reply.Answer.GOING and not was_going:
        if reply.answer == Reply.Answer.WAITLIST:
            answer = Reply.Answer.WAITLIST  # keeps its place in the queue
        elif session.capacity is not None and _going_count(session) >= session.capacity:
            answer = Reply.Answer.WAITLIST
            reply.waitlisted_at = timezone.now()
    if answer != Reply.Answer.WAITLIST:
        reply.waitlisted_at = None
    reply.answer = answer
    if not by_text:
        reply.reason, reply.session_needs = reason, session_needs
        reply.language_wanted = language_wanted
    reply.by_text = by_text
    reply.replied_by = replied_by
    reply.full_clean()
    reply.save()
    if was_going and answer != Reply.Answer.GOING:
        _promote_from_waitlist(session)
    if answer in (Reply.Answer.GOING, Reply.Answer.MAYBE) and not was_going:
        needs = AccessNeeds.objects.filter(membership=membership).first()
        access_needs_alert(membership=membership, needs=arranging_needs(needs), sessions=[session])
    return reply


def arranging_needs(needs) -> list[str]:
    """The needs among these access needs that take arranging, in plain words."""
    if needs is None:
        return []
    return [
        str(needs._meta.get_field(name).verbose_name)
        + (f": {needs.other_interpreter}" if name == "other_interpreter" else "")
        for name in NEEDS_TAKING_ARRANGING
        if getattr(needs, name)
    ]


def access_needs_changed(*, membership: Membership, before, after) -> int:
    """Alert the facilitators to the needs taking arranging that a person has just added
    (registered with participants: it runs when access needs are saved)."""
    known = set(arranging_needs(before))
    return access_needs_alert(
        membership=membership, needs=[need for need in arranging_needs(after) if need not in known]
    )


def replies_forget_needs(*, membership: Membership, now) -> None:
    """Leaving a project takes back what the person told facilitators in session replies
    (registered with participants)."""
    Reply.objects.filter(membership=membership).update(reason="", session_needs="")


def access_needs_alert(*, membership: Membership, needs: list[str], sessions=None) -> int:
    """Tell the facilitators at once when a need that takes arranging comes up close to a
    session the person is coming to."""
    if not needs:
        return 0
    now = timezone.now()
    if sessions is None:
        sessions = WorkshopSession.objects.filter(
            replies__membership=membership,
            replies__answer__in=[Reply.Answer.GOING, Reply.Answer.MAYBE],
        )
    sessions = [
        s
        for s in sessions
        if s.status == WorkshopSession.Status.SCHEDULED
        and now <= s.starts_at <= now + ARRANGING_WINDOW
    ]
    facilitators = Membership.objects.filter(
        project_id=membership.project_id,
        role=Membership.Role.FACILITATOR,
        status=Membership.Status.ACTIVE,
        user__email__isnull=False,
    ).select_related("user")
    sent = 0
    for session in sessions:
        for facilitator in facilitators:
            outbox_email(
                to=facilitator.user.email,
                template="access_need_alert",
                context={"session": session, "membership": membership, "needs": needs},
                project=session.project,
            )
            sent += 1
    return sent
