import rules

from codesign.predicates import can_manage_project

# On a project: the messages Codesign sent for it, and retrying ones that failed.
rules.add_perm("outbox.view_project_messages", can_manage_project)
