"""The touchpoint map: how service users and carers, and staff, felt at each step of the
journey, counted by the database (two queries, however many touchpoints) and averaged here."""

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, Value, When

from participants.models import Constituency

from ..models import SERVICE_USER_SIDE, Contribution

# A touchpoint's feeling as a number, from -2 (worst) to +2 (best): the curves' scale.
FEELING = {
    Contribution.Emotion.HAPPY: 2,
    Contribution.Emotion.CONTENT: 1,
    Contribution.Emotion.NEUTRAL: 0,
    Contribution.Emotion.WORRIED: -1,
    Contribution.Emotion.FRUSTRATED: -2,
    Contribution.Emotion.UPSET: -2,
}
BEST, WORST = max(FEELING.values()), min(FEELING.values())

SERVICE_USERS, STAFF, OTHERS = "service-users", "staff", "others"
GROUPS = (SERVICE_USERS, STAFF)
# The step of touchpoints placed on none (in URLs and CSV rows).
NOT_PLACED = "none"

GROUP = Case(
    When(constituency__in=SERVICE_USER_SIDE, then=Value(SERVICE_USERS)),
    When(constituency=Constituency.STAFF, then=Value(STAFF)),
    default=Value(OTHERS),
    output_field=CharField(),
)


@dataclass
class Point:
    """One group's touchpoints at one step: how many, and their mean feeling (None if none)."""

    count: int = 0
    feeling: float | None = None


@dataclass
class Step:
    number: int
    pk: int | None
    name: str
    points: dict[str, Point] = field(default_factory=lambda: {g: Point() for g in GROUPS})

    @property
    def service_users(self) -> Point:
        return self.points[SERVICE_USERS]

    @property
    def staff(self) -> Point:
        return self.points[STAFF]

    @property
    def difference(self) -> float | None:
        """Service users' and carers' mean feeling less staff's, where both have touchpoints."""
        if self.service_users.count and self.staff.count:
            return round(self.service_users.feeling - self.staff.feeling, 1) + 0.0
        return None


@dataclass
class JourneyMap:
    steps: list[Step]
    not_placed: Step
    others: int = 0

    @property
    def touchpoint_count(self) -> int:
        placed = sum(p.count for s in [*self.steps, self.not_placed] for p in s.points.values())
        return placed + self.others

    @property
    def widest_gap(self) -> Step | None:
        """The step where the two curves are furthest apart (the first, if several are)."""
        compared = [step for step in self.steps if step.difference is not None]
        return max(compared, key=lambda step: abs(step.difference), default=None)

    @property
    def lowest(self) -> Step | None:
        """Where service users and carers felt worst on average."""
        felt = [step for step in self.steps if step.service_users.count]
        return min(felt, key=lambda step: step.service_users.feeling, default=None)


def counted_touchpoints(project):
    """The touchpoints the map counts: on the board (not withdrawn) and not hidden."""
    return Contribution.objects.filter(
        project=project, kind=Contribution.Kind.TOUCHPOINT, hidden_at__isnull=True
    ).visible()


def map_touchpoints(project):
    """The touchpoints the map counts, each with its group."""
    return counted_touchpoints(project).annotate(group=GROUP)


def group_of(constituency: str) -> str:
    if constituency in SERVICE_USER_SIDE:
        return SERVICE_USERS
    return STAFF if constituency == Constituency.STAFF else OTHERS


def journey_map(project) -> JourneyMap:
    """Per step of the journey, each group's count and mean feeling, in two queries.

    The database counts the touchpoints by step, constituency and feeling, from the partial
    index that holds those columns alone (contribution_touchpoint_map): at most a few dozen
    rows, which are put in groups and averaged here."""
    steps = [
        Step(number=number, pk=step.pk, name=step.name)
        for number, step in enumerate(project.journey_steps.order_by("order", "pk"), start=1)
    ]
    journey = JourneyMap(steps=steps, not_placed=Step(number=0, pk=None, name=""))
    by_pk = {step.pk: step for step in steps}
    # (step, group): [touchpoints, of them with a feeling, the sum of their feelings]
    tally: dict[tuple, list] = {}
    rows = (
        counted_touchpoints(project)
        .values_list("journey_step", "constituency", "emotion")
        .annotate(count=Count("*"))
        .order_by()
    )
    for step_pk, constituency, emotion, count in rows:
        group = group_of(constituency)
        if group == OTHERS:
            journey.others += count
            continue
        step = by_pk.get(step_pk, journey.not_placed)
        counted = tally.setdefault((step.number, group), [0, 0, 0])
        counted[0] += count
        if emotion in FEELING:
            counted[1] += count
            counted[2] += FEELING[emotion] * count
    for step in [*steps, journey.not_placed]:
        for group in GROUPS:
            count, felt, total = tally.get((step.number, group), (0, 0, 0))
            if count:
                # Plus 0.0: never "-0.0".
                feeling = round(total / felt, 1) + 0.0 if felt else None
                step.points[group] = Point(count=count, feeling=feeling)
    return journey


def touchpoints_at(project, *, step, group: str):
    """The touchpoints behind one point of a curve, oldest first (``step`` None: on no step)."""
    touchpoints = map_touchpoints(project).filter(group=group)
    if step is None:
        touchpoints = touchpoints.filter(journey_step__isnull=True)
    else:
        touchpoints = touchpoints.filter(journey_step=step)
    return touchpoints.order_by("created_at", "pk")
