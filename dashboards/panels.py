"""The dashboards' panels: the same numbers for the chart, its table and its CSV download.

Each panel turns the figures from ``selectors`` into a header and rows of plain values, with
small groups already shown as "fewer than 5" and counts withheld, so no download can show
more than the page.
"""

from django.utils import formats
from django.utils.translation import gettext as _

from . import charts

PROJECT_PANELS = ("changes", "implemented", "parity", "attendance", "payments")
ORGANISATION_PANELS = (*PROJECT_PANELS, "projects")


def no_data():
    return _("no data yet")


def fewer_than_5():
    return _("fewer than 5")


def withheld():
    return _("withheld")


def _percent(value):
    return no_data() if value is None else value


def _days(value):
    if value is None:
        return no_data()
    return int(value) if float(value).is_integer() else value


def changes_table(figures) -> tuple[list, list]:
    return (
        [_("Status"), _("Service changes")],
        [[row["label"], row["count"]] for row in figures["changes"]["by_status"]],
    )


def implemented_table(figures) -> tuple[list, list]:
    return (
        [_("Month"), _("Changes implemented")],
        [
            [formats.date_format(row["month"], "M Y"), row["count"]]
            for row in figures["changes"]["per_month"]
        ],
    )


def _people_cells(parity):
    """The two groups' numbers of active participants, as the page may show them."""
    participants = parity.participants
    if not parity.withheld:
        return participants.service_users, participants.staff
    return (
        fewer_than_5() if parity.service_users_few else _("5 or more"),
        fewer_than_5() if parity.staff_few else _("5 or more"),
    )


def parity_table(figures) -> tuple[list, list]:
    parity = figures["parity"]
    header = [
        _("Measure"),
        _("Service users and carers"),
        _("Staff"),
        _("Left out (facilitators, observers, other)"),
        _("Service users' share (%)"),
        _("Staff share (%)"),
    ]
    su_people, staff_people = _people_cells(parity)
    rows = [
        [
            _("Active participants"),
            su_people,
            staff_people,
            parity.participants.left_out,
            _percent(parity.participants.percent),
            _percent(parity.participants.staff_percent),
        ]
    ]
    for item in parity.measures():
        measure = item["measure"]
        rows.append(
            [
                item["label"],
                withheld() if parity.withheld else measure.service_users,
                withheld() if parity.withheld else measure.staff,
                measure.left_out,
                _percent(measure.percent),
                _percent(measure.staff_percent),
            ]
        )
    rows.append([_("Parity ratio"), parity.ratio_display or no_data(), "", "", "", ""])
    rows.append(
        [
            _("Warning: adopted share below %(threshold)s%%") % {"threshold": parity.threshold},
            _("yes") if parity.warning else _("no"),
            "",
            "",
            "",
            "",
        ]
    )
    return header, rows


def attendance_table(figures) -> tuple[list, list]:
    header = [
        _("Constituency"),
        _("Active participants"),
        _("Said going to sessions that were held"),
        _("Of them, came"),
        _("Attendance rate (%)"),
        _("All attendances"),
    ]
    rows = []
    for row in figures["people"]:
        hide = not row["shown"]
        rows.append(
            [
                row["label"],
                fewer_than_5() if row["few"] else withheld() if hide else row["people"],
                withheld() if hide else row["going"],
                withheld() if hide else row["came"],
                withheld() if hide else _percent(row["rate_percent"]),
                withheld() if hide else row["attended"],
            ]
        )
    return header, rows


def payments_table(figures) -> tuple[list, list]:
    payments = figures["payments"]
    header = [_("Involvement payment"), _("People"), _("Hours"), _("Amount (£)")]
    rows = [
        [
            row["label"]
            if row["counted"]
            else _("%(status)s (not in the totals)") % {"status": row["label"]},
            row["count"],
            row["hours"],
            row["amount"],
        ]
        for row in payments["by_status"]
    ]
    rows.append([_("Total (declined left out)"), "", payments["hours"], payments["amount"]])
    for row in payments["expenses"]:
        label = _("Expenses: %(status)s") % {"status": row["label"]}
        if not row["counted"]:
            label = _("%(status)s (not in the totals)") % {"status": label}
        rows.append([label, row["count"], "", row["amount"]])
    rows.append([_("Expenses total (rejected left out)"), "", "", payments["expenses_amount"]])
    return header, rows


def projects_table(figures) -> tuple[list, list]:
    header = [
        _("Project"),
        _("Status"),
        _("Active participants"),
        _("Service changes proposed"),
        _("Implemented"),
        _("Overdue"),
        _("Median days to implement"),
        _("Service users' share of adopted (%)"),
        _("Parity ratio"),
        _("Parity warning"),
    ]
    rows = []
    for item in figures["projects"]:
        parity, changes = item["parity"], item["changes"]
        participants = item["participants"]
        rows.append(
            [
                item["project"].title,
                item["project"].get_status_display(),
                participants.service_users + participants.staff + participants.left_out,
                changes["total"],
                changes["implemented"],
                changes["overdue"],
                _days(changes["median_days"]),
                _percent(parity.adopted.percent),
                parity.ratio_display or no_data(),
                _("yes") if parity.warning else _("no"),
            ]
        )
    return header, rows


TABLES = {
    "changes": changes_table,
    "implemented": implemented_table,
    "parity": parity_table,
    "attendance": attendance_table,
    "payments": payments_table,
    "projects": projects_table,
}


def table(panel: str, figures) -> tuple[list, list]:
    return TABLES[panel](figures)


def _changes_chart(figures):
    return charts.count_chart(
        "chart-changes",
        _("Service changes by status"),
        _("How many service changes are at each status."),
        [(row["label"], row["count"]) for row in figures["changes"]["by_status"]],
    )


def _implemented_chart(figures):
    return charts.count_chart(
        "chart-implemented",
        _("Service changes implemented each month"),
        _("How many service changes were implemented in each month."),
        [
            (formats.date_format(row["month"], "M Y"), row["count"])
            for row in figures["changes"]["per_month"]
        ],
    )


def _parity_chart(figures):
    parity = figures["parity"]
    return charts.share_chart(
        "chart-parity",
        _("Service users' share of each measure"),
        _(
            "For each measure, the share that came from service users and carers; the "
            "rest came from staff."
        ),
        [(_("Active participants"), parity.participants.percent)]
        + [(item["label"], item["measure"].percent) for item in parity.measures()],
    )


def _attendance_chart(figures):
    return charts.percent_chart(
        "chart-attendance",
        _("Attendance rate by constituency"),
        _("Of those who said they were going to a session that was held, the share who came."),
        [
            (
                row["label"],
                row["rate_percent"],
                no_data() if row["rate_percent"] is None else f"{row['rate_percent']}%",
            )
            for row in figures["people"]
        ],
    )


CHARTS = {
    "changes": _changes_chart,
    "implemented": _implemented_chart,
    "parity": _parity_chart,
    "attendance": _attendance_chart,
}


class Drawn(dict):
    """A panel's chart or table by the panel's name, each worked out from the figures the
    first time a template asks for it: the panels a page takes from the cache cost nothing."""

    def __init__(self, draw, figures):
        super().__init__()
        self.draw = draw
        self.figures = figures

    def __missing__(self, name):
        if name not in self.draw:
            raise KeyError(name)
        self[name] = drawn = self.draw[name](self.figures)
        return drawn


def drawn_charts(figures) -> Drawn:
    return Drawn(CHARTS, figures)


def drawn_tables(figures) -> Drawn:
    return Drawn(TABLES, figures)
