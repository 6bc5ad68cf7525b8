import rules

from codesign.predicates import can_manage_project, is_superuser

# On a project: the messages Codesign sent for it, and retrying ones that failed.
rules.add_perm("outbox.view_project_messages", can_manage_project)

# Texts from numbers nobody here has: they belong to no project or organisation, so only the
# site's own staff see them.
rules.add_perm("outbox.view_unknown_texts", is_superuser)
