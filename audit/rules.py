import rules

from codesign.predicates import is_org_admin, is_superuser

rules.add_perm("audit.view_auditentry", is_superuser)

# An organisation's own log: its admins read it (superusers read every log at /audit/).
rules.add_perm("audit.view_organisation_audit", is_org_admin | is_superuser)
