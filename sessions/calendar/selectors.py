"""Reads for a person's private calendar feed."""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from participants.models import Membership, hash_token

from ..models import CalendarFeed, Reply, WorkshopSession

# Calendar apps need the recent past, not every session a person was ever invited to.
FEED_HISTORY = timedelta(days=365)
FEED_STATUSES = (
    WorkshopSession.Status.SCHEDULED,
    WorkshopSession.Status.IN_PROGRESS,
    WorkshopSession.Status.HELD,
)


def calendar_feed_live(user) -> CalendarFeed | None:
    """The person's calendar address that still works, if any."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def calendar_feed_owner(token: str):
    """The active person whose live calendar address this token is, or None."""
    feed = (
        CalendarFeed.objects.filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def sessions_in_feed(user, *, now=None):
    """Sessions of the person's projects that they are in the audience for, except those
    they said they are not going to; cancelled sessions are left out."""
    memberships = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).only(
        "project_id", "status", "role", "constituency"
    )
    sessions = WorkshopSession.objects.for_members(memberships)
    not_going = Reply.objects.filter(
        session=OuterRef("pk"), membership__user=user, answer=Reply.Answer.NOT_GOING
    )
    return (
        sessions.filter(
            status__in=FEED_STATUSES,
            ends_at__gte=(now or timezone.now()) - FEED_HISTORY,
        )
        .exclude(Exists(not_going))
        .only("uid", "sequence", "title", "starts_at", "ends_at", "place", "status", "project_id")
        .order_by("starts_at", "pk")
    )
