import rules

from projects.predicates import is_superuser

rules.add_perm("audit.view_auditentry", is_superuser)
