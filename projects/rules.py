import rules

from codesign.predicates import (
    can_manage_project,
    can_view_project,
    has_org_role,
    is_org_admin,
    is_org_facilitator,
    is_superuser,
)

rules.add_perm("projects.view_organisation", has_org_role | is_superuser)
rules.add_perm("projects.manage_organisation", is_org_admin | is_superuser)
rules.add_perm("projects.add_project", is_org_admin | is_org_facilitator | is_superuser)

rules.add_perm("projects.view_project", can_view_project)
rules.add_perm("projects.change_project", can_manage_project)
