"""What a token reads: the rows its organisation's managers see, in a fixed number of queries.

Each list is filtered as the rules decide each object (api/rules.py, and the house's rules it
builds on): the token's own organisation, no draft project. tests/api/test_matrix.py checks
that every row listed is one the rules let the token read.
"""

from django.db.models import Count, Prefetch, Q, QuerySet

from changes.models import Evidence, ServiceChange, TimelineEntry
from learning.models import CmoLink
from participants.models import Constituency
from projects.models import Organisation, Project, Stage
from sessions.models import Reply, WorkshopSession

from .drf import TokenPrincipal


def organisations(principal: TokenPrincipal) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk=principal.api_organisation_id)


def projects(principal: TokenPrincipal) -> QuerySet[Project]:
    """The organisation's projects past their draft, with their stages."""
    return (
        Project.objects.filter(organisation_id=principal.api_organisation_id)
        .visible_to_managers()
        .select_related("organisation")
        .prefetch_related(Prefetch("stages", queryset=Stage.objects.order_by("order", "pk")))
    )


def sessions(principal: TokenPrincipal) -> QuerySet[WorkshopSession]:
    """Their sessions, each with how many said they were going, came, and walked in."""
    return (
        WorkshopSession.objects.filter(project__in=_project_ids(principal))
        .select_related("project__organisation")
        .annotate(
            going=Count("replies", filter=Q(replies__answer=Reply.Answer.GOING), distinct=True),
            attended=Count("attendances", distinct=True),
            walk_in_count=Count("walk_ins", distinct=True),
        )
    )


def changes(principal: TokenPrincipal) -> QuerySet[ServiceChange]:
    """Their service changes, each with its timeline and what it came from, counted by
    constituency (withdrawn contributions left out; anonymous ones counted, never named)."""
    behind = Q(contributions__withdrawn_at__isnull=True)
    return (
        ServiceChange.objects.filter(project__in=_project_ids(principal))
        .select_related("project__organisation")
        .prefetch_related(
            Prefetch("timeline", queryset=TimelineEntry.objects.order_by("created_at", "pk"))
        )
        .annotate(
            contribution_count=Count("contributions", filter=behind, distinct=True),
            session_count=Count("contributions__session", filter=behind, distinct=True),
            anonymous_count=Count(
                "contributions",
                filter=behind & Q(contributions__is_anonymous=True),
                distinct=True,
            ),
            **{
                f"from_{value}": Count(
                    "contributions",
                    filter=behind & Q(contributions__constituency=value),
                    distinct=True,
                )
                for value in Constituency.values
            },
        )
    )


def you_said_we_did(principal: TokenPrincipal) -> QuerySet[ServiceChange]:
    """The changes "you said, we did" tells people about (implemented or embedded), with only
    the fields its page shows."""
    return (
        ServiceChange.objects.done()
        .filter(project__in=_project_ids(principal))
        .select_related("project__organisation")
        .only(
            "pk",
            "project",
            "title",
            "description",
            "status",
            "implemented_on",
            "you_said",
            "project__organisation__id",
            "project__status",
        )
    )


def cmo_records(principal: TokenPrincipal) -> QuerySet[Evidence]:
    """Their CMO records with the catalogue entries they are coded against (never who wrote
    or linked them)."""
    return (
        Evidence.objects.filter(kind=Evidence.Kind.CMO, change__project__in=_project_ids(principal))
        .select_related("change__project__organisation")
        .prefetch_related(
            Prefetch(
                "links",
                queryset=CmoLink.objects.filter(item__isnull=False)
                .select_related("item")
                .order_by("pk"),
                to_attr="coded",
            )
        )
    )


def _project_ids(principal: TokenPrincipal):
    return (
        Project.objects.filter(organisation_id=principal.api_organisation_id)
        .visible_to_managers()
        .values("pk")
    )
