"""Dashboard figures and themes as JSON, from the dashboards' and themes' own selectors.

Nothing is worked out again here: the numbers are those the pages show, and a number the page
withholds (a group of fewer than 5, a group that subtraction would give away) is ``null``
here, with the flag that says why. tests/api/test_figures.py compares them with the pages'
tables.
"""

from dashboards.parity import Parity


def _count(value, hidden: bool):
    return None if hidden else value


def parity_json(parity: Parity) -> dict:
    """A parity panel: exact counts only when neither group has fewer than 5 people."""
    withheld = parity.withheld
    participants = parity.participants
    return {
        "threshold_percent": parity.threshold,
        "withheld": withheld,
        "participants": {
            "service_users": _count(participants.service_users, withheld),
            "staff": _count(participants.staff, withheld),
            "service_users_fewer_than_5": parity.service_users_few,
            "staff_fewer_than_5": parity.staff_few,
            "left_out": participants.left_out,
            "service_users_percent": participants.percent,
            "staff_percent": participants.staff_percent,
        },
        "measures": [
            {
                "measure": item["key"],
                "service_users": _count(item["measure"].service_users, withheld),
                "staff": _count(item["measure"].staff, withheld),
                "left_out": item["measure"].left_out,
                "service_users_percent": item["measure"].percent,
                "staff_percent": item["measure"].staff_percent,
            }
            for item in parity.measures()
        ],
        "ratio": parity.ratio_display or None,
        "warning": parity.warning,
    }


def _changes_json(changes: dict) -> dict:
    return {
        "by_status": [
            {"status": row["status"], "count": row["count"]} for row in changes["by_status"]
        ],
        "total": changes["total"],
        "overdue": changes["overdue"],
        "implemented": changes["implemented"],
        "median_days": _days(changes["median_days"]),
        "implemented_per_month": [
            {"month": row["month"].isoformat()[:7], "count": row["count"]}
            for row in changes["per_month"]
        ],
    }


def _days(value):
    return None if value is None else float(value)


def _attendance_json(people: list[dict]) -> list[dict]:
    return [
        {
            "constituency": row["constituency"],
            "participants": _count(row["people"], not row["shown"]),
            "fewer_than_5": row["few"],
            # Fewer than 5, or given away by subtraction beside a small group (the dashboard's
            # "withheld").
            "withheld": not row["shown"],
            "going": _count(row["going"], not row["shown"]),
            "came": _count(row["came"], not row["shown"]),
            "attended": _count(row["attended"], not row["shown"]),
            "rate_percent": row["rate_percent"],
        }
        for row in people
    ]


def _payments_json(payments: dict) -> dict:
    return {
        "by_status": [
            {
                "status": row["status"],
                "count": row["count"],
                "hours": str(row["hours"]),
                "amount": str(row["amount"]),
                "in_totals": row["counted"],
            }
            for row in payments["by_status"]
        ],
        "hours": str(payments["hours"]),
        "amount": str(payments["amount"]),
        "expenses": [
            {
                "status": row["status"],
                "count": row["count"],
                "amount": str(row["amount"]),
                "in_totals": row["counted"],
            }
            for row in payments["expenses"]
        ],
        "expenses_amount": str(payments["expenses_amount"]),
    }


def dashboard_json(figures: dict) -> dict:
    """A project's or an organisation's dashboard (``dashboards.selectors``) as JSON."""
    data = {
        "today": figures["today"].isoformat(),
        "date_from": figures["date_from"].isoformat() if figures["date_from"] else None,
        "date_to": figures["date_to"].isoformat() if figures["date_to"] else None,
        "changes": _changes_json(figures["changes"]),
        "parity": parity_json(figures["parity"]),
        "attendance": _attendance_json(figures["people"]),
        "payments": _payments_json(figures["payments"]),
        "follow_ups_due": figures["follow_ups_due"],
    }
    if "projects" in figures:
        data["projects"] = [
            {
                "project": item["project"].pk,
                "title": item["project"].title,
                "status": item["project"].status,
                "participants": item["participants"].service_users
                + item["participants"].staff
                + item["participants"].left_out,
                "changes": item["changes"]["total"],
                "implemented": item["changes"]["implemented"],
                "overdue": item["changes"]["overdue"],
                "median_days": _days(item["changes"]["median_days"]),
                "adopted_service_users_percent": item["parity"].adopted.percent,
                "ratio": item["parity"].ratio_display or None,
                "warning": item["parity"].warning,
            }
            for item in figures["projects"]
        ]
    return data


GROUPS = ("service_users", "staff")


def theme_json(theme) -> dict:
    """A theme as managers see it: its name, status and how many contributions and people are
    behind it; each group's number only where the disclosure rule shows it."""
    disclosure = theme.disclosure
    return {
        "id": theme.pk,
        "project": theme.project_id,
        "name": theme.name,
        "status": theme.status,
        "merged_into": theme.merged_into_id,
        "contributions": len(theme.contributions.all()),
        "people": theme.people,
        "groups": {
            group: {
                "people": disclosure.sizes.get(group, 0) if disclosure.shown(group) else None,
                "withheld": disclosure.reason(group) or None,
            }
            for group in GROUPS
        },
        "threshold": disclosure.threshold,
        # Across an organisation's projects: how many of its contributions came from each.
        "by_project": [
            {"project": where.title, "project_id": where.project_id, "contributions": where.count}
            for where in getattr(theme, "by_project", [])
        ],
    }
