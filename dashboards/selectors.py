"""The dashboards' figures, each computed with aggregate queries over a set of projects.

The number of queries is fixed: it does not grow with the number of projects, people,
sessions, contributions or changes. Nothing here names a person or quotes a contribution:
contributions, comments and supports are counted by the constituency kept on each row (so
anonymous ones count and are never tied to anyone), attendance by the member's constituency.

What the date range (``date_from``/``date_to``, both inclusive, in the organisation's time
zone) filters:

- contributions, comments and supports by when they were made; adopted contributions by when
  the contribution was made; attendance, replies and payments by when the session started;
- service changes by status: changes proposed (created) in the range; implemented per month
  and the median: changes implemented (``implemented_on``) in the range.

Figures about now are not filtered: active participants, overdue changes, follow-up checks
due and upcoming sessions.

Parity is worked out in ``dashboards.parity``.
"""

import statistics
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, FilteredRelation, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from changes.models import FollowUpCheck, ServiceChange
from codesign import content
from codesign.dates import day_range, in_range
from codesign.disclosure import disclose
from participants.models import Constituency, Membership
from projects.models import Project
from sessions.models import Attendance, ExpenseClaim, Recognition, Reply, WorkshopSession, money

from .parity import (
    LIST_LIMIT,
    SERVICE_USER_SIDE,
    SMALL_GROUP,
    Parity,
    parity_for_projects,
    parity_total,
    participant_counts,
    percent,
)


