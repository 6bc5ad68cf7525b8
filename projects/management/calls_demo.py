"""Demo data for the call list: Pat, a service user with no email whom a facilitator phones,
is on the call list of Ward 7's next session (not yet told, so the project page counts her)
and was told, by phone, that the cancelled service user event is off."""

from participants.models import AccessNeeds, Channel, Constituency, Membership
from participants.services import consent_give, contact_preferences_save
from sessions.calls.models import CallListEntry
from sessions.calls.services import call_list_add, call_list_mark_told
from sessions.models import Reply, WorkshopSession


def seed_calls(*, project, facilitator, create_user) -> None:
    pat = create_user(email=None, full_name="Patricia Hughes", is_active=False)
    contact_preferences_save(
        person=pat, channel=Channel.PHONE_CALL, phone="0113 496 0321", changed_by=facilitator
    )
    membership = Membership.objects.create(
        project=project,
        user=pat,
        constituency=Constituency.SERVICE_USER,
        display_name="Pat",
        managed_by_facilitator=True,
    )
    consent_give(membership=membership, method="verbal", recorded_by=facilitator)
    AccessNeeds.objects.create(
        membership=membership,
        step_free_access=True,
        carer_attending=True,
        other="Hard of hearing on the phone: speak slowly, and call after 10am.",
    )
    sessions = WorkshopSession.objects.filter(project=project).order_by("starts_at")
    scheduled = sessions.filter(status=WorkshopSession.Status.SCHEDULED).first()
    cancelled = sessions.filter(status=WorkshopSession.Status.CANCELLED).first()
    if scheduled is not None:
        Reply.objects.create(
            session=scheduled,
            membership=membership,
            answer=Reply.Answer.GOING,
            replied_by=facilitator,
        )
        call_list_add(
            session=scheduled, memberships=[membership], reason=CallListEntry.Reason.SCHEDULED
        )
    if cancelled is not None:
        call_list_add(
            session=cancelled, memberships=[membership], reason=CallListEntry.Reason.CANCELLED
        )
        call_list_mark_told(session=cancelled, membership=membership, told_by=facilitator)
