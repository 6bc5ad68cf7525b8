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

Parity (see ``Parity``): *service users* are the service user and carer constituencies,
*staff* the staff constituency. Only participants count: what facilitators and observers do,
and what people of the "other" constituency do, is shown as "left out" and is in neither group.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum, Window
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from changes.models import FollowUpCheck, ServiceChange
from codesign import content
from contributions.models import Comment, Contribution, Support
from participants.models import Constituency, Membership
from projects.models import Project
from sessions.models import Attendance, ExpenseClaim, Recognition, Reply, WorkshopSession

SMALL_GROUP = 5
SERVICE_USERS = "service_users"
STAFF = "staff"
LEFT_OUT = "left_out"
# A contribution is adopted once a change it is linked to is agreed or further along.
ADOPTED_STATUSES = (
    ServiceChange.Status.AGREED,
    ServiceChange.Status.IN_PROGRESS,
    ServiceChange.Status.IMPLEMENTED,
    ServiceChange.Status.EMBEDDED,
)
MEASURES = (
    ("contributions", _("Contributions")),
    ("comments", _("Comments")),
    ("supports", _("Supports given")),
    ("attendance", _("Sessions attended")),
    ("adopted", _("Adopted contributions")),
)
LIST_LIMIT = 10


def group_of(constituency: str, role: str) -> str:
    """Which parity group an action belongs to, from the constituency and role behind it."""
    if role != Membership.Role.PARTICIPANT or constituency == Constituency.OTHER:
        return LEFT_OUT
    if constituency == Constituency.STAFF:
        return STAFF
    return SERVICE_USERS


def percent(share: Fraction | None) -> int | None:
    """A share as a whole percentage, halves rounded up."""
    if share is None:
        return None
    return int(
        (Decimal(share.numerator) * 100 / Decimal(share.denominator)).to_integral_value(
            "ROUND_HALF_UP"
        )
    )


@dataclass(frozen=True)
class Measure:
    """One measure's counts for the two groups, and what was left out of both."""

    service_users: int = 0
    staff: int = 0
    left_out: int = 0

    def __add__(self, other):
        return Measure(
            self.service_users + other.service_users,
            self.staff + other.staff,
            self.left_out + other.left_out,
        )

    @property
    def share(self) -> Fraction | None:
        """Service users' share: SU / (SU + staff); None when both are zero."""
        both = self.service_users + self.staff
        return Fraction(self.service_users, both) if both else None

    @property
    def percent(self) -> int | None:
        return percent(self.share)

    @property
    def staff_percent(self) -> int | None:
        share = self.share
        return None if share is None else 100 - percent(share)


