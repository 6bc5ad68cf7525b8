"""What an API token may read, and who keeps an organisation's tokens.

A token reads as its organisation's managers do (``codesign.permissions``): the house's own
rules decide which projects, sessions, changes, dashboards and learning it may see (never a
draft, never another organisation's). On top of them, each read needs its scope on the token.
"""

import rules

from codesign.predicates import is_org_admin, is_superuser


@rules.predicate
def is_api_token(user):
    """The caller is a live API token (not a person)."""
    return getattr(user, "api_organisation_id", None) is not None and user.is_active


def has_scope(scope: str):
    """The token was given this read scope."""

    @rules.predicate(name=f"has_scope_{scope}")
    def predicate(user):
        return scope in getattr(user, "api_scopes", ())

    return predicate


def house_rule(permission: str):
    """The house's own rule for a person, asked of the token."""

    @rules.predicate(name=f"house_{permission}")
    def predicate(user, obj):
        return rules.has_perm(permission, user, obj)

    return predicate


def house_rule_on(permission: str, of, name: str):
    """The house's rule for a person, asked of the token about a related object."""

    @rules.predicate(name=f"house_{permission}_on_{name}")
    def predicate(user, obj):
        return obj is not None and rules.has_perm(permission, user, of(obj))

    return predicate


def _token_may(scope: str, permission: str):
    return is_api_token & has_scope(scope) & house_rule(permission)


# On the token's organisation: every live token reads its name and settings of time.
rules.add_perm("api.read_organisation", is_api_token & house_rule("projects.view_organisation"))
# On a project (and its stages).
rules.add_perm("api.read_project", _token_may("projects", "projects.view_project"))
# On a session: when, what kind, how many; nobody named.
rules.add_perm("api.read_session", _token_may("sessions", "workshops.view_session"))
# On a service change, its timeline and provenance counts; on a project, its "you said, we did".
rules.add_perm("api.read_change", _token_may("changes", "changes.view_change"))
rules.add_perm("api.read_you_said", _token_may("changes", "changes.view_you_said"))
# The dashboards' figures: on an organisation, and on a project.
rules.add_perm(
    "api.read_organisation_dashboard",
    _token_may("dashboards", "dashboards.view_organisation_dashboard"),
)
rules.add_perm(
    "api.read_project_dashboard", _token_may("dashboards", "dashboards.view_project_dashboard")
)
# Learning: a project's themes; the organisation's CMO records.
rules.add_perm("api.read_themes", _token_may("learning", "learning.view_themes"))
# The organisation's themes, found across its projects.
rules.add_perm("api.read_organisation_themes", _token_may("learning", "learning.view_learning"))
# On a CMO record: its change is one the token may see, and the organisation's learning too.
rules.add_perm(
    "api.read_cmo",
    is_api_token
    & has_scope("learning")
    & house_rule_on("changes.view_change", lambda cmo: cmo.change, "change")
    & house_rule_on(
        "learning.view_learning", lambda cmo: cmo.change.project.organisation, "organisation"
    ),
)

# People: an organisation's admins make, see and revoke its tokens.
rules.add_perm("api.manage_tokens", is_org_admin | is_superuser)
