"""Who may ask for reports and download them: asked again on every download."""

import rules

from codesign.predicates import can_manage_project, is_org_admin, is_project_manager, is_superuser
from dashboards.rules import is_org_manager

can_see_project_figures = can_manage_project | is_project_manager
can_see_organisation_figures = is_org_admin | is_org_manager | is_superuser


# Exports that quote what people wrote: like the board itself, for the project's team only
# (managers see figures and published outputs: the board is 403 for them, and so is this).
# The REFI-QDA file (a project's contributions, themes and CMO codes) quotes them too.
TEXT_KINDS = frozenset({"contributions", "qdpx"})


@rules.predicate
def can_download_report(user, report):
    """Those who may see the report's figures; a named export, or one that quotes what people
    wrote, only its project's facilitators."""
    if report is None:
        return False
    if report.project_id:
        if report.with_names or report.kind in TEXT_KINDS:
            return can_manage_project(user, report.project)
        return can_see_project_figures(user, report.project)
    if report.kind in TEXT_KINDS:
        return False  # never offered for a whole organisation
    return can_see_organisation_figures(user, report.organisation)


# On a project: its dashboard's readers; exports naming people: its facilitators.
rules.add_perm("reports.request_project_report", can_see_project_figures)
rules.add_perm("reports.request_named_export", can_manage_project)
# On an organisation: its admins and managers.
rules.add_perm("reports.request_organisation_report", can_see_organisation_figures)
# On a report.
rules.add_perm("reports.view_report", can_download_report)
