"""Reads of service changes that span relations or depend on who is looking.

Anonymous authors are never named here: contributions are counted by the constituency kept on
each contribution, never by author, so no count can tie an anonymous post to a named one.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contributions.models import SERVICE_USER_SIDE, Contribution
from participants.models import Constituency, Membership

from .models import Evidence, FollowUpCheck, ServiceChange, TimelineEntry


def change_list(project):
    """A project's changes with their owners and how many contributions are behind each, in a
    fixed number of queries."""
    return (
        ServiceChange.objects.filter(project=project)
        .select_related("owner")
        .annotate(
            contribution_count=Count(
                "contributions", filter=Q(contributions__withdrawn_at__isnull=True)
            )
        )
        .order_by("-updated_at", "-pk")
    )


def behind_change(change: ServiceChange) -> dict:
    """What a change came from: its contributions (not withdrawn), the sessions they came up in,
    and how many came from each constituency, anonymous ones counted but never named."""
    contributions = list(
        change.contributions.visible()
        .select_related("author", "session")
        .order_by("kind", "created_at", "pk")
    )
    by_constituency = {value: 0 for value in Constituency.values}
    for contribution in contributions:
        contribution.project = change.project
        by_constituency[contribution.constituency] = (
            by_constituency.get(contribution.constituency, 0) + 1
        )
    sessions = {}
    for contribution in contributions:
        if contribution.session_id and contribution.session_id not in sessions:
            contribution.session.project = change.project
            sessions[contribution.session_id] = contribution.session
    return {
        "contributions": contributions,
        "sessions": sorted(sessions.values(), key=lambda s: (s.starts_at, s.pk)),
        "mix": [
            {"constituency": value, "label": label, "count": by_constituency[value]}
            for value, label in Constituency.choices
        ],
        "anonymous_count": sum(1 for c in contributions if c.is_anonymous),
        "service_user_side_count": sum(1 for c in contributions if c.is_service_user_side),
    }


def _actor_names(project, users) -> dict:
    """How each person who acted on a change appears: their name in the project, or their own."""
    users = {user.pk: user for user in users if user is not None}
    names = dict(
        Membership.objects.filter(project=project, user_id__in=users).values_list(
            "user_id", "display_name"
        )
    )
    return {
        pk: names.get(pk) or user.full_name or _("Someone from the organisation")
        for pk, user in users.items()
    }


def change_timeline(change: ServiceChange) -> list[TimelineEntry]:
    """The change's timeline, oldest first, each entry with its actor's name."""
    entries = list(TimelineEntry.objects.filter(change=change).select_related("actor"))
    names = _actor_names(change.project, [entry.actor for entry in entries])
    for entry in entries:
        entry.actor_name = names.get(entry.actor_id, _("Someone who has left"))
    return entries


def change_evidence(change: ServiceChange) -> list[Evidence]:
    evidence = list(Evidence.objects.filter(change=change).select_related("session"))
    for item in evidence:
        if item.session is not None:
            item.session.project = change.project
    return evidence


def change_follow_ups(change: ServiceChange) -> list[FollowUpCheck]:
    checks = list(FollowUpCheck.objects.filter(change=change))
    for check in checks:
        check.change = change
    return checks


def project_changes_summary(project, *, today=None) -> dict:
    """A project's changes in figures, in one query: how many of each status, how many are
    overdue, and, of those taken forward, how many have at least one contribution from a
    service user or carer behind them and how many came only from staff."""
    today = today or timezone.localdate()
    behind = Contribution.objects.filter(service_changes=OuterRef("pk"), withdrawn_at__isnull=True)
    taken_forward = ~Q(status=ServiceChange.Status.NOT_TAKEN_FORWARD)
    figures = ServiceChange.objects.filter(project=project).aggregate(
        total=Count("pk"),
        overdue=Count(
            "pk",
            filter=Q(target_date__lt=today, status__in=ServiceChange.BEFORE_IMPLEMENTED),
        ),
        taken_forward=Count("pk", filter=taken_forward),
        service_user_backed=Count(
            "pk",
            filter=taken_forward & Q(Exists(behind.filter(constituency__in=SERVICE_USER_SIDE))),
        ),
        staff_only=Count(
            "pk",
            filter=taken_forward
            & Q(Exists(behind))
            & ~Q(Exists(behind.exclude(constituency=Constituency.STAFF))),
        ),
        **{
            f"status_{value}": Count("pk", filter=Q(status=value))
            for value in ServiceChange.Status.values
        },
    )
    figures["by_status"] = [
        {"status": value, "label": label, "count": figures.pop(f"status_{value}")}
        for value, label in ServiceChange.Status.choices
    ]
    # No contribution behind them, or only contributions from people of no constituency named.
    figures["neither"] = (
        figures["taken_forward"] - figures["service_user_backed"] - figures["staff_only"]
    )
    return figures


def contributions_to_choose(project):
    """The contributions a facilitator can turn into a change (all kinds, not withdrawn)."""
    return (
        Contribution.objects.filter(project=project)
        .visible()
        .select_related("author")
        .order_by("kind", "-created_at", "-pk")
    )
