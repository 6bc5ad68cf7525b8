"""Predicates about projects and organisations, all built on codesign.permissions.

The core keeps them because every app, infrastructure included, asks them."""

import rules

from . import permissions as p


def _project(obj):
    """Accept a project or anything that belongs to one (None when asked without an object,
    as the Django admin does)."""
    if obj is None:
        return None
    return obj if obj._meta.label == "projects.Project" else obj.project


@rules.predicate
def is_superuser(user):
    """Is the person a superuser."""
    return bool(getattr(user, "is_superuser", False)) and user.is_active


@rules.predicate
def is_project_facilitator(user, obj):
    """Facilitate this project."""
    return p.FACILITATOR in p.project_roles(user, _project(obj))


@rules.predicate
def is_project_org_admin(user, obj):
    """Administer the organisation this project belongs to."""
    return p.ORG_ADMIN in p.project_roles(user, _project(obj))


@rules.predicate
def is_project_manager(user, obj):
    """Manage the organisation of a project that is no longer a draft."""
    project = _project(obj)
    return (
        project is not None
        and p.ORG_MANAGER in p.project_roles(user, project)
        and project.status != "draft"
    )


@rules.predicate
def is_project_member(user, obj):
    """Take part in this project as an active participant, observer or facilitator."""
    return bool(p.project_roles(user, _project(obj)) & {p.FACILITATOR, p.PARTICIPANT, p.OBSERVER})


@rules.predicate
def is_project_invitee(user, obj):
    """Hold an invitation to this project that has been accepted but not yet consented to."""
    return p.INVITED in p.project_roles(user, _project(obj))


@rules.predicate
def project_is_open(user, obj):
    """The project is not closed."""
    project = _project(obj)
    return project is not None and project.status != "closed"


@rules.predicate
def is_org_admin(user, organisation):
    """Administer this organisation."""
    return organisation is not None and p.ORG_ADMIN in p.organisation_roles(user, organisation.pk)


@rules.predicate
def has_org_role(user, organisation):
    """Hold any role in this organisation."""
    return organisation is not None and bool(
        p.organisation_roles(user, organisation.pk) - {p.SUPERUSER}
    )


@rules.predicate
def is_org_facilitator(user, organisation):
    """May start projects in this organisation."""
    return organisation is not None and (
        p.ORG_FACILITATOR in p.organisation_roles(user, organisation.pk)
    )


can_manage_project = is_project_facilitator | is_project_org_admin | is_superuser
can_view_project = can_manage_project | is_project_member | is_project_invitee | is_project_manager
