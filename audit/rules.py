import rules

from codesign.predicates import is_superuser

rules.add_perm("audit.view_auditentry", is_superuser)
