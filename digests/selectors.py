"""What happened in a person's projects during their digest window, safe to show them."""

from dataclasses import dataclass, field
from datetime import datetime

from contributions.models import Contribution
from contributions.templatetags.contributions import author_name
from participants.models import Membership
from sessions.models import WorkshopSession


@dataclass
class ProjectNews:
    """What happened in one project during a person's digest window, safe to show them."""

    project: object
    # {"kind", "title", "author"}: author is None for anonymous contributions, and "Former
    # participant" for those of people who have left.
    contributions: list[dict] = field(default_factory=list)
    sessions: list[WorkshopSession] = field(default_factory=list)
    # {"title", "status"} of ideas that were given a new status.
    decisions: list[dict] = field(default_factory=list)

    def __bool__(self):
        return bool(self.contributions or self.sessions or self.decisions)


def digest_news(
    people: list, *, since: dict[int, datetime], until: datetime
) -> dict[int, list[ProjectNews]]:
    """{user id: news of each project they are an active member of} between their own
    ``since`` and ``until``, in a fixed number of queries for the whole list.

    Every active member may see the project's board (contributions.view_board); hidden and
    withdrawn contributions, cancelled sessions and sessions not for the person are left out,
    and so is the person's own posting. Anonymous contributions carry no author.
    """
    memberships = list(
        Membership.objects.filter(user__in=people, status=Membership.Status.ACTIVE)
        .select_related("project__organisation")
        .order_by("project__title", "project_id")
    )
    if not memberships:
        return {}
    project_ids = {membership.project_id for membership in memberships}
    start = min(since.values())
    shown = Contribution.objects.filter(
        project_id__in=project_ids, withdrawn_at__isnull=True, hidden_at__isnull=True
    )
    added = list(
        shown.filter(created_at__gte=start, created_at__lt=until)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    decided = list(
        shown.filter(
            kind=Contribution.Kind.IDEA, status_changed_at__gte=start, status_changed_at__lt=until
        ).order_by("status_changed_at", "pk")
    )
    sessions = list(
        WorkshopSession.objects.filter(
            project_id__in=project_ids, created_at__gte=start, created_at__lt=until
        )
        .exclude(status=WorkshopSession.Status.CANCELLED)
        .order_by("starts_at", "pk")
    )
    news: dict[int, list[ProjectNews]] = {}
    for membership in memberships:
        begin = since[membership.user_id]
        project_news = ProjectNews(project=membership.project)
        project_news.contributions = [
            {
                "kind": c.get_kind_display(),
                "title": c.title,
                # A former participant is shown as one, as on the board.
                "author": None if c.is_anonymous else author_name(c),
            }
            for c in added
            if c.project_id == membership.project_id
            and c.created_at >= begin
            and c.author.user_id != membership.user_id
        ]
        project_news.decisions = [
            {"title": c.title, "status": c.get_status_display()}
            for c in decided
            if c.project_id == membership.project_id and c.status_changed_at >= begin
        ]
        project_news.sessions = [
            s
            for s in sessions
            if s.project_id == membership.project_id
            and s.created_at >= begin
            and s.is_seen_by_member(membership)
        ]
        if project_news:
            news.setdefault(membership.user_id, []).append(project_news)
    return news
