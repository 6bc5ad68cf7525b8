"""The exports' rows: contributions, service changes, attendance and payments.

Each dataset is a header and a generator of rows read in chunks with ``.iterator()``, so an
export of any size holds one chunk in memory. Only what is not withdrawn or hidden is
exported. Exports for managers (``with_names`` off) name nobody; a facilitator's export names
contributors except anonymous ones ("Anonymous participant") and people who left ("Former
participant").
"""

from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from changes.models import ServiceChange
from codesign.dates import day_range, in_range
from contributions.models import Comment, Contribution, PrioritisationRound, Support
from contributions.rounds.selectors import round_results
from contributions.rounds.tables import results_header, results_table
from contributions.templatetags.contributions import author_label
from dashboards.parity import ADOPTED_STATUSES
from participants.models import Constituency, Membership
from projects.models import Project
from sessions.closing import exports as closing_exports
from sessions.closing import selectors as closing_selectors
from sessions.models import Attendance, Recognition

CHUNK = 2000


def scope_projects(report):
    """The projects a report covers: its project, or the organisation's that managers see."""
    if report.project_id:
        return Project.objects.filter(pk=report.project_id)
    return Project.objects.filter(organisation_id=report.organisation_id).visible_to_managers()


def bounds(report):
    """The report's days (codesign.dates.day_range) in the organisation's time zone."""
    tz = ZoneInfo(report.organisation.time_zone)
    days = [
        date.fromisoformat(value) if (value := report.parameters.get(key)) else None
        for key in ("date_from", "date_to")
    ]
    start, end = day_range(*days, tz)
    return start, end, tz


def _local_date(value, tz) -> str:
    return timezone.localtime(value, tz).date().isoformat() if value else ""


