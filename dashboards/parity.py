"""Parity: how the work of a set of projects splits between service users and staff.

*Service users* are the service user and carer constituencies, *staff* the staff
constituency. Only participants count: what facilitators and observers do, and what people of
the "other" constituency do, is shown as "left out" and is in neither group. Each measure is
one aggregate query over all the projects, whatever the amount of data.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db import connections
from django.db.models import Count, F, Sum
from django.utils.translation import gettext_lazy as _

from changes.models import ServiceChange
from codesign.dates import day_range, in_range
from contributions.models import Comment, Contribution, MemberTally, Support
from participants.models import Constituency, Membership
from projects.models import Project
from sessions.models import Attendance

SMALL_GROUP = 5
SERVICE_USERS = "service_users"
# The constituencies that make up the service users' side.
SERVICE_USER_SIDE = (Constituency.SERVICE_USER, Constituency.CARER)
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
# The measures a support or a comment changes: counted apart from the others
# (``tally_counts``), so that after one the rest stay kept (``dashboards.selectors``).
TALLIED = ("comments", "supports")


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


def participant_counts(ids) -> list[dict]:
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


def _counted_rows(ids, start, end) -> dict:
    """What parity counts, per measure: a function giving the rows, and the fields that give
    their project, member (whose role decides the group) and constituency (kept on each row),
    so that only the measures counted are built. Rows are counted as ``*``, not by their ids,
    which the indexes these counts read do not hold."""
    return {
        "contributions": lambda: (
            Contribution.objects.filter(project_id__in=ids, withdrawn_at__isnull=True).filter(
                in_range("created_at", start, end)
            ),
            ("project_id", "author_id", "constituency"),
            Count("*"),
        ),
        # Adopted: read from the links to agreed (or later) changes, each contribution once
        # however many such changes it is behind (half the time of asking each contribution).
        # A change links only its own project's contributions (changes.services), so the
        # links are found from the projects' changes, not from all their contributions.
        "adopted": lambda: (
            ServiceChange.contributions.through.objects.filter(
                servicechange__project_id__in=ids,
                servicechange__status__in=ADOPTED_STATUSES,
                contribution__project_id__in=ids,
                contribution__withdrawn_at__isnull=True,
            ).filter(in_range("contribution__created_at", start, end)),
            ("contribution__project_id", "contribution__author_id", "contribution__constituency"),
            Count("contribution_id", distinct=True),
        ),
        # Comments and supports carry their contribution's project: a project's are read by it.
        "comments": lambda: (
            Comment.objects.filter(project_id__in=ids, withdrawn_at__isnull=True).filter(
                in_range("created_at", start, end)
            ),
            ("project_id", "author_id", "constituency"),
            Count("*"),
        ),
        "supports": lambda: (
            Support.objects.filter(project_id__in=ids).filter(in_range("created_at", start, end)),
            ("project_id", "membership_id", "constituency"),
            Count("*"),
        ),
    }


def _by_role(ids, queryset, fields, counted) -> list[tuple[int, str, str, int]]:
    """(project id, constituency, role, count) of these rows of projects ``ids``, in one
    query.

    The rows are counted per member first, which the database reads from an index alone (a
    project's rows by member and constituency), and the roles of those few members are
    joined to the counts, not to every row: joined first, a project of 20,000 contributions
    was read row by row and every membership of the organisation hashed (18 ms to 4 ms).
    Only the projects' own members are joined: a row's member is always one of its
    project's (``contributions.services.posting_check``)."""
    project, member, constituency = fields
    per_member = (
        queryset.order_by()
        .values(p=F(project), member=F(member), c=F(constituency))
        .annotate(n=counted)
    )
    sql, params = per_member.query.sql_with_params()
    connection = connections[per_member.db]
    name = connection.ops.quote_name
    role = Membership._meta.get_field("role").column
    # Names from the models, quoted; every value is a parameter.
    query = (
        f"SELECT g.{name('p')}, g.{name('c')}, m.{name(role)}, SUM(g.{name('n')}) "  # noqa: S608
        f"FROM ({sql}) g INNER JOIN {name(Membership._meta.db_table)} m "
        f"ON m.{name(Membership._meta.pk.column)} = g.{name('member')} "
        f"AND m.{name(Membership._meta.get_field('project').column)} "
        f"IN ({', '.join(['%s'] * len(ids))}) "
        "GROUP BY 1, 2, 3"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, (*params, *ids))
        return [(p, c, r, int(n)) for p, c, r, n in cursor.fetchall()]


def _attendance_rows(ids, start, end):
    """Sessions attended, by project and the member's own constituency and role."""
    return (
        Attendance.objects.filter(session__project_id__in=ids)
        .filter(in_range("session__starts_at", start, end))
        .values("session__project_id", "membership__constituency", "membership__role")
        .annotate(n=Count("pk"))
    )


def parity_for_projects(
    project_ids,
    *,
    date_from=None,
    date_to=None,
    organisation=None,
    participant_rows=None,
    tallied=True,
) -> dict[int, Parity]:
    """One ``Parity`` per project id, in six queries whatever the amount of data.

    With ``organisation`` (which the projects all belong to), its threshold is used without
    asking the database for each project's. Dates are read in the current time zone;
    ``project_dashboard`` and ``organisation_dashboard`` set it to the organisation's.
    ``participant_rows``: ``participant_counts(project_ids)`` when the caller has them.
    ``tallied``: False leaves the measures of ``TALLIED`` at nothing (``tally_counts`` counts
    them), in two queries fewer.
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
    start, end = day_range(date_from, date_to)

    if participant_rows is None:
        participant_rows = participant_counts(ids)
    for row in participant_rows:
        _add(
            table,
            row["project_id"],
            "participants",
            group_of(row["constituency"], row["role"]),
            row["n"],
        )
    counted = _counted_rows(ids, start, end)
    names = [name for name in counted if tallied or name not in TALLIED]
    _count_measures(table, ids, {name: counted[name]() for name in names})
    for row in _attendance_rows(ids, start, end):
        group = group_of(row["membership__constituency"], row["membership__role"])
        _add(table, row["session__project_id"], "attendance", group, row["n"])
    return table


def tally_counts(
    project_ids, *, date_from=None, date_to=None, names=TALLIED
) -> dict[int, dict[str, Measure]]:
    """The measures ``names`` (of ``TALLIED``) of each project: {project id: {name: Measure}},
    in one query each whatever the amount of data: over all time, from each member's tallies
    (``contributions.MemberTally``, a few rows a member); for dates, counted from the rows."""
    ids = list(project_ids)
    table = {pk: Parity(project_id=pk, threshold=0) for pk in ids}
    if date_from is None and date_to is None:
        for name in names:
            for project_id, constituency, role, n in _tallied(ids, name):
                _add(table, project_id, name, group_of(constituency, role), n)
    else:
        start, end = day_range(date_from, date_to)
        counted = _counted_rows(ids, start, end)
        _count_measures(table, ids, {name: counted[name]() for name in names})
    return {pk: {name: getattr(parity, name) for name in names} for pk, parity in table.items()}


def _tallied(ids, name: str):
    """(project id, constituency, role, how many) of the members' tallies of ``name``."""
    return (
        # Each tally's member is of its project: named twice, the members are read from the
        # projects' own (the index on their project), not from every member there is
        # (3.8 ms to 1.4 at 20,000 contributions).
        MemberTally.objects.filter(
            project_id__in=ids, membership__project_id__in=ids, **{f"{name}__gt": 0}
        )
        .order_by()
        .values_list("project_id", "constituency", "membership__role")
        .annotate(n=Sum(name))
    )


def _count_measures(table, ids, counted) -> None:
    for name, (queryset, fields, how) in counted.items():
        for project_id, constituency, role, n in _by_role(ids, queryset, fields, how):
            _add(table, project_id, name, group_of(constituency, role), n)


def parity_total(parities, *, threshold: int, project_id=None) -> Parity:
    """Several projects' parity added up (people in two projects count in each)."""
    total = Parity(project_id=project_id, threshold=threshold)
    for parity in parities:
        for name in ("participants", *(key for key, _label in MEASURES)):
            setattr(total, name, getattr(total, name) + getattr(parity, name))
    return total
