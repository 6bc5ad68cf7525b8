import rules

from codesign.predicates import is_org_admin, is_superuser

# Where the organisation's events go is its admins' choice alone.
rules.add_perm("webhooks.manage_webhooks", is_org_admin | is_superuser)