def _count(model, field_name, **filters):
    """How many rows of ``model`` point at the outer row: one subquery, no join."""
    return Coalesce(
        Subquery(
            model.objects.filter(**{field_name: OuterRef("pk")}, **filters)
            .order_by()
            .values(field_name)
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


def _contributions_header(report) -> list:
    header = [
        _("Reference"),
        _("Project"),
        _("Made on"),
        _("Kind"),
        _("Title"),
        _("In their own words"),
        _("Stage"),
        _("Constituency"),
        _("Status"),
        _("Supports"),
        _("Comments"),
        _("Adopted in a service change"),
    ]
    if report.with_names:
        header.append(_("Contributor"))
    return header


def _contributions_rows(report, start, end, tz):
    """Each contribution of the export as the database gives it: the day it was made on in
    the organisation's time zone worked out there (``made_on``), where each moment read and
    turned into a local day in Python took about a second of an export of 200,000."""
    return (
        Contribution.objects.visible()
        .filter(project__in=scope_projects(report), hidden_at__isnull=True)
        .filter(in_range("created_at", start, end))
        .annotate(
            made_on=TruncDate("created_at", tzinfo=tz),
            supports_given=_count(Support, "contribution"),
            comments_shown=_count(
                Comment, "contribution", hidden_at__isnull=True, withdrawn_at__isnull=True
            ),
            adopted=Exists(
                ServiceChange.contributions.through.objects.filter(
                    contribution_id=OuterRef("pk"), servicechange__status__in=ADOPTED_STATUSES
                )
            ),
        )
        .order_by("project_id", "created_at", "pk")
        .values_list(
            "pk",
            "project__title",
            "made_on",
            "kind",
            "title",
            "body",
            "stage__name",
            "constituency",
            "status",
            "supports_given",
            "comments_shown",
            "adopted",
            "is_anonymous",
            "author__status",
            "author__display_name",
        )
    )


def contributions(report):
    start, end, tz = bounds(report)
    kinds = _labels(Contribution.Kind.choices)
    statuses = _labels(Contribution.Status.choices)
    groups = _labels(Constituency.choices)
    queryset = _contributions_rows(report, start, end, tz)
    yes, no = _("Yes"), _("No")

    def rows():
        for row in queryset.iterator(chunk_size=CHUNK):
            (pk, project, made_on, kind, title, body, stage, constituency, status) = row[:9]
            supports, comments, adopted, anonymous, author_status, display_name = row[9:]
            cells = [
                pk,
                project,
                made_on.isoformat() if made_on else "",
                kinds.get(kind, kind),
                title,
                body,
                stage or "",
                groups.get(constituency, constituency),
                statuses.get(status, status) if kind == Contribution.Kind.IDEA else "",
                supports,
                comments,
                yes if adopted else no,
            ]
            if report.with_names:
                cells.append(
                    author_label(
                        is_anonymous=anonymous, status=author_status, display_name=display_name
                    )
                )
            yield cells

    return _contributions_header(report), rows()


def _linked(*constituencies):
    """How many contributions (not withdrawn) a change is linked to, of these constituencies
    (all if none given), as a subquery."""
    through = ServiceChange.contributions.through.objects.filter(
        servicechange_id=OuterRef("pk"), contribution__withdrawn_at__isnull=True
    )
    if constituencies:
        through = through.filter(contribution__constituency__in=constituencies)
    return Coalesce(
        Subquery(
            through.order_by().values("servicechange_id").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _changes_header(report) -> list:
    header = [
        _("Reference"),
        _("Project"),
        _("Title"),
        _("What will change"),
        _("Status"),
        _("Progress (%)"),
        _("Proposed on"),
        _("Target date"),
        _("Implemented on"),
        _("Approved"),
        _("Contributions behind it"),
        _("Of them from service users and carers"),
        _("Of them from staff"),
        _("What participants said"),
        _("Owner's role"),
    ]
    if report.with_names:
        header.append(_("Owner"))
    return header


def _changes_rows(report, start, end):
    return (
        ServiceChange.objects.filter(project__in=scope_projects(report))
        .filter(in_range("created_at", start, end))
        .annotate(
            linked_all=_linked(),
            linked_su=_linked(Constituency.SERVICE_USER, Constituency.CARER),
            linked_staff=_linked(Constituency.STAFF),
        )
        .order_by("project_id", "created_at", "pk")
        .values_list(
            "pk",
            "project__title",
            "title",
            "description",
            "status",
            "progress",
            "created_at",
            "target_date",
            "implemented_on",
            "approved",
            "linked_all",
            "linked_su",
            "linked_staff",
            "you_said",
            "owner_role",
            "owner__display_name",
        )
    )


def changes(report):
    start, end, tz = bounds(report)
    statuses = _labels(ServiceChange.Status.choices)
    queryset = _changes_rows(report, start, end)
    yes, no = _("Yes"), _("No")

    def rows():
        for row in queryset.iterator(chunk_size=CHUNK):
            cells = [
                row[0],
                row[1],
                row[2],
                row[3],
                statuses.get(row[4], row[4]),
                row[5],
                _local_date(row[6], tz),
                row[7].isoformat() if row[7] else "",
                row[8].isoformat() if row[8] else "",
                yes if row[9] else no,
                row[10],
                row[11],
                row[12],
                row[13],
                row[14],
            ]
            if report.with_names:
                cells.append(row[15] or row[14])
            yield cells

    return _changes_header(report), rows()


def attendance(report):
    start, end, tz = bounds(report)
    groups = _labels(Constituency.choices)
    roles = _labels(Membership.Role.choices)
    header = [
        _("Session"),
        _("Project"),
        _("Date"),
        _("Constituency"),
        _("Role"),
    ]
    if report.with_names:
        header.append(_("Name"))
    queryset = (
        Attendance.objects.filter(session__project__in=scope_projects(report))
        .filter(in_range("session__starts_at", start, end))
        .order_by("session__starts_at", "session_id", "pk")
        .values_list(
            "session__title",
            "session__project__title",
            "session__starts_at",
            "membership__constituency",
            "membership__role",
            "membership__status",
            "membership__display_name",
        )
    )

    def rows():
        for title, project, starts_at, constituency, role, status, name in queryset.iterator(
            chunk_size=CHUNK
        ):
            cells = [
                title,
                project,
                _local_date(starts_at, tz),
                groups.get(constituency, constituency),
                roles.get(role, role),
            ]
            if report.with_names:
                cells.append(author_label(is_anonymous=False, status=status, display_name=name))
            yield cells

    return header, rows()


def payments(report):
    """The payments dataset of sessions/closing/exports.py, for the report's projects and
    dates, named only in a facilitator's export."""
    start, end, tz = bounds(report)
    recognitions = closing_selectors.for_finance(
        Recognition.objects.filter(attendance__session__project__in=scope_projects(report))
        .filter(in_range("attendance__session__starts_at", start, end))
        .order_by("attendance__session__starts_at", "pk")
    )
    return closing_exports.payments(
        recognitions, tz=tz, with_names=report.with_names, chunk_size=CHUNK
    )


def rounds(report):
    """Closed prioritisation rounds, idea by idea, at the managers' threshold: a group's dots
    only when at least 5 of its people voted, whether or not the round was voted in the open."""
    start, end, tz = bounds(report)
    closed = (
        PrioritisationRound.objects.filter(
            project__in=scope_projects(report), status=PrioritisationRound.Status.CLOSED
        )
        .filter(in_range("closed_at", start, end))
        .select_related("project")
        .order_by("closed_at", "pk")
    )
    header = [_("Round"), _("Project"), _("Closed on")]

    def rows():
        for prioritisation_round in closed.iterator(chunk_size=CHUNK):
            results = round_results(prioritisation_round, for_managers=True)
            _header, table = results_table(results)
            for cells in table:
                yield [
                    prioritisation_round.title,
                    prioritisation_round.project.title,
                    _local_date(prioritisation_round.closed_at, tz),
                    *cells,
                ]

    return header + results_header(), rows()


DATASETS = {
    "contributions": contributions,
    "changes": changes,
    "attendance": attendance,
    "payments": payments,
    "rounds": rounds,
}
