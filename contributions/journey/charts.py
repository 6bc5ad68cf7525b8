"""The emotional curves drawn on the server as SVG (partials/curves.html), with the table and
CSV of the same numbers.

Two series over the steps of the journey: service users and carers (blue, solid line, round
points) and staff (orange, dashed line, square points), so they differ in more than colour.
Steps are numbered along the bottom and named in the list under the chart, so nothing collides
at 375 px. A line breaks where a group has no touchpoint at a step.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from codesign.charts import SERVICE_USER_FILL, STAFF_FILL, svg_number

from .selectors import BEST, GROUPS, SERVICE_USERS, STAFF, WORST, JourneyMap, Step

WIDTH = 360
HEIGHT = 230
LEFT = 64
RIGHT = 16
TOP = 14
PLOT_HEIGHT = 170
MARKER = 5


@dataclass
class Series:
    key: str
    label: str
    colour: str
    dashed: bool
    lines: list[str] = field(default_factory=list)
    points: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Tick:
    y: str
    label: str


@dataclass
class Curves:
    id: str
    title: str
    description: str
    series: list[Series]
    ticks: list[Tick]
    steps: list[tuple[str, int]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = TOP + PLOT_HEIGHT
    marker: int = MARKER
    step_label_y: str = svg_number(TOP + PLOT_HEIGHT + 20)


def not_placed_label() -> str:
    return _("Not placed on a step")


def group_labels() -> dict[str, str]:
    return {SERVICE_USERS: _("Service users and carers"), STAFF: _("Staff")}


def _y(feeling: float) -> float:
    return TOP + (BEST - feeling) / (BEST - WORST) * PLOT_HEIGHT


def _x(index: int, count: int) -> float:
    span = WIDTH - RIGHT - LEFT
    return LEFT + (span / 2 if count == 1 else index * span / (count - 1))


def _series(key: str, steps: list[Step], colour: str, dashed: bool) -> Series:
    series = Series(key=key, label=group_labels()[key], colour=colour, dashed=dashed)
    run: list[str] = []
    for index, step in enumerate(steps):
        point = step.points[key]
        if not point.count:
            if len(run) > 1:
                series.lines.append(" ".join(run))
            run = []
            continue
        x, y = svg_number(_x(index, len(steps))), svg_number(_y(point.feeling))
        series.points.append((x, y))
        run.append(f"{x},{y}")
    if len(run) > 1:
        series.lines.append(" ".join(run))
    return series


def curves(journey: JourneyMap) -> Curves:
    """The two groups' mean feeling at each step, as lines and points in the SVG's frame."""
    steps = journey.steps
    return Curves(
        id="journey-curves",
        title=_("How people felt at each step of the journey"),
        description=_(
            "Two lines over the steps of the journey, numbered along the bottom: the mean "
            "feeling of service users and carers (solid line, round points) and of staff "
            "(dashed line, square points), from -2, upset or frustrated, to +2, happy."
        ),
        series=[
            _series(SERVICE_USERS, steps, SERVICE_USER_FILL, dashed=False),
            _series(STAFF, steps, STAFF_FILL, dashed=True),
        ],
        ticks=[
            Tick(svg_number(_y(BEST)), _("+2 happy")),
            Tick(svg_number(_y(0)), _("0 neutral")),
            Tick(svg_number(_y(WORST)), _("-2 upset")),
        ],
        steps=[(svg_number(_x(i, len(steps))), step.number) for i, step in enumerate(steps)],
    )


def _mean(point) -> float | str:
    return "" if point.feeling is None else point.feeling


def _difference(step: Step) -> float | str:
    return "" if step.difference is None else step.difference


def table(journey: JourneyMap) -> tuple[list[str], list[list]]:
    """The numbers behind the curves: one row per step (and one for touchpoints on none)."""
    labels = group_labels()
    header = [_("Step of the journey")]
    for group in GROUPS:
        header += [
            _("%(group)s: touchpoints") % {"group": labels[group]},
            _("%(group)s: mean feeling") % {"group": labels[group]},
        ]
    header.append(_("Difference (service users and carers less staff)"))
    rows = []
    for step in [*journey.steps, journey.not_placed]:
        name = step.name or not_placed_label()
        row = [f"{step.number}. {name}" if step.number else name]
        for group in GROUPS:
            row += [step.points[group].count, _mean(step.points[group])]
        row.append(_difference(step))
        rows.append(row)
    return header, rows


def findings(journey: JourneyMap) -> list[str]:
    """Where the two curves differ most, and where service users and carers felt worst."""
    said = []
    gap = journey.widest_gap
    if gap is None:
        said.append(
            _(
                "No step has touchpoints from both service users and carers and from staff "
                "yet, so the two curves cannot be compared."
            )
        )
    elif gap.difference == 0:
        said.append(
            _(
                "Service users and carers and staff felt the same on average at every step "
                "where both have touchpoints."
            )
        )
    else:
        values = {
            "number": gap.number,
            "step": gap.name,
            "service_users": gap.service_users.feeling,
            "staff": gap.staff.feeling,
        }
        if gap.difference < 0:
            text = _(
                "The two curves differ most at step %(number)s, “%(step)s”: service users and "
                "carers felt worse (%(service_users)s on average) than staff (%(staff)s)."
            )
        else:
            text = _(
                "The two curves differ most at step %(number)s, “%(step)s”: staff felt worse "
                "(%(staff)s on average) than service users and carers (%(service_users)s)."
            )
        said.append(text % values)
    lowest = journey.lowest
    if lowest is not None and lowest.service_users.feeling < 0:
        said.append(
            _(
                "Service users and carers felt worst at step %(number)s, “%(step)s” "
                "(%(feeling)s on average)."
            )
            % {
                "number": lowest.number,
                "step": lowest.name,
                "feeling": lowest.service_users.feeling,
            }
        )
    return said
