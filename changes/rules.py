import rules

from codesign import permissions as p
from codesign.predicates import (
    can_manage_project,
    can_view_project,
    is_project_member,
    project_is_open,
)


def _project(obj):
    return None if obj is None else (obj if obj._meta.label == "projects.Project" else obj.project)


@rules.predicate
def is_change_owner(user, obj):
    """The person owns the change (a follow-up check's change, or the change itself)."""
    change = getattr(obj, "change", obj)
    return change is not None and change.owner_id is not None and change.owner.user_id == user.pk


@rules.predicate
def takes_part(user, obj):
    """An active participant or facilitator (the two groups of a ladder rating)."""
    return bool(p.project_roles(user, _project(obj)) & {p.FACILITATOR, p.PARTICIPANT})


@rules.predicate
def rating_is_open(user, rating):
    return rating is not None and rating.closed_at is None


# On a project. Managers see service changes and published outputs, never who said what.
rules.add_perm("changes.view_changes", can_view_project)
rules.add_perm("changes.add_change", can_manage_project & project_is_open)
rules.add_perm("changes.view_you_said", can_view_project)
rules.add_perm("changes.manage_you_said", can_manage_project)
rules.add_perm("changes.open_ladder", can_manage_project & project_is_open)
rules.add_perm("changes.view_ladder", can_view_project)

# On a service change.
rules.add_perm("changes.view_change", can_view_project)
rules.add_perm("changes.change_change", can_manage_project & project_is_open)
# On a follow-up check.
rules.add_perm("changes.record_follow_up", can_manage_project | is_change_owner)
# On a ladder rating.
rules.add_perm("changes.rate_ladder", takes_part & rating_is_open)
rules.add_perm("changes.close_ladder", can_manage_project & rating_is_open)
# On a session: the private reflective log.
rules.add_perm("changes.reflect", can_manage_project)
# Used by templates to decide whether to show contribution links to a viewer.
rules.add_perm("changes.see_contributions", can_manage_project | is_project_member)
