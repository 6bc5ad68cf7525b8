import rules

from codesign import permissions as p
from codesign.predicates import (
    can_manage_project,
    is_project_manager,
    is_project_member,
    project_is_open,
)


@rules.predicate
def is_in_audience(user, session):
    """The person is in the session's audience (WorkshopSession.is_for_member)."""
    return session is not None and session.is_for_member(
        p.project_membership(user, session.project)
    )


@rules.predicate
def sees_as_member(user, session):
    """The session's audience, and observers the sessions for everyone."""
    return session is not None and session.is_seen_by_member(
        p.project_membership(user, session.project)
    )


@rules.predicate
def session_is_open(user, session):
    """The session is scheduled (not started, held or cancelled)."""
    return session is not None and session.status == "scheduled"


@rules.predicate
def session_is_running_or_held(user, session):
    return session is not None and session.status in ("in_progress", "held")


@rules.predicate
def is_own_recognition(user, recognition):
    return recognition is not None and recognition.attendance.membership.user_id == user.pk


@rules.predicate
def recognition_not_paid(user, recognition):
    return recognition is not None and recognition.payment_status != "paid"


# On a project.
rules.add_perm("workshops.add_session", can_manage_project & project_is_open)
rules.add_perm("workshops.view_project_recognition", can_manage_project)
rules.add_perm("workshops.manage_payment_policy", can_manage_project)
rules.add_perm("workshops.view_own_calendar", is_project_member)

# On a session.
rules.add_perm(
    "workshops.view_session",
    can_manage_project | sees_as_member | is_project_manager,
)
rules.add_perm("workshops.change_session", can_manage_project & project_is_open)
rules.add_perm("workshops.reply", is_in_audience & session_is_open & project_is_open)
rules.add_perm("workshops.view_replies", can_manage_project)
# The call list: who to phone or tell in person, with their numbers and needs.
rules.add_perm("workshops.view_call_list", can_manage_project)
rules.add_perm("workshops.run_session", can_manage_project)
rules.add_perm(
    "workshops.view_photos", (can_manage_project | is_project_member) & session_is_running_or_held
)

# On a recognition record.
rules.add_perm("workshops.view_recognition", can_manage_project | is_own_recognition)
rules.add_perm("workshops.change_recognition", can_manage_project)
# The person themself declines a payment (until it is paid) or claims an expense.
rules.add_perm("workshops.decline_recognition", is_own_recognition & recognition_not_paid)
rules.add_perm("workshops.claim_own_expense", is_own_recognition)