@dataclass
class Parity:
    """A project's (or several projects') parity of participation.

    Keys: ``participants`` (active participants: role participant, status active), and one
    ``Measure`` per entry of ``MEASURES``: ``contributions`` and ``comments`` (not withdrawn),
    ``supports`` (given), ``attendance`` (sessions attended), ``adopted`` (contributions not
    withdrawn that are linked to a change agreed or further along, never "not taken forward",
    each counted once). ``ratio`` = share of adopted ÷ share of participants; ``warning`` when
    the share of adopted is below ``threshold`` percent. When either group has fewer than 5
    active participants, ``withheld`` is true: that group is shown as "fewer than 5" and no
    exact count of either group is shown for any measure (shares, ratio and warning are).
    """

    project_id: int | None
    threshold: int
    participants: Measure = field(default_factory=Measure)
    contributions: Measure = field(default_factory=Measure)
    comments: Measure = field(default_factory=Measure)
    supports: Measure = field(default_factory=Measure)
    attendance: Measure = field(default_factory=Measure)
    adopted: Measure = field(default_factory=Measure)

    @property
    def service_users_few(self) -> bool:
        return self.participants.service_users < SMALL_GROUP

    @property
    def staff_few(self) -> bool:
        return self.participants.staff < SMALL_GROUP

    @property
    def withheld(self) -> bool:
        return self.service_users_few or self.staff_few

    @property
    def ratio(self) -> Fraction | None:
        adopted, participants = self.adopted.share, self.participants.share
        if adopted is None or not participants:
            return None
        return adopted / participants

    @property
    def ratio_display(self) -> str:
        """The ratio to two places ("0.50"), or "" when it cannot be computed."""
        ratio = self.ratio
        if ratio is None:
            return ""
        value = Decimal(ratio.numerator) / Decimal(ratio.denominator)
        return str(value.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP"))

    @property
    def warning(self) -> bool:
        share = self.adopted.share
        return share is not None and share * 100 < self.threshold

    def measures(self) -> list[dict]:
        """Each measure with its label, in display order."""
        return [
            {"key": key, "label": label, "measure": getattr(self, key)} for key, label in MEASURES
        ]


def _bounds(date_from: date | None, date_to: date | None):
    """The range as aware datetimes [start, end) in the current time zone."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date_from, time.min), tz) if date_from else None
    end = (
        timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min), tz)
        if date_to
        else None
    )
    return start, end


def _in_range(field_name: str, start, end) -> Q:
    q = Q()
    if start is not None:
        q &= Q(**{f"{field_name}__gte": start})
    if end is not None:
        q &= Q(**{f"{field_name}__lt": end})
    return q


def _grouped(queryset, project_field: str, constituency_field: str, role_field: str, **counts):
    """Rows of (project id, constituency, role) with the given counts, in one query."""
    return queryset.values(project_field, constituency_field, role_field).annotate(**counts)


def _add(table, project_id, name, group, n):
    current = getattr(table[project_id], name)
    setattr(
        table[project_id],
        name,
        current
        + Measure(
            n if group == SERVICE_USERS else 0,
            n if group == STAFF else 0,
            n if group == LEFT_OUT else 0,
        ),
    )


def _participant_rows(ids) -> list[dict]:
    """Active participants by project, constituency and role (the role is always
    participant: facilitators and observers are not counted as people taking part)."""
    return list(
        _grouped(
            Membership.objects.filter(
                project_id__in=ids,
                status=Membership.Status.ACTIVE,
                role=Membership.Role.PARTICIPANT,
            ),
            "project_id",
            "constituency",
            "role",
            n=Count("pk"),
        )
    )


def parity_for_projects(
    project_ids, *, date_from=None, date_to=None, organisation=None, participant_rows=None
) -> dict[int, Parity]:
    """One ``Parity`` per project id, in six queries whatever the amount of data.

    With ``organisation`` (which the projects all belong to), its threshold is used without
    asking the database for each project's. Dates are read in the current time zone;
    ``project_dashboard`` and ``organisation_dashboard`` set it to the organisation's.
    ``participant_rows``: ``_participant_rows(project_ids)`` when the caller has them.
    """
    project_ids = list(project_ids)
    if organisation is not None:
        thresholds = dict.fromkeys(project_ids, organisation.parity_threshold)
    else:
        thresholds = dict(
            Project.objects.filter(pk__in=project_ids).values_list(
                "pk", "organisation__parity_threshold"
            )
        )
    table = {pk: Parity(project_id=pk, threshold=thresholds[pk]) for pk in thresholds}
    if not table:
        return table
    ids = list(table)
    start, end = _bounds(date_from, date_to)

    if participant_rows is None:
        participant_rows = _participant_rows(ids)
    for row in participant_rows:
        group = group_of(row["constituency"], row["role"])
        _add(table, row["project_id"], "participants", group, row["n"])

    for row in _grouped(
        Contribution.objects.filter(project_id__in=ids, withdrawn_at__isnull=True).filter(
            _in_range("created_at", start, end)
        ),
        "project_id",
        "constituency",
        "author__role",
        n=Count("pk"),
    ):
        group = group_of(row["constituency"], row["author__role"])
        _add(table, row["project_id"], "contributions", group, row["n"])

    # Adopted: read from the links to agreed (or later) changes, each contribution once however
    # many such changes it is behind. (Half the time of asking each contribution for its links.)
    for row in _grouped(
        ServiceChange.contributions.through.objects.filter(
            servicechange__status__in=ADOPTED_STATUSES,
            contribution__project_id__in=ids,
            contribution__withdrawn_at__isnull=True,
        ).filter(_in_range("contribution__created_at", start, end)),
        "contribution__project_id",
        "contribution__constituency",
        "contribution__author__role",
        n=Count("contribution_id", distinct=True),
    ):
        group = group_of(row["contribution__constituency"], row["contribution__author__role"])
        _add(table, row["contribution__project_id"], "adopted", group, row["n"])

    for row in _grouped(
        Comment.objects.filter(contribution__project_id__in=ids, withdrawn_at__isnull=True).filter(
            _in_range("created_at", start, end)
        ),
        "contribution__project_id",
        "constituency",
        "author__role",
        n=Count("pk"),
    ):
        group = group_of(row["constituency"], row["author__role"])
        _add(table, row["contribution__project_id"], "comments", group, row["n"])

    for row in _grouped(
        Support.objects.filter(contribution__project_id__in=ids).filter(
            _in_range("created_at", start, end)
        ),
        "contribution__project_id",
        "constituency",
        "membership__role",
        n=Count("pk"),
    ):
        group = group_of(row["constituency"], row["membership__role"])
        _add(table, row["contribution__project_id"], "supports", group, row["n"])

    for row in _grouped(
        Attendance.objects.filter(session__project_id__in=ids).filter(
            _in_range("session__starts_at", start, end)
        ),
        "session__project_id",
        "membership__constituency",
        "membership__role",
        n=Count("pk"),
    ):
        group = group_of(row["membership__constituency"], row["membership__role"])
        _add(table, row["session__project_id"], "attendance", group, row["n"])
    return table


def parity_total(parities, *, threshold: int, project_id=None) -> Parity:
    """Several projects' parity added up (people in two projects count in each)."""
    total = Parity(project_id=project_id, threshold=threshold)
    for parity in parities:
        for name in ("participants", *(key for key, _label in MEASURES)):
            setattr(total, name, getattr(total, name) + getattr(parity, name))
    return total


def _months(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def _changes(ids, start, end, date_from, date_to, today, tz) -> dict:
    """Changes by status, per project and in total; implemented per month; the median."""
    proposed = _in_range("created_at", start, end)
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
            "label": label,
            "count": sum(row[f"status_{value}"] for row in per_project.values()),
        }
        for value, label in ServiceChange.Status.choices
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
    ``participant_rows``: ``_participant_rows(ids)``.
    """
    participants = defaultdict(int)
    for row in participant_rows:
        participants[row["constituency"]] += row["n"]
    came = Attendance.objects.filter(
        session_id=OuterRef("session_id"), membership_id=OuterRef("membership_id")
    )
    replies = {
        row["membership__constituency"]: row
        for row in Reply.objects.filter(
            session__project_id__in=ids,
            session__status=WorkshopSession.Status.HELD,
            answer=Reply.Answer.GOING,
            membership__role=Membership.Role.PARTICIPANT,
        )
        .filter(_in_range("session__starts_at", start, end))
        .values("membership__constituency")
        .annotate(going=Count("pk"), came=Count("pk", filter=Q(Exists(came))))
    }
    attended = {
        row["membership__constituency"]: row["n"]
        for row in Attendance.objects.filter(
            session__project_id__in=ids, membership__role=Membership.Role.PARTICIPANT
        )
        .filter(_in_range("session__starts_at", start, end))
        .values("membership__constituency")
        .annotate(n=Count("pk"))
    }
    table = []
    for value, label in Constituency.choices:
        people = participants.get(value, 0)
        reply = replies.get(value, {"going": 0, "came": 0})
        rate = Fraction(reply["came"], reply["going"]) if reply["going"] else None
        table.append(
            {
                "constituency": value,
                "label": label,
                "people": people,
                "few": 0 < people < SMALL_GROUP,
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
        .filter(_in_range("attendance__session__starts_at", start, end))
        .values("payment_status")
        .annotate(n=Count("pk"), hours=Sum("hours"), amount=Sum("amount"))
    }
    rows = []
    for value, label in Recognition.PaymentStatus.choices:
        row = by_status.get(value, {})
        rows.append(
            {
                "status": value,
                "label": label,
                "count": row.get("n", 0),
                "hours": _money(row.get("hours")),
                "amount": _money(row.get("amount")),
                "counted": value != Recognition.PaymentStatus.DECLINED,
            }
        )
    expenses_by_status = {
        row["status"]: row
        for row in ExpenseClaim.objects.filter(recognition__attendance__session__project_id__in=ids)
        .filter(_in_range("recognition__attendance__session__starts_at", start, end))
        .values("status")
        .annotate(n=Count("pk"), amount=Sum("amount"))
    }
    expenses = []
    for value, label in ExpenseClaim.Status.choices:
        row = expenses_by_status.get(value, {})
        expenses.append(
            {
                "status": value,
                "label": label,
                "count": row.get("n", 0),
                "amount": _money(row.get("amount")),
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


def _money(value) -> Decimal:
    # SQLite hands sums back with many places; show pounds and pence, and hours to 2 places.
    return Decimal(value or 0).quantize(Decimal("0.01"))


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
    return list(
        WorkshopSession.objects.filter(project_id__in=ids)
        .upcoming()
        .select_related("project")
        .annotate(going=Count("replies", filter=Q(replies__answer=Reply.Answer.GOING)))
        .order_by("starts_at", "pk")[:LIST_LIMIT]
    )


def _figures(ids, *, organisation, date_from, date_to, today) -> dict:
    tz = ZoneInfo(organisation.time_zone)
    with timezone.override(tz):
        today = today or timezone.localdate()
        parts = (organisation.time_zone, organisation.parity_threshold, date_from, date_to, today)
        key = _figures_key(ids, parts)
        figures = content.kept(key) if key else None
        if figures is None:
            figures = _work_out(
                ids, organisation=organisation, date_from=date_from, date_to=date_to, today=today
            )
            if key:
                content.keep(key, figures, settings.DASHBOARD_CACHE_SECONDS)
        # The next sessions depend on the hour, not only on the data: always asked for.
        return {**figures, "key": key, "upcoming_sessions": _upcoming(ids)}


def _figures_key(ids, parts: tuple) -> str | None:
    """The key these projects' figures are kept under: their content versions (read before
    the figures are worked out, in one query), and ``parts`` (the filters, the day, the
    organisation's settings). None when they may not be kept (inside a transaction, or a
    project deleted meanwhile)."""
    if not content.may_keep():
        return None
    versions = content.versions(ids)
    if len(versions) < len(set(ids)):
        return None
    return content.key("dashboards:figures", sorted(versions.items()), parts)


def _work_out(ids, *, organisation, date_from, date_to, today) -> dict:
    """Work the figures out, in the organisation's time zone (which ``_figures`` sets)."""
    tz = timezone.get_current_timezone()
    start, end = _bounds(date_from, date_to)
    participant_rows = _participant_rows(ids)
    return {
        "today": today,
        "date_from": date_from,
        "date_to": date_to,
        "parities": parity_for_projects(
            ids,
            date_from=date_from,
            date_to=date_to,
            organisation=organisation,
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