def _months(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def _changes(ids, start, end, date_from, date_to, today, tz) -> dict:
    """Changes by status, per project and in total; implemented per month; the median."""
    proposed = in_range("created_at", start, end)
    overdue = Q(target_date__lt=today, status__in=ServiceChange.BEFORE_IMPLEMENTED)
    per_project = {
        row["project_id"]: row
        for row in ServiceChange.objects.filter(project_id__in=ids)
        .values("project_id")
        .annotate(
            total=Count("pk", filter=proposed),
            overdue=Count("pk", filter=overdue),
            **{
                f"status_{value}": Count("pk", filter=proposed & Q(status=value))
                for value in ServiceChange.Status.values
            },
        )
    }
    by_status = [
        {
            "status": value,
            "count": sum(row[f"status_{value}"] for row in per_project.values()),
        }
        for value in ServiceChange.Status.values
    ]
    implemented = ServiceChange.objects.filter(
        project_id__in=ids, implemented_on__isnull=False
    ).exclude(status=ServiceChange.Status.NOT_TAKEN_FORWARD)
    if date_from:
        implemented = implemented.filter(implemented_on__gte=date_from)
    if date_to:
        implemented = implemented.filter(implemented_on__lte=date_to)
    rows = list(implemented.values_list("project_id", "created_at", "implemented_on"))
    days_by_project = defaultdict(list)
    per_month = defaultdict(int)
    for project_id, created_at, implemented_on in rows:
        days = (implemented_on - created_at.astimezone(tz).date()).days
        days_by_project[project_id].append(max(days, 0))
        per_month[implemented_on.replace(day=1)] += 1
    first = date_from or min([today - timedelta(days=334), *per_month])
    last = date_to or max([today, *per_month])
    months = [{"month": month, "count": per_month.get(month, 0)} for month in _months(first, last)]
    all_days = [d for days in days_by_project.values() for d in days]
    return {
        "per_project": {
            pk: {
                "total": per_project.get(pk, {}).get("total", 0),
                "overdue": per_project.get(pk, {}).get("overdue", 0),
                "implemented": len(days_by_project.get(pk, [])),
                "median_days": _median(days_by_project.get(pk, [])),
            }
            for pk in ids
        },
        "by_status": by_status,
        "total": sum(row["count"] for row in by_status),
        "overdue": sum(row["overdue"] for row in per_project.values()),
        "implemented": len(all_days),
        "median_days": _median(all_days),
        "per_month": months,
    }


def _median(days: list[int]):
    """The median number of days, or None with nothing to take it of."""
    return statistics.median(days) if days else None


def _people(ids, start, end, participant_rows) -> list[dict]:
    """Active participants and attendance by constituency, over held sessions in the range.

    Attendance rate: of the participants who replied "going" to a session that was then
    held, the share who were recorded as there. Groups under 5 people show no exact counts.
    ``participant_rows``: ``participant_counts(ids)``.
    """
    participants = defaultdict(int)
    for row in participant_rows:
        participants[row["constituency"]] += row["n"]
    # Whether each one came: their attendance at the session (at most one), joined rather
    # than asked once a reply (a third of an organisation's dashboard at 200,000).
    their_attendance = FilteredRelation(
        "session__attendances", condition=Q(session__attendances__membership=F("membership"))
    )
    replies = {
        row["membership__constituency"]: row
        for row in Reply.objects.filter(
            session__project_id__in=ids,
            session__status=WorkshopSession.Status.HELD,
            answer=Reply.Answer.GOING,
            membership__role=Membership.Role.PARTICIPANT,
        )
        .filter(in_range("session__starts_at", start, end))
        .annotate(their_attendance=their_attendance)
        .values("membership__constituency")
        .annotate(going=Count("pk"), came=Count("their_attendance__pk"))
    }
    attended = {
        row["membership__constituency"]: row["n"]
        for row in Attendance.objects.filter(
            session__project_id__in=ids, membership__role=Membership.Role.PARTICIPANT
        )
        .filter(in_range("session__starts_at", start, end))
        .values("membership__constituency")
        .annotate(n=Count("pk"))
    }
    # Service users and carers are one group on the parity panel beside this table, whose
    # total is shown: a small group of either would be given away by subtraction from it,
    # so the other is withheld with it (codesign.disclosure).
    paired = disclose(
        {group: participants.get(group, 0) for group in SERVICE_USER_SIDE},
        threshold=SMALL_GROUP,
        total_shown=True,
    )
    table = []
    for value in Constituency.values:
        people = participants.get(value, 0)
        few = 0 < people < SMALL_GROUP
        shown = not few and (value not in SERVICE_USER_SIDE or paired.shown(value))
        reply = replies.get(value, {"going": 0, "came": 0})
        # A withheld group's rate is withheld too: of one or two people it says who came.
        rate = Fraction(reply["came"], reply["going"]) if reply["going"] and shown else None
        table.append(
            {
                "constituency": value,
                "people": people,
                "few": few,
                "shown": shown,
                "going": reply["going"],
                "came": reply["came"],
                "attended": attended.get(value, 0),
                "rate": rate,
                "rate_percent": percent(rate),
            }
        )
    return table


def _payments(ids, start, end) -> dict:
    """Involvement hours and payments by payment status; declined ones are left out of the
    totals. Expenses by status; rejected ones are left out of the total."""
    by_status = {
        row["payment_status"]: row
        for row in Recognition.objects.filter(attendance__session__project_id__in=ids)
        .filter(in_range("attendance__session__starts_at", start, end))
        .values("payment_status")
        .annotate(n=Count("pk"), hours=Sum("hours"), amount=Sum("amount"))
    }
    rows = []
    for value in Recognition.PaymentStatus.values:
        row = by_status.get(value, {})
        rows.append(
            {
                "status": value,
                "count": row.get("n", 0),
                "hours": money(row.get("hours")),
                "amount": money(row.get("amount")),
                "counted": value != Recognition.PaymentStatus.DECLINED,
            }
        )
    expenses_by_status = {
        row["status"]: row
        for row in ExpenseClaim.objects.filter(recognition__attendance__session__project_id__in=ids)
        .filter(in_range("recognition__attendance__session__starts_at", start, end))
        .values("status")
        .annotate(n=Count("pk"), amount=Sum("amount"))
    }
    expenses = []
    for value in ExpenseClaim.Status.values:
        row = expenses_by_status.get(value, {})
        expenses.append(
            {
                "status": value,
                "count": row.get("n", 0),
                "amount": money(row.get("amount")),
                "counted": value != ExpenseClaim.Status.REJECTED,
            }
        )
    counted = [row for row in rows if row["counted"]]
    return {
        "by_status": rows,
        "hours": sum((row["hours"] for row in counted), Decimal("0.00")),
        "amount": sum((row["amount"] for row in counted), Decimal("0.00")),
        "expenses": expenses,
        "expenses_amount": sum(
            (row["amount"] for row in expenses if row["counted"]), Decimal("0.00")
        ),
    }


def _due(ids, today) -> dict:
    overdue = (
        ServiceChange.objects.filter(project_id__in=ids)
        .overdue(today)
        .select_related("project")
        .order_by("target_date", "pk")[:LIST_LIMIT]
    )
    # The first ten, each carrying how many there are in all: one query.
    follow_ups = list(
        FollowUpCheck.objects.filter(change__project_id__in=ids, due_on__lte=today, outcome="")
        .select_related("change__project")
        .annotate(due_in_all=Window(Count("pk")))
        .order_by("due_on", "pk")[:LIST_LIMIT]
    )
    return {
        "overdue_changes": list(overdue),
        "follow_ups_due": follow_ups[0].due_in_all if follow_ups else 0,
        "follow_ups": follow_ups,
    }


def _upcoming(ids) -> list[WorkshopSession]:
    """The next ten sessions, each with how many are going: counted for those ten only (a
    subquery), not for every session to come before the ten are chosen (joined and grouped,
    that was most of an organisation's kept dashboard at 200,000)."""
    going = (
        Reply.objects.filter(session=OuterRef("pk"), answer=Reply.Answer.GOING)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        WorkshopSession.objects.filter(project_id__in=ids)
        .upcoming()
        .select_related("project")
        .annotate(going=Coalesce(Subquery(going[:1]), 0))
        .order_by("starts_at", "pk")[:LIST_LIMIT]
    )


def _figures(ids, *, organisation, date_from, date_to, today) -> dict:
    tz = ZoneInfo(organisation.time_zone)
    with timezone.override(tz):
        today = today or timezone.localdate()
        parts = (organisation.time_zone, organisation.parity_threshold, date_from, date_to, today)
        key, versions = _figures_key(ids, parts)
        figures = content.kept(key) if key else None
        if figures is None:
            figures = _work_out(
                ids,
                organisation=organisation,
                date_from=date_from,
                date_to=date_to,
                today=today,
                versions=versions,
            )
            if key:
                content.keep(key, figures, settings.DASHBOARD_CACHE_SECONDS)
        # The next sessions depend on the hour, not only on the data: always asked for.
        return {**_labelled(figures), "key": key, "upcoming_sessions": _upcoming(ids)}


# The rows that name a status or a constituency, and the choices naming it. Kept figures hold
# the values only; labels are put on as they are read, in the reader's language (a kept lazy
# translation is rebuilt as a new class when read: a fifth of a kept dashboard's time).
LABELLED = (
    (("changes", "by_status"), "status", ServiceChange.Status),
    (("people",), "constituency", Constituency),
    (("payments", "by_status"), "status", Recognition.PaymentStatus),
    (("payments", "expenses"), "status", ExpenseClaim.Status),
)


def _labelled(figures: dict) -> dict:
    """The figures with a ``label`` on each row that names a status or a constituency."""
    figures = {**figures, "changes": {**figures["changes"]}, "payments": {**figures["payments"]}}
    for path, field, choices in LABELLED:
        *within, name = path
        holder = figures[within[0]] if within else figures
        labels = dict(choices.choices)
        holder[name] = [{**row, "label": labels[row[field]]} for row in holder[name]]
    return figures


def _figures_key(ids, parts: tuple) -> tuple[str | None, dict | None]:
    """The key these projects' figures are kept under: their content versions (read before
    the figures are worked out, in one query), and ``parts`` (the filters, the day, the
    organisation's settings); and the versions. None when they may not be kept (inside a
    transaction, or a project deleted meanwhile)."""
    if not content.may_keep():
        return None, None
    versions = content.versions(ids)
    if len(versions) < len(set(ids)):
        return None, None
    return content.key("dashboards:figures", sorted(versions.items()), parts), versions


def _parities(ids, versions, *, organisation, date_from, date_to, participant_rows) -> dict:
    """Each project's parity, kept under its own content version as well: after a write to
    one project, an organisation's dashboard counts that project's rows again, not every
    project's (its parity queries were most of its time). ``versions``: the projects'
    content versions, or None when nothing may be kept."""
    tz = timezone.get_current_timezone_name()
    keys = {
        pk: content.key(
            "dashboards:parity", pk, version, organisation.parity_threshold, date_from, date_to, tz
        )
        for pk, version in (versions or {}).items()
    }
    kept = content.kept_many(keys.values()) if keys else {}
    parities = {pk: kept[key] for pk, key in keys.items() if key in kept}
    missing = [pk for pk in ids if pk not in parities]
    if missing:
        counted = set(missing)
        fresh = parity_for_projects(
            missing,
            date_from=date_from,
            date_to=date_to,
            organisation=organisation,
            participant_rows=[row for row in participant_rows if row["project_id"] in counted],
        )
        content.keep_many(
            {keys[pk]: parity for pk, parity in fresh.items() if pk in keys},
            settings.DASHBOARD_CACHE_SECONDS,
        )
        parities.update(fresh)
    return parities


def _work_out(ids, *, organisation, date_from, date_to, today, versions=None) -> dict:
    """Work the figures out, in the organisation's time zone (which ``_figures`` sets);
    ``versions``: the projects' content versions, under which each one's parity is kept."""
    tz = timezone.get_current_timezone()
    start, end = day_range(date_from, date_to)
    participant_rows = participant_counts(ids)
    return {
        "today": today,
        "date_from": date_from,
        "date_to": date_to,
        "parities": _parities(
            ids,
            versions,
            organisation=organisation,
            date_from=date_from,
            date_to=date_to,
            participant_rows=participant_rows,
        ),
        "changes": _changes(ids, start, end, date_from, date_to, today, tz),
        "people": _people(ids, start, end, participant_rows),
        "payments": _payments(ids, start, end),
        **_due(ids, today),
    }


def project_dashboard(project, *, date_from=None, date_to=None, today=None) -> dict:
    """A project's dashboard figures.

    Keys: ``today``, ``date_from``, ``date_to``; ``parity`` (a ``Parity``); ``changes``
    (``by_status``: [{status, label, count}] of changes proposed in the range, ``total``,
    ``overdue``, ``implemented``, ``median_days`` from proposed to implemented (None when none),
    ``per_month``: [{month (first day), count}] implemented); ``people``: [{constituency, label,
    people, few, going, came, attended, rate, rate_percent}] (see ``_people``); ``payments``
    (``by_status``: [{status, label, count, hours, amount, counted}], ``hours``, ``amount``,
    ``expenses``: [{status, label, count, amount, counted}], ``expenses_amount``);
    ``overdue_changes`` and ``follow_ups`` (the first 10 of each) and ``follow_ups_due`` (how
    many); ``upcoming_sessions`` (the next 10, each with ``going``); ``is_empty``.
    """
    figures = _figures(
        [project.pk],
        organisation=project.organisation,
        date_from=date_from,
        date_to=date_to,
        today=today,
    )
    figures["parity"] = figures.pop("parities").get(project.pk) or Parity(
        project_id=project.pk, threshold=project.organisation.parity_threshold
    )
    figures["is_empty"] = _is_empty(figures)
    return figures


def organisation_dashboard(
    organisation,
    *,
    user,
    project_ids=None,
    date_from=None,
    date_to=None,
    today=None,
    projects=None,
) -> dict:
    """An organisation's dashboard figures, over the projects this person may see.

    Managers see projects that are no longer drafts; admins and superusers see all
    (``projects``, when the caller has them already, from ``dashboard_projects``). With
    ``project_ids``, only those of them. Keys: as ``project_dashboard`` (``parity`` is the
    total of the projects), plus ``projects``: [{project, parity, changes: {total, overdue,
    implemented, median_days}, participants}] in title order.
    """
    if projects is None:
        projects = dashboard_projects(organisation, user=user)
    if project_ids is not None:
        projects = [project for project in projects if project.pk in set(project_ids)]
    ids = [project.pk for project in projects]
    figures = _figures(
        ids, organisation=organisation, date_from=date_from, date_to=date_to, today=today
    )
    parities = figures.pop("parities")
    figures["parity"] = parity_total(parities.values(), threshold=organisation.parity_threshold)
    figures["projects"] = [
        {
            "project": project,
            "parity": parities[project.pk],
            "changes": figures["changes"]["per_project"][project.pk],
            "participants": parities[project.pk].participants,
        }
        for project in projects
    ]
    figures["is_empty"] = _is_empty(figures)
    return figures


def dashboard_projects(organisation, *, user) -> list[Project]:
    """The organisation's projects on its dashboard: managers see no drafts."""
    from codesign.permissions import ORG_ADMIN, SUPERUSER, organisation_roles

    projects = Project.objects.filter(organisation=organisation)
    if not organisation_roles(user, organisation.pk) & {ORG_ADMIN, SUPERUSER}:
        projects = projects.visible_to_managers()
    projects = list(projects.order_by("title", "pk"))
    for project in projects:
        project.organisation = organisation
    return projects


def _is_empty(figures) -> bool:
    """Nothing to show yet: no people, no changes, no sessions coming."""
    parity = figures["parity"]
    return not (
        parity.participants.service_users
        or parity.participants.staff
        or parity.participants.left_out
        or figures["changes"]["total"]
        or figures["changes"]["implemented"]
        or figures["upcoming_sessions"]
        or parity.attendance.service_users
        or parity.attendance.staff
    )
