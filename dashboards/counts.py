"""Each project's counts for the dashboards, worked out for several projects at once and kept
for each project under its own content version.

An organisation's dashboard adds its projects' counts up (``selectors``). After a write to one
project only that project is counted again; the others' counts are read from the cache. Every
query here groups by project, so a batch of projects costs the same fixed number of queries as
one. Counts hold plain values only (numbers, days, keys to sort by): the ten overdue changes
and follow-up checks a page lists are loaded by ``selectors`` once the projects' are merged.

Dates are read in the current time zone, which ``selectors`` sets to the organisation's.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, F, FilteredRelation, Q, Sum, Value, When, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from changes.models import FollowUpCheck, ServiceChange
from codesign.dates import day_range, in_range
from participants.models import Membership
from sessions.models import Attendance, ExpenseClaim, Recognition, Reply, WorkshopSession

from .parity import LIST_LIMIT, Parity, parity_for_projects, participant_counts


@dataclass
class ProjectCounts:
    """One project's counts, as the dashboards add them up.

    ``participants``: active participants by constituency; ``changes_by_status``: changes
    proposed in the range by status; ``overdue``: how many changes are overdue; ``days``: days
    from proposed to implemented of each change implemented in the range; ``implemented``: of
    those, how many a month (first day); ``replies``: by constituency, (going, came) to held
    sessions; ``attended``: attendance by constituency; ``payments``: by payment status,
    (count, hours, amount); ``expenses``: by status, (count, amount); ``overdue_first`` and
    ``follow_ups_first``: the first ten overdue changes (target date, id) and follow-up checks
    due (due date, id), in order; ``follow_ups_due``: how many checks are due."""

    parity: Parity
    participants: dict = field(default_factory=dict)
    changes_by_status: dict = field(default_factory=dict)
    overdue: int = 0
    days: list = field(default_factory=list)
    implemented: dict = field(default_factory=dict)
    replies: dict = field(default_factory=dict)
    attended: dict = field(default_factory=dict)
    payments: dict = field(default_factory=dict)
    expenses: dict = field(default_factory=dict)
    overdue_first: list = field(default_factory=list)
    follow_ups_first: list = field(default_factory=list)
    follow_ups_due: int = 0


def count_projects(
    ids,
    *,
    organisation,
    date_from: date | None,
    date_to: date | None,
    today: date,
    tallied: bool = True,
) -> dict[int, ProjectCounts]:
    """The counts of each of these projects (of ``organisation``), in a fixed number of
    queries whatever their number and size; ``tallied``: False leaves parity's comments and
    supports at nothing (``parity.tally_counts`` counts them)."""
    ids = list(ids)
    if not ids:
        return {}
    start, end = day_range(date_from, date_to)
    participant_rows = participant_counts(ids)
    parities = parity_for_projects(
        ids,
        date_from=date_from,
        date_to=date_to,
        organisation=organisation,
        participant_rows=participant_rows,
        tallied=tallied,
    )
    counts = {pk: ProjectCounts(parity=parities[pk]) for pk in ids}
    for row in participant_rows:
        people = counts[row["project_id"]].participants
        people[row["constituency"]] = people.get(row["constituency"], 0) + row["n"]
    _changes(counts, start, end, date_from, date_to, today)
    _people(counts, start, end)
    _payments(counts, start, end)
    _due(counts, today)
    return counts


def _changes(counts, start, end, date_from, date_to, today) -> None:
    """Changes proposed in the range by status, overdue ones (and the first ten of them),
    and the days to implement those implemented in the range: from the projects' changes,
    read in one query (a project has tens of them, an organisation thousands). Whether each
    was proposed in the range, and the day it was proposed, are worked out by the database:
    turning thousands of its times into Python's took most of the query's time."""
    tz = timezone.get_current_timezone()
    period = in_range("created_at", start, end)
    proposed = Case(When(period, then=True), default=False) if period else Value(True)
    rows = (
        ServiceChange.objects.filter(project_id__in=list(counts))
        .annotate(proposed=proposed, proposed_on=TruncDate("created_at", tzinfo=tz))
        .values_list(
            "pk", "project_id", "status", "proposed", "proposed_on", "target_date", "implemented_on"
        )
    )
    for pk, project_id, status, in_period, proposed_on, target_date, implemented_on in rows:
        project = counts[project_id]
        if in_period:
            project.changes_by_status[status] = project.changes_by_status.get(status, 0) + 1
        # As ServiceChange.objects.overdue(today).
        if target_date and target_date < today and status in ServiceChange.BEFORE_IMPLEMENTED:
            project.overdue += 1
            project.overdue_first.append((target_date, pk))
        if (
            implemented_on is not None
            and status != ServiceChange.Status.NOT_TAKEN_FORWARD
            and (date_from is None or implemented_on >= date_from)
            and (date_to is None or implemented_on <= date_to)
        ):
            project.days.append(max((implemented_on - proposed_on).days, 0))
            month = implemented_on.replace(day=1)
            project.implemented[month] = project.implemented.get(month, 0) + 1
    for project in counts.values():
        project.overdue_first = sorted(project.overdue_first)[:LIST_LIMIT]


def _people(counts, start, end) -> None:
    """Participants' replies "going" to sessions then held, whether each one came, and
    attendance, by project and constituency."""
    ids = list(counts)
    # Whether each one came: their attendance at the session (at most one), joined rather
    # than asked once a reply (a third of an organisation's dashboard at 200,000).
    their_attendance = FilteredRelation(
        "session__attendances", condition=Q(session__attendances__membership=F("membership"))
    )
    replies = (
        Reply.objects.filter(
            session__project_id__in=ids,
            session__status=WorkshopSession.Status.HELD,
            answer=Reply.Answer.GOING,
            membership__role=Membership.Role.PARTICIPANT,
        )
        .filter(in_range("session__starts_at", start, end))
        .annotate(their_attendance=their_attendance)
        .values("session__project_id", "membership__constituency")
        .annotate(going=Count("pk"), came=Count("their_attendance__pk"))
    )
    for row in replies:
        project = counts[row["session__project_id"]]
        project.replies[row["membership__constituency"]] = (row["going"], row["came"])
    attended = (
        Attendance.objects.filter(
            session__project_id__in=ids, membership__role=Membership.Role.PARTICIPANT
        )
        .filter(in_range("session__starts_at", start, end))
        .values("session__project_id", "membership__constituency")
        .annotate(n=Count("pk"))
    )
    for row in attended:
        counts[row["session__project_id"]].attended[row["membership__constituency"]] = row["n"]


def _payments(counts, start, end) -> None:
    ids = list(counts)
    payments = (
        Recognition.objects.filter(attendance__session__project_id__in=ids)
        .filter(in_range("attendance__session__starts_at", start, end))
        .values("attendance__session__project_id", "payment_status")
        .annotate(n=Count("pk"), hours=Sum("hours"), amount=Sum("amount"))
    )
    for row in payments:
        project = counts[row["attendance__session__project_id"]]
        project.payments[row["payment_status"]] = (
            row["n"],
            row["hours"] or Decimal("0"),
            row["amount"] or Decimal("0"),
        )
    project_of = "recognition__attendance__session__project_id"
    expenses = (
        ExpenseClaim.objects.filter(**{f"{project_of}__in": ids})
        .filter(in_range("recognition__attendance__session__starts_at", start, end))
        .values(project_of, "status")
        .annotate(n=Count("pk"), amount=Sum("amount"))
    )
    for row in expenses:
        counts[row[project_of]].expenses[row["status"]] = (row["n"], row["amount"] or Decimal("0"))


def _first_of_each(queryset, project_field: str, order: tuple[str, ...]):
    """The first ``LIST_LIMIT`` rows of each project (in ``order``), each with how many the
    project has in all (``in_all``): one query."""
    partition = {"partition_by": [F(project_field)]}
    return (
        queryset.annotate(
            place=Window(RowNumber(), order_by=[F(name).asc() for name in order], **partition),
            in_all=Window(Count("pk"), **partition),
        )
        .filter(place__lte=LIST_LIMIT)
        .values_list(project_field, *order, "in_all")
    )


def _due(counts, today) -> None:
    """Each project's first ten follow-up checks due, as keys to sort by, and how many
    checks are due."""
    follow_ups = _first_of_each(
        FollowUpCheck.objects.filter(
            change__project_id__in=list(counts), due_on__lte=today, outcome=""
        ),
        "change__project_id",
        ("due_on", "pk"),
    )
    for project_id, due_on, pk, in_all in follow_ups:
        project = counts[project_id]
        project.follow_ups_first.append((due_on, pk))
        project.follow_ups_due = in_all
