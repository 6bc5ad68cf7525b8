"""Who may read the dashboards. Managers see aggregates and published outputs only."""

import rules

from codesign import permissions as p
from codesign.predicates import (
    can_manage_project,
    is_org_admin,
    is_project_manager,
    is_superuser,
)


@rules.predicate
def is_org_manager(user, organisation):
    """Manage this organisation: read its dashboards and published outputs."""
    return organisation is not None and p.ORG_MANAGER in p.organisation_roles(user, organisation.pk)


# On an organisation: its admins and managers (not its facilitators, not project members).
rules.add_perm(
    "dashboards.view_organisation_dashboard", is_org_admin | is_org_manager | is_superuser
)
# On a project: its facilitators, the organisation's admins, its managers once it is no longer
# a draft, and superusers.
rules.add_perm("dashboards.view_project_dashboard", can_manage_project | is_project_manager)
