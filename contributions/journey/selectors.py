"""The touchpoint map: how service users and carers, and staff, felt at each step of the
journey, counted by the database (one query, however many touchpoints) and averaged here."""

import functools
from dataclasses import dataclass, field

from django.db import connections, router
from django.db.models import Case, CharField, Value, When

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


# What each row of the map's query is: a step of the journey, or a count of touchpoints.
STEP_ROW, COUNT_ROW = 1, 2
# The steps touchpoints are placed on (the projects app's, known through the field).
JourneyStep = Contribution._meta.get_field("journey_step").related_model


@functools.cache
def _map_sql(alias: str) -> str:
    """The map's one query on this database: the project's steps (id, name, order), then its
    counted touchpoints (``counted_touchpoints``) grouped by step, constituency and feeling
    (step, constituency, feeling, count), from the partial index that holds those columns
    alone (contribution_touchpoint_map). Written once per process from the models' own names:
    built by the ORM, the two reads cost more Python to put together than the database takes
    to answer them."""
    quote = connections[alias].ops.quote_name

    def step(name):
        return quote(JourneyStep._meta.get_field(name).column)

    def touchpoint(name):
        return quote(Contribution._meta.get_field(name).column)

    by = ", ".join(touchpoint(name) for name in ("journey_step", "constituency", "emotion"))
    # Names from the models, quoted; every value is a parameter.
    return (
        f"SELECT {STEP_ROW}, {step('id')}, {step('name')}, {step('order')}, NULL, NULL, 0 "  # noqa: S608
        f"FROM {quote(JourneyStep._meta.db_table)} WHERE {step('project')} = %s "
        f"UNION ALL "
        f"SELECT {COUNT_ROW}, {touchpoint('journey_step')}, NULL, NULL, "
        f"{touchpoint('constituency')}, {touchpoint('emotion')}, COUNT(*) "
        f"FROM {quote(Contribution._meta.db_table)} "
        f"WHERE {touchpoint('project')} = %s AND {touchpoint('kind')} = %s "
        f"AND {touchpoint('hidden_at')} IS NULL AND {touchpoint('withdrawn_at')} IS NULL "
        f"GROUP BY {by}"
    )


def _map_rows(project) -> tuple[list, list]:
    """The project's steps in their order, as (id, name), and its touchpoints counted, as
    (step, constituency, feeling, count)."""
    alias = router.db_for_read(Contribution)
    with connections[alias].cursor() as cursor:
        cursor.execute(
            _map_sql(alias), [project.pk, project.pk, Contribution.Kind.TOUCHPOINT.value]
        )
        rows = cursor.fetchall()
    steps = sorted(
        (order, pk, name) for kind, pk, name, order, *_counts in rows if kind == STEP_ROW
    )
    counts = [row[1:2] + row[4:] for row in rows if row[0] == COUNT_ROW]
    return [(pk, name) for _order, pk, name in steps], counts


def journey_map(project) -> JourneyMap:
    """Per step of the journey, each group's count and mean feeling, in one query: the
    database counts the touchpoints by step, constituency and feeling (at most a few dozen
    rows), which are put in groups and averaged here."""
    step_rows, counts = _map_rows(project)
    steps = [
        Step(number=number, pk=pk, name=name) for number, (pk, name) in enumerate(step_rows, 1)
    ]
    journey = JourneyMap(steps=steps, not_placed=Step(number=0, pk=None, name=""))
    by_pk = {step.pk: step for step in steps}
    # (step, group): [touchpoints, of them with a feeling, the sum of their feelings]
    tally: dict[tuple, list] = {}
    for step_pk, constituency, emotion, count in counts:
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
