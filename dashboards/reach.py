"""Reach: for each project, how its participants hear from it (by channel) and how many could
not be reached about its last session. Figures only, never names; each figure is shown by the
managers' disclosure rule (``codesign.disclosure``): a channel that fewer than 5 people use is
"fewer than 5", and no channel is shown where the others would give it away by subtraction.

"Could not be reached" counts the people on the last session's call list who were never ticked
as told: those told by phone or in person whom nobody told yet, and those whose message about
it failed for good (``sessions.calls``).
"""

from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext

from codesign.disclosure import disclose, managers_threshold
from participants.models import Channel, Membership
from sessions.calls.models import CallListEntry
from sessions.models import WorkshopSession


@dataclass(frozen=True)
class Figure:
    """A count as a page may show it: the number, or "fewer than N", or not shown at all."""

    value: int
    shown: bool
    threshold: int

    @property
    def small(self) -> bool:
        return not self.shown and 0 < self.value < self.threshold

    def __str__(self) -> str:
        """As a table cell shows it (the reach table has hundreds: no template for each)."""
        if self.shown:
            return formats.localize(self.value)
        if self.small:
            return gettext("fewer than %(n)s") % {"n": formats.localize(self.threshold)}
        return gettext("not shown")


@dataclass
class LastSession:
    pk: int
    title: str
    not_reached: int = 0


@dataclass(frozen=True)
class Reach:
    project: object
    participants: int
    channels: list[tuple[str, Figure]]  # (channel label, figure), in Channel's order
    last_session: LastSession | None
    not_reached: Figure | None

    @property
    def cells(self) -> tuple:
        """The participants and each channel's figure, as the table's cells."""
        return (self.participants, *(figure for _label, figure in self.channels))


class OfTheGroup(Subquery):
    """A subquery that reads only columns the rows are grouped by: asked once a group, not
    grouped by (Django would otherwise group by it, and the database ask it once a row)."""

    def get_group_by_cols(self):
        return []


def _channel():
    """A member's channel in the database: their preference, else email if they have one,
    else a phone call (``participants.contact.contact_for`` gives the same answer)."""
    no_email = Q(user__email__isnull=True) | Q(user__email="")
    return Coalesce(
        "user__contact_preferences__channel",
        Case(
            When(no_email, then=Value(Channel.PHONE_CALL)),
            default=Value(Channel.EMAIL),
            output_field=CharField(),
        ),
        output_field=CharField(),
    )


def reach_of(projects) -> list[Reach]:
    """The reach of each project, in the order given: one query however many.

    Rows are grouped by project and channel first; the last session is then asked once for
    each of those few groups, not once for each member (which read the project's sessions
    twice a member: most of a dashboard's time)."""
    projects = list(projects)
    now = timezone.now()
    latest = WorkshopSession.objects.filter(
        project=OuterRef("project_id"), starts_at__lte=now
    ).order_by("-starts_at", "-pk")
    # The people on the call list of their project's last session, never told: one set,
    # read once for the query, not asked again for each member.
    last_sessions = WorkshopSession.objects.filter(project__in=projects).filter(
        pk=Subquery(
            WorkshopSession.objects.filter(project=OuterRef("project_id"), starts_at__lte=now)
            .order_by("-starts_at", "-pk")
            .values("pk")[:1]
        )
    )
    untold = CallListEntry.objects.filter(
        session__in=last_sessions,
        session__project_id=F("membership__project_id"),
        told_at__isnull=True,
    ).values("membership_id")
    rows = (
        Membership.objects.filter(
            project__in=projects,
            status=Membership.Status.ACTIVE,
            role=Membership.Role.PARTICIPANT,
        )
        .annotate(channel=_channel())
        .values("project_id", "channel")
        .annotate(
            people=Count("pk"),
            not_reached=Count("pk", filter=Q(pk__in=untold)),
            last_session=OfTheGroup(latest.values("pk")[:1]),
            last_title=OfTheGroup(latest.values("title")[:1]),
        )
        .order_by()
    )
    counts: dict[int, dict[str, int]] = {project.pk: {} for project in projects}
    last: dict[int, LastSession] = {}
    for row in rows:
        counts[row["project_id"]][row["channel"]] = row["people"]
        if row["last_session"] is not None:
            session = last.setdefault(
                row["project_id"], LastSession(row["last_session"], row["last_title"])
            )
            session.not_reached += row["not_reached"]
    return [_reach(project, counts[project.pk], last.get(project.pk)) for project in projects]


def _reach(project, counts: dict[str, int], session) -> Reach:
    threshold = managers_threshold(project.group_threshold)
    sizes = {channel: counts.get(channel, 0) for channel in Channel.values}
    disclosure = disclose(sizes, threshold=threshold)
    channels = [
        (label, Figure(sizes[value], disclosure.shown(value), threshold))
        for value, label in Channel.choices
    ]
    not_reached = None
    if session is not None:
        count = session.not_reached
        not_reached = Figure(count, not 0 < count < threshold, threshold)
    return Reach(project, sum(sizes.values()), channels, session, not_reached)
