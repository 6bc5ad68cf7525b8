import rules

from codesign.predicates import (
    can_manage_project,
    is_project_invitee,
    is_project_member,
    project_is_open,
)


@rules.predicate
def is_managed_membership(user, membership):
    """A facilitator acts for this person (no email, or contacted by phone or post)."""
    return membership is not None and membership.managed_by_facilitator


@rules.predicate
def is_current_membership(user, membership):
    """The membership has not been withdrawn."""
    return membership is not None and membership.status != "withdrawn"


# On a project: see the list of members (facilitators see everything, members see names).
rules.add_perm("participants.view_members", can_manage_project | is_project_member)
rules.add_perm("participants.manage_members", can_manage_project & project_is_open)
rules.add_perm("participants.view_member_details", can_manage_project)
# On a project: the person's own consent and access needs.
rules.add_perm("participants.give_consent", is_project_invitee | is_project_member)
rules.add_perm("participants.withdraw_consent", is_project_member)
rules.add_perm("participants.edit_own_access_needs", is_project_invitee | is_project_member)
rules.add_perm("participants.change_own_display_name", is_project_invitee | is_project_member)
# On a membership: a facilitator acting for someone they manage.
rules.add_perm(
    "participants.act_for_member",
    can_manage_project & is_managed_membership & is_current_membership,
)
