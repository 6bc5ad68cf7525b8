"""Who a person is in a project or organisation. Every rules predicate starts here.

The answers are memoised on the user object for the length of one request, so a page that
asks many permission questions about one project costs two queries, not two per question; a
project's page reads them with the project itself, in its one query (``codesign/access.py``).
"""

from django.apps import apps
from django.utils.functional import empty

SUPERUSER = "superuser"
ORG_ADMIN = "org_admin"
ORG_MANAGER = "manager"
ORG_FACILITATOR = "org_facilitator"
FACILITATOR = "facilitator"
PARTICIPANT = "participant"
OBSERVER = "observer"
INVITED = "invited"

# OrganisationRole.role as stored, and the role each gives.
STORED_ORGANISATION_ROLES = {
    "admin": ORG_ADMIN,
    "manager": ORG_MANAGER,
    "facilitator": ORG_FACILITATOR,
}
STORED_ORG_ADMIN = "admin"


def _cache(user, name):
    # request.user is a lazy wrapper: keep the answers on the user inside it, so that rules
    # and selectors given either one share them.
    wrapped = getattr(user, "_wrapped", user)
    target = user if wrapped is empty else wrapped
    return target.__dict__.setdefault(f"_codesign_{name}", {})


def organisation_roles(user, organisation_id) -> frozenset[str]:
    """Return the roles a person holds in an organisation (plus 'superuser').

    An API token (anything with ``api_organisation_id``) reads as its organisation's managers
    do, and holds no role anywhere else: the same rules then decide what it may read.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    token_organisation_id = getattr(user, "api_organisation_id", None)
    if token_organisation_id is not None:
        return frozenset({ORG_MANAGER} if token_organisation_id == organisation_id else ())
    cache = _cache(user, "org_roles")
    if organisation_id not in cache:
        OrganisationRole = apps.get_model("projects", "OrganisationRole")
        roles = {
            STORED_ORGANISATION_ROLES[role]
            for role in OrganisationRole.objects.filter(
                user=user, organisation_id=organisation_id
            ).values_list("role", flat=True)
        }
        if user.is_superuser:
            roles.add(SUPERUSER)
        cache[organisation_id] = frozenset(roles)
    return cache[organisation_id]


def project_membership(user, project):
    """Return the person's membership of the project (any status), or None."""
    if (
        not getattr(user, "is_authenticated", False)
        or project is None
        or getattr(user, "api_organisation_id", None) is not None
    ):
        return None
    cache = _cache(user, "memberships")
    if project.pk not in cache:
        Membership = apps.get_model("participants", "Membership")
        cache[project.pk] = Membership.objects.filter(user=user, project=project).first()
    return cache[project.pk]


def remember_memberships(user, project_ids) -> None:
    """Read the person's memberships of these projects in one query, so that asking a rule of
    each of them (a page listing many projects) costs none more."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "api_organisation_id", None):
        return
    cache = _cache(user, "memberships")
    wanted = [pk for pk in project_ids if pk not in cache]
    if not wanted:
        return
    Membership = apps.get_model("participants", "Membership")
    found = {m.project_id: m for m in Membership.objects.filter(user=user, project_id__in=wanted)}
    for pk in wanted:
        cache[pk] = found.get(pk)


def project_roles(user, project) -> frozenset[str]:
    """Return every role a person holds for a project: the one function predicates build on."""
    if project is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    roles = set(organisation_roles(user, project.organisation_id)) - {ORG_FACILITATOR}
    membership = project_membership(user, project)
    if membership is not None:
        if membership.status == "active":
            roles.add(membership.role)
        elif membership.status == "invited":
            roles.add(INVITED)
    return frozenset(roles)


def reads_roles(user) -> bool:
    """Whether the person's roles are read from their rows (not an API token's, not nobody's)."""
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "api_organisation_id", None) is None
    )


def remember_roles(user, project, *, membership, organisation_roles) -> None:
    """Keep the person's membership of ``project`` and their roles in its organisation, read
    with the project (``codesign.access``), as the answers of ``project_membership`` and
    ``organisation_roles`` for the rest of the request."""
    if not reads_roles(user):
        return
    _cache(user, "memberships")[project.pk] = membership
    roles = set(organisation_roles)
    if user.is_superuser:
        roles.add(SUPERUSER)
    _cache(user, "org_roles").setdefault(project.organisation_id, frozenset(roles))


def forget_roles(user) -> None:
    """Drop the memoised answers after a change of role within the same request."""
    for name in ("org_roles", "memberships"):
        user.__dict__.pop(f"_codesign_{name}", None)


def holds_privileged_role(user) -> bool:
    """Facilitate a project, hold any organisation role, or be a superuser.

    These people see personal data across many people, so they must use two-factor
    authentication where the settings require it, and their sign-ins are audited.
    """
    if user.is_superuser:
        return True
    OrganisationRole = apps.get_model("projects", "OrganisationRole")
    Membership = apps.get_model("participants", "Membership")
    return (
        OrganisationRole.objects.filter(user=user).exists()
        or Membership.objects.filter(user=user, role=FACILITATOR, status="active").exists()
    )
