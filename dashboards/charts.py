"""Server-rendered horizontal bar charts: geometry only, drawn by partials/bar_chart.html.

Each row has its label on a line of its own above the bar, so labels never collide with bars at
375 px. Colours meet 3:1 against white (WCAG 2.2 AA for graphics); the two parts of a stacked
bar are parted by a white gap, and every bar also carries its figure as text.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from codesign.charts import SERVICE_USER_FILL, STAFF_FILL
from codesign.charts import svg_number as _number

WIDTH = 360
BAR_MAX = 270
ROW_HEIGHT = 46
BAR_HEIGHT = 18
LABEL_BASELINE = 15
BAR_TOP = 21
GAP = 2
BAR_FILL = SERVICE_USER_FILL


@dataclass
class Segment:
    x: str
    width: str
    fill: str


@dataclass
class Row:
    label: str
    value_text: str
    label_y: str = ""
    bar_y: str = ""
    text_x: str = ""
    text_y: str = ""
    segments: list[Segment] = field(default_factory=list)


@dataclass
class Chart:
    id: str
    title: str
    description: str
    rows: list[Row]
    legend: list[tuple[str, str]] = field(default_factory=list)
    width: int = WIDTH
    height: int = 0
    bar_height: int = BAR_HEIGHT


def _place(chart_id, title, description, rows_and_parts, legend=()) -> Chart:
    """Lay out rows of (label, value text, [(fraction of the full bar, fill), ...])."""
    rows = []
    for index, (label, value_text, parts) in enumerate(rows_and_parts):
        top = index * ROW_HEIGHT
        row = Row(
            label=label,
            value_text=value_text,
            label_y=_number(top + LABEL_BASELINE),
            bar_y=_number(top + BAR_TOP),
            text_y=_number(top + BAR_TOP + BAR_HEIGHT - 4),
        )
        x = 0.0
        drawn = [(fraction, fill) for fraction, fill in parts if fraction > 0]
        for position, (fraction, fill) in enumerate(drawn):
            width = max(fraction * BAR_MAX, 2.0)
            if position < len(drawn) - 1:
                width = max(width - GAP, 1.0)
            row.segments.append(Segment(_number(x), _number(width), fill))
            x += width + (GAP if position < len(drawn) - 1 else 0)
        row.text_x = _number(x + 6)
        rows.append(row)
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        rows=rows,
        legend=list(legend),
        height=max(len(rows), 1) * ROW_HEIGHT,
    )


def count_chart(chart_id, title, description, items) -> Chart:
    """Bars of counts, scaled to the largest: items are (label, count)."""
    largest = max((count for _label, count in items), default=0)
    return _place(
        chart_id,
        title,
        description,
        [
            (label, str(count), [(count / largest if largest else 0, BAR_FILL)])
            for label, count in items
        ],
    )


def percent_chart(chart_id, title, description, items) -> Chart:
    """Bars of percentages out of 100: items are (label, percent or None, value text)."""
    return _place(
        chart_id,
        title,
        description,
        [
            (label, text, [] if value is None else [(value / 100, BAR_FILL)])
            for label, value, text in items
        ],
    )


def share_chart(chart_id, title, description, items) -> Chart:
    """Stacked bars of service users' and staff's shares, the share named on the label line:
    items are (label, SU percent or None); None is drawn as no bar, with "no data yet"."""
    rows = []
    for label, value in items:
        if value is None:
            rows.append((_("%(measure)s: no data yet") % {"measure": label}, "", []))
        else:
            rows.append(
                (
                    _("%(measure)s: %(share)s%% service users")
                    % {"measure": label, "share": value},
                    "",
                    [(value / 100, SERVICE_USER_FILL), ((100 - value) / 100, STAFF_FILL)],
                )
            )
    return _place(
        chart_id,
        title,
        description,
        rows,
        legend=[
            (_("Service users and carers"), "su"),
            (_("Staff"), "staff"),
        ],
    )
