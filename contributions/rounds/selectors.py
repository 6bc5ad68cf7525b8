"""Reads of prioritisation rounds: who voted, one's own dots, and results once closed."""

import math
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from participants.models import Constituency

from ..models import SERVICE_USER_SIDE, Contribution, Dot, PrioritisationRound

# A group's split is shown only when at least this many of its people voted.
MIN_GROUP_VOTERS = 5

SERVICE_USERS = "service_users"
STAFF = "staff"
OTHER = "other"


def _group(constituency: str) -> str:
    if constituency in SERVICE_USER_SIDE:
        return SERVICE_USERS
    if constituency == Constituency.STAFF:
        return STAFF
    return OTHER


def with_voter_count(rounds):
    """Annotate each round with how many people placed dots (the only figure shown while open)."""
    return rounds.annotate(
        voter_count=Count("dots__membership", distinct=True),
        idea_count=Count("ideas", distinct=True),
    )


def rounds_for_project(project):
    return with_voter_count(
        PrioritisationRound.objects.filter(project=project).select_related("session")
    ).order_by("-opened_at", "-pk")


def rounds_for_session(session):
    return with_voter_count(PrioritisationRound.objects.filter(session=session)).order_by(
        "-opened_at", "-pk"
    )


def voter_count(prioritisation_round: PrioritisationRound) -> int:
    return prioritisation_round.dots.values("membership").distinct().count()


def round_ideas(prioritisation_round: PrioritisationRound):
    return prioritisation_round.ideas.order_by("title", "pk")


def dots_of(prioritisation_round: PrioritisationRound, membership) -> dict[int, int]:
    """The person's own dots, by idea id (never anyone else's)."""
    if membership is None:
        return {}
    return dict(
        Dot.objects.filter(round=prioritisation_round, membership=membership).values_list(
            "idea_id", "count"
        )
    )


@dataclass
class GroupResult:
    key: str
    voters: int
    # "small": fewer than MIN_GROUP_VOTERS voted; "complement": this group is large enough, but
    # its figures taken from the totals would give away another, smaller group's dots.
    withheld: str = ""

    @property
    def shown(self) -> bool:
        return not self.withheld


@dataclass
class IdeaResult:
    idea: Contribution
    total: int
    service_users: int | None
    staff: int | None
    both_rank_highly: bool = False


@dataclass
class RoundResults:
    rows: list[IdeaResult]
    voters: int
    service_users: GroupResult
    staff: GroupResult
    other_voters: int
    # How many of the top places count as "ranked highly" (ties included).
    top_places: int
    marked: list[IdeaResult] = field(default_factory=list)

    @property
    def splits_shown(self) -> bool:
        return self.service_users.shown and self.staff.shown


def _top(rows: list[IdeaResult], attribute: str, places: int) -> set[int]:
    """Ideas among the top `places` of a group by dots, ties at the cut included."""
    counts = [getattr(row, attribute) for row in rows]
    return {
        row.idea.pk
        for row in rows
        if getattr(row, attribute) > 0
        and 1 + sum(1 for c in counts if c > getattr(row, attribute)) <= places
    }


def round_results(prioritisation_round: PrioritisationRound) -> RoundResults:
    """Totals and the split by constituency of a closed round, in three queries.

    Service users and carers are one group, staff the other; facilitators' dots count with their
    own constituency, and "other" counts in the totals only. A group with fewer than
    MIN_GROUP_VOTERS voters has no split shown. While any group ("other" included) has between
    one and MIN_GROUP_VOTERS - 1 voters, neither split is shown: the totals less the one shown
    would give the small group's dots away.
    """
    if prioritisation_round.status != PrioritisationRound.Status.CLOSED:
        raise ValueError("Results stay hidden until the round is closed.")
    ideas = list(round_ideas(prioritisation_round))
    sums = {idea.pk: {SERVICE_USERS: 0, STAFF: 0, OTHER: 0} for idea in ideas}
    for row in (
        Dot.objects.filter(round=prioritisation_round)
        .values("idea_id", "constituency")
        .annotate(dots=Sum("count"))
    ):
        if row["idea_id"] in sums:
            sums[row["idea_id"]][_group(row["constituency"])] += row["dots"]
    voters = Dot.objects.filter(round=prioritisation_round).aggregate(
        everyone=Count("membership", distinct=True),
        service_users=Count(
            "membership", distinct=True, filter=Q(constituency__in=SERVICE_USER_SIDE)
        ),
        staff=Count("membership", distinct=True, filter=Q(constituency=Constituency.STAFF)),
    )
    other_voters = voters["everyone"] - voters["service_users"] - voters["staff"]
    groups = {
        SERVICE_USERS: GroupResult(SERVICE_USERS, voters["service_users"]),
        STAFF: GroupResult(STAFF, voters["staff"]),
    }
    exposed = any(
        0 < count < MIN_GROUP_VOTERS
        for count in (voters["service_users"], voters["staff"], other_voters)
    )
    for group in groups.values():
        if group.voters < MIN_GROUP_VOTERS:
            group.withheld = "small"
        elif exposed:
            group.withheld = "complement"
    rows = [
        IdeaResult(
            idea=idea,
            total=sum(sums[idea.pk].values()),
            # A withheld split is not even handed to the template.
            service_users=sums[idea.pk][SERVICE_USERS] if groups[SERVICE_USERS].shown else None,
            staff=sums[idea.pk][STAFF] if groups[STAFF].shown else None,
        )
        for idea in ideas
    ]
    rows.sort(key=lambda row: (-row.total, row.idea.title.lower(), row.idea.pk))
    top_places = max(1, math.ceil(len(rows) / 3))
    results = RoundResults(
        rows=rows,
        voters=voters["everyone"],
        service_users=groups[SERVICE_USERS],
        staff=groups[STAFF],
        other_voters=other_voters,
        top_places=top_places,
    )
    if results.splits_shown:
        both = _top(rows, "service_users", top_places) & _top(rows, "staff", top_places)
        for row in rows:
            row.both_rank_highly = row.idea.pk in both
        results.marked = [row for row in rows if row.both_rank_highly]
    return results
