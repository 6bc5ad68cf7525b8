"""Who may read and shape the organisation's learning.

Managers read the learning view and CMO records (never who wrote them); the catalogue and the
programme theory are the organisation admins'; a project's facilitators see its CMO records
and link them to the catalogue and to the project's evidence.
"""

import rules

from codesign.predicates import (
    can_manage_project,
    is_org_admin,
    is_project_manager,
    is_superuser,
)
from dashboards.rules import is_org_manager

# On an organisation.
rules.add_perm("learning.view_learning", is_org_admin | is_org_manager | is_superuser)
rules.add_perm("learning.manage_catalogue", is_org_admin | is_superuser)
rules.add_perm("learning.revise_theory", is_org_admin | is_superuser)
# On a project.
rules.add_perm("learning.view_project_cmo", can_manage_project)
rules.add_perm("learning.link_cmo", can_manage_project)
# Themes: the project's facilitators ask for them and decide; managers read them (counts and
# groups, no contributions' words) once the project is past its draft.
rules.add_perm("learning.view_themes", can_manage_project | is_project_manager)
rules.add_perm("learning.decide_themes", can_manage_project)
# Themes across the organisation's projects: its admins and managers ask for them and decide
# (they see counts and groups, never the contributions' words).
rules.add_perm("learning.decide_organisation_themes", is_org_admin | is_org_manager | is_superuser)
# Equality monitoring: counts for the organisation's admins and managers; the population it
# compares with is its admins'. A person's own answers are theirs alone (no rule: no one else
# has a page for them).
rules.add_perm("learning.manage_population", is_org_admin | is_superuser)
