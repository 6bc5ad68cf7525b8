"""Reads for reflection: ladder ratings and their results, and a session's reflective log."""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from codesign import disclosure

from ..models import LadderRating, LadderVote, ReflectiveLogEntry

Rung = LadderRating.Rung

PARTICIPANTS = "participants"
FACILITATORS = "facilitators"
GROUP_LABELS = {
    PARTICIPANTS: gettext_lazy("Participants"),
    FACILITATORS: gettext_lazy("Facilitators"),
}
COMMENT_HEADINGS = {
    PARTICIPANTS: gettext_lazy("What participants said"),
    FACILITATORS: gettext_lazy("What facilitators said"),
}


def rungs_text(value: float) -> str:
    """A number of rungs in words: "1 rung", "1.5 rungs"."""
    value = abs(value)
    shown = number_format(value, decimal_pos=0 if value == int(value) else 1)
    if value == int(value):
        return ngettext("%(rungs)s rung", "%(rungs)s rungs", int(value)) % {"rungs": shown}
    return _("%(rungs)s rungs") % {"rungs": shown}


def median_name(median: float) -> str:
    """The rung a median stands on, or the two it falls between."""
    if median == int(median):
        return Rung(int(median)).label
    return _("between %(lower)s and %(upper)s") % {
        "lower": Rung(int(median)).label,
        "upper": Rung(int(median) + 1).label,
    }


@dataclass
class RungCount:
    rung: int
    label: str
    count: int
    percent: int


@dataclass
class GroupResult:
    key: str
    # For a group not shown (participants fewer than the threshold) nothing else is filled in:
    # not even how many. Facilitators rate in their professional role and are always shown.
    small: bool
    voters: int | None = None
    distribution: list[RungCount] = field(default_factory=list)
    median: float | None = None
    comments: list[str] = field(default_factory=list)
    # The median of the previous closed rating's group, when both it and this one are shown.
    previous_median: float | None = None

    @property
    def label(self):
        return GROUP_LABELS[self.key]

    @property
    def comments_heading(self):
        return COMMENT_HEADINGS[self.key]

    @property
    def median_name(self) -> str:
        return "" if self.median is None else median_name(self.median)

    @property
    def movement(self) -> float | None:
        if self.median is None or self.previous_median is None:
            return None
        return self.median - self.previous_median

    @property
    def movement_text(self) -> str:
        movement = self.movement
        if movement is None:
            return ""
        if movement > 0:
            return _("up %(rungs)s") % {"rungs": rungs_text(movement)}
        if movement < 0:
            return _("down %(rungs)s") % {"rungs": rungs_text(movement)}
        return _("no change")


@dataclass
class LadderResults:
    rating: LadderRating
    participants: GroupResult
    facilitators: GroupResult
    # The closed rating before this one, if any.
    previous: LadderRating | None = None
    previous_gap: float | None = None

    @property
    def groups(self) -> list[GroupResult]:
        return [self.participants, self.facilitators]

    @property
    def rows(self) -> list[tuple[int, str, list[tuple[GroupResult, RungCount | None]]]]:
        """Per rung, bottom first: its number and name, and each group's count (if shown)."""
        return [
            (
                rung.value,
                rung.label,
                [
                    (group, None if group.small else group.distribution[index])
                    for group in self.groups
                ],
            )
            for index, rung in enumerate(Rung)
        ]

    @property
    def gap(self) -> float | None:
        """Facilitators' median less participants' (positive: facilitators rate it higher)."""
        if self.participants.median is None or self.facilitators.median is None:
            return None
        return self.facilitators.median - self.participants.median

    @property
    def gap_text(self) -> str:
        gap = self.gap
        if gap is None:
            return ""
        if gap > 0:
            return _("Facilitators place the project %(rungs)s higher than participants do.") % {
                "rungs": rungs_text(gap)
            }
        if gap < 0:
            return _("Participants place the project %(rungs)s higher than facilitators do.") % {
                "rungs": rungs_text(gap)
            }
        return _("Participants and facilitators place the project at the same point.")

    @property
    def gap_movement_text(self) -> str:
        if self.gap is None or self.previous_gap is None:
            return ""
        before, now = abs(self.previous_gap), abs(self.gap)
        values = {"before": rungs_text(before), "now": rungs_text(now)}
        if now < before:
            return _("The gap has narrowed from %(before)s to %(now)s.") % values
        if now > before:
            return _("The gap has widened from %(before)s to %(now)s.") % values
        return _("The gap is the same as last time (%(now)s).") % values


