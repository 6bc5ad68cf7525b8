"""Reads about organisations and projects that depend on who is looking."""

from django.db.models import Count, Q

from participants.models import Constituency, Membership

from .models import Organisation, OrganisationRole, Project


def home_for(user) -> dict:
    """The projects a person takes part in, and the organisations where they hold a role."""
    memberships = (
        Membership.objects.filter(user=user)
        .exclude(status=Membership.Status.WITHDRAWN)
        .select_related("project__organisation", "project__current_stage")
        .order_by("-project__created_at")
    )
    org_roles = OrganisationRole.objects.filter(user=user).select_related("organisation")
    organisations: dict[int, dict] = {}
    for org_role in org_roles:
        entry = organisations.setdefault(
            org_role.organisation_id, {"organisation": org_role.organisation, "roles": []}
        )
        entry["roles"].append(org_role.get_role_display())
    if user.is_superuser:
        for organisation in Organisation.objects.exclude(pk__in=organisations.keys()):
            organisations[organisation.pk] = {"organisation": organisation, "roles": []}
    return {
        "facilitating": [m for m in memberships if m.role == Membership.Role.FACILITATOR],
        "taking_part": [m for m in memberships if m.role != Membership.Role.FACILITATOR],
        "organisations": sorted(organisations.values(), key=lambda e: e["organisation"].name),
    }


def constituency_counts(project) -> list[dict]:
    """Count active participants (not facilitators or observers) by constituency, in order."""
    rows = dict(
        project.memberships.filter(
            status=Membership.Status.ACTIVE, role=Membership.Role.PARTICIPANT
        )
        .values_list("constituency")
        .annotate(n=Count("pk"))
        .values_list("constituency", "n")
    )
    return [
        {"constituency": value, "label": label, "count": rows.get(value, 0)}
        for value, label in Constituency.choices
    ]


def organisation_projects(organisation, user) -> list[Project]:
    """An organisation's projects with participant counts, as someone with an org role sees them."""
    from codesign.permissions import ORG_ADMIN, ORG_MANAGER, SUPERUSER, organisation_roles

    roles = organisation_roles(user, organisation.pk)
    projects = organisation.projects.select_related("current_stage").annotate(
        participant_count=Count(
            "memberships",
            filter=Q(
                memberships__status=Membership.Status.ACTIVE,
                memberships__role=Membership.Role.PARTICIPANT,
            ),
        )
    )
    if roles & {ORG_ADMIN, SUPERUSER}:
        return list(projects)
    if ORG_MANAGER in roles:
        return list(projects.visible_to_managers())
    return list(projects.filter(memberships__user=user, memberships__role="facilitator"))


def organisation_people(organisation):
    return organisation.roles.select_related("user").order_by("role", "user__email")
