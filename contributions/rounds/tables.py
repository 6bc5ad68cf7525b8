"""A closed round's results as a header and rows of plain values.

The one table behind the round's CSV, the managers' dashboard and the PDF report, so none of
them can show more than the disclosure decision in the results allows.
"""

from django.utils.translation import gettext as _

from .selectors import AGREE, SERVICE_USERS_HIGHER, STAFF_HIGHER, GroupResult, RoundResults


def agreement_text(agreement: str) -> str:
    return {
        AGREE: _("Both rank it highly"),
        SERVICE_USERS_HIGHER: _("Only service users and carers rank it highly"),
        STAFF_HIGHER: _("Only staff rank it highly"),
    }.get(agreement, "")


def withheld_text(group: GroupResult, threshold: int) -> str:
    if group.withheld == "small":
        return _("fewer than %(n)s voted") % {"n": threshold}
    return _("not shown")


def voters_text(group: GroupResult, threshold: int):
    return group.voters if group.shown else withheld_text(group, threshold)


def results_header() -> list:
    return [
        _("Idea"),
        _("All dots"),
        _("Service users and carers"),
        _("Staff"),
        _("Service users' and carers' place"),
        _("Staff place"),
        _("Agree or differ"),
    ]


def results_table(results: RoundResults) -> tuple[list, list]:
    """Per idea: all dots, each group's dots and place, and where the groups agree or differ."""
    header = results_header()
    su, staff, threshold = results.service_users, results.staff, results.threshold
    rows = [
        [
            row.idea.title,
            row.total,
            row.service_users if su.shown else withheld_text(su, threshold),
            row.staff if staff.shown else withheld_text(staff, threshold),
            row.service_users_place or "",
            row.staff_place or "",
            agreement_text(row.agreement),
        ]
        for row in results.rows
    ]
    rows.append(
        [
            _("People who voted"),
            results.voters,
            voters_text(su, threshold),
            voters_text(staff, threshold),
            "",
            "",
            _("votes placed in the open") if results.in_the_open else "",
        ]
    )
    return header, rows