def _group_result(key: str, votes: list[tuple[int, str]], *, shown: bool) -> GroupResult:
    if not shown or not votes:
        return GroupResult(key=key, small=True)
    counts = defaultdict(int)
    for rung, _comment in votes:
        counts[rung] += 1
    return GroupResult(
        key=key,
        small=False,
        voters=len(votes),
        distribution=[
            RungCount(
                rung=rung.value,
                label=rung.label,
                count=counts[rung.value],
                percent=round(100 * counts[rung.value] / len(votes)),
            )
            for rung in Rung
        ],
        median=float(statistics.median(rung for rung, _comment in votes)),
        # Sorted, so that the order of the comments says nothing about who voted when.
        comments=sorted((c for _rung, c in votes if c), key=str.casefold),
    )


def ladder_threshold(project, *, for_managers: bool = False) -> int:
    """How many participants must rate before their answers are shown."""
    if for_managers:
        return disclosure.managers_threshold(project.group_threshold)
    return project.group_threshold


def _shown(sizes: dict[str, int], threshold: int) -> dict[str, bool]:
    # No total of everyone is shown beside the groups, so nothing is worked out by subtraction.
    decision = disclosure.disclose(
        sizes, threshold=threshold, total_shown=False, professional=[FACILITATORS]
    )
    return {key: decision.shown(key) for key in sizes}


def ladder_results(project, *, for_managers: bool = False) -> list[LadderResults]:
    """The results of the project's closed ratings, newest first, in two queries.

    Participants' answers follow the disclosure rule at the project's group threshold (the
    managers' threshold in reports); facilitators' are shown as theirs whatever their number.
    Each rating's groups are compared with the same groups in the closed rating before it.
    """
    threshold = ladder_threshold(project, for_managers=for_managers)
    ratings = list(
        LadderRating.objects.filter(project=project, closed_at__isnull=False).order_by(
            "opened_at", "pk"
        )
    )
    votes = defaultdict(lambda: {PARTICIPANTS: [], FACILITATORS: []})
    for rating_id, is_facilitator, rung, comment in LadderVote.objects.filter(
        rating__in=ratings
    ).values_list("rating_id", "is_facilitator", "rung", "comment"):
        votes[rating_id][FACILITATORS if is_facilitator else PARTICIPANTS].append((rung, comment))
    results = []
    previous = None
    for rating in ratings:
        groups = votes[rating.pk]
        shown = _shown({key: len(groups[key]) for key in (PARTICIPANTS, FACILITATORS)}, threshold)
        current = LadderResults(
            rating=rating,
            participants=_group_result(
                PARTICIPANTS, groups[PARTICIPANTS], shown=shown[PARTICIPANTS]
            ),
            facilitators=_group_result(
                FACILITATORS, groups[FACILITATORS], shown=shown[FACILITATORS]
            ),
        )
        if previous is not None:
            current.previous = previous.rating
            current.previous_gap = previous.gap
            for group, before in zip(current.groups, previous.groups, strict=True):
                if not group.small:
                    group.previous_median = before.median
        results.append(current)
        previous = current
    return results[::-1]


def open_rating(project) -> LadderRating | None:
    return LadderRating.objects.filter(project=project, closed_at__isnull=True).first()


def voter_count(rating: LadderRating) -> int:
    """How many people rated: the only figure shown while a rating is open."""
    return rating.votes.count()


def vote_of(rating: LadderRating, membership) -> LadderVote | None:
    """The person's own vote (never anyone else's)."""
    if membership is None:
        return None
    return LadderVote.objects.filter(rating=rating, membership=membership).first()


def reflections_for_session(session):
    return ReflectiveLogEntry.objects.filter(session=session).select_related("author")
