"""Reads of prioritisation rounds: who voted, one's own dots, and results once closed."""

import math
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from codesign import disclosure
from participants.models import Constituency

from ..models import SERVICE_USER_SIDE, Contribution, Dot, PrioritisationRound

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
    # "" when shown; disclosure.SMALL: fewer than the threshold voted; disclosure.COMPLEMENT:
    # large enough, but its figures taken from the totals would give a smaller group away.
    withheld: str = ""

    @property
    def shown(self) -> bool:
        return not self.withheld


# Where the two groups' rankings agree or differ on an idea.
AGREE = "both"
SERVICE_USERS_HIGHER = "service_users"
STAFF_HIGHER = "staff"


@dataclass
class IdeaResult:
    idea: Contribution
    total: int
    service_users: int | None
    staff: int | None
    # Each group's place (1 is first; ties share a place), when its split is shown.
    service_users_place: int | None = None
    staff_place: int | None = None
    # AGREE, SERVICE_USERS_HIGHER, STAFF_HIGHER or "" (neither group ranks it highly).
    agreement: str = ""

    @property
    def both_rank_highly(self) -> bool:
        return self.agreement == AGREE


@dataclass
class RoundResults:
    rows: list[IdeaResult]
    voters: int
    service_users: GroupResult
    staff: GroupResult
    other_voters: int
    # How many of the top places count as "ranked highly" (ties included).
    top_places: int
    threshold: int
    in_the_open: bool = False
    marked: list[IdeaResult] = field(default_factory=list)

    @property
    def splits_shown(self) -> bool:
        """Both groups' dots are shown, and both have voters whose rankings can be compared."""
        groups = (self.service_users, self.staff)
        return all(group.shown and group.voters for group in groups)

    @property
    def service_users_ranking(self) -> list[IdeaResult]:
        return self._ranking("service_users")

    @property
    def staff_ranking(self) -> list[IdeaResult]:
        return self._ranking("staff")

    def _ranking(self, attribute: str) -> list[IdeaResult]:
        """The ideas in one group's order, most dots first (only when both splits are shown)."""
        if not self.splits_shown:
            return []
        return sorted(
            self.rows,
            key=lambda row: (-getattr(row, attribute), row.idea.title.lower(), row.idea.pk),
        )

    def differ(self, agreement: str) -> list[IdeaResult]:
        return [row for row in self.rows if row.agreement == agreement]

    @property
    def service_users_higher(self) -> list[IdeaResult]:
        return self.differ(SERVICE_USERS_HIGHER)

    @property
    def staff_higher(self) -> list[IdeaResult]:
        return self.differ(STAFF_HIGHER)


def _places(rows: list[IdeaResult], attribute: str) -> dict[int, int]:
    """Each idea's place in a group's order by dots (ties share a place)."""
    counts = [getattr(row, attribute) for row in rows]
    return {row.idea.pk: 1 + sum(1 for c in counts if c > getattr(row, attribute)) for row in rows}


def _top(rows: list[IdeaResult], attribute: str, places: int) -> set[int]:
    """Ideas among the top `places` of a group by dots, ties at the cut included."""
    place = _places(rows, attribute)
    return {
        row.idea.pk for row in rows if getattr(row, attribute) > 0 and place[row.idea.pk] <= places
    }


def _compare(results: RoundResults) -> None:
    """Place each idea in both groups' orders and say where they agree and differ."""
    rows = results.rows
    su_places, staff_places = _places(rows, "service_users"), _places(rows, "staff")
    su_top = _top(rows, "service_users", results.top_places)
    staff_top = _top(rows, "staff", results.top_places)
    for row in rows:
        row.service_users_place = su_places[row.idea.pk]
        row.staff_place = staff_places[row.idea.pk]
        in_su, in_staff = row.idea.pk in su_top, row.idea.pk in staff_top
        if in_su and in_staff:
            row.agreement = AGREE
        elif in_su:
            row.agreement = SERVICE_USERS_HIGHER
        elif in_staff:
            row.agreement = STAFF_HIGHER
    results.marked = [row for row in rows if row.both_rank_highly]


def _dot_sums(prioritisation_round, ideas) -> tuple[dict, dict]:
    """Dots per idea and group, and voters per group (two queries)."""
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
    voters[OTHER] = voters["everyone"] - voters["service_users"] - voters["staff"]
    return sums, voters


def round_results(
    prioritisation_round: PrioritisationRound, *, for_managers: bool = False
) -> RoundResults:
    """Totals and the split by constituency of a closed round, in three queries.

    Service users and carers are one group, staff the other; facilitators' dots count with their
    own constituency, and "other" counts in the totals only. Which split is shown is decided by
    the disclosure rule (codesign.disclosure) at the project's group threshold, or, for
    managers' dashboards and reports, at the managers' threshold with no regard to the round
    being declared open.
    """
    if prioritisation_round.status != PrioritisationRound.Status.CLOSED:
        raise ValueError("Results stay hidden until the round is closed.")
    ideas = list(round_ideas(prioritisation_round))
    sums, voters = _dot_sums(prioritisation_round, ideas)
    project_threshold = prioritisation_round.project.group_threshold
    in_the_open = prioritisation_round.in_the_open and not for_managers
    decision = disclosure.disclose(
        {SERVICE_USERS: voters["service_users"], STAFF: voters["staff"], OTHER: voters[OTHER]},
        threshold=(
            disclosure.managers_threshold(project_threshold) if for_managers else project_threshold
        ),
        columns=[SERVICE_USERS, STAFF],
        in_the_open=in_the_open,
    )
    groups = {
        key: GroupResult(key, voters[key], withheld=decision.reason(key))
        for key in (SERVICE_USERS, STAFF)
    }
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
    results = RoundResults(
        rows=rows,
        voters=voters["everyone"],
        service_users=groups[SERVICE_USERS],
        staff=groups[STAFF],
        other_voters=voters[OTHER],
        top_places=max(1, math.ceil(len(rows) / 3)),
        threshold=decision.threshold,
        in_the_open=in_the_open,
    )
    if results.splits_shown:
        _compare(results)
    return results
