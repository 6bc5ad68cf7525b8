import rules

from codesign.predicates import is_org_admin, is_superuser

# Seen by whoever sees the organisation (projects.view_organisation); set by its admins.
rules.add_perm("sso.manage_single_sign_on", is_org_admin | is_superuser)
