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

Each project's counts are worked out in ``dashboards.counts`` (parity in
``dashboards.parity``) and kept under its content version; here they are added up.
"""

import dataclasses
import functools
import statistics
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from changes.models import FollowUpCheck, ServiceChange
from codesign import content, kept_pages
from codesign.disclosure import disclose
from participants.models import Constituency
from projects.models import Project
from sessions.models import ExpenseClaim, Recognition, Reply, WorkshopSession, money

from .counts import count_projects
from .parity import (
    LIST_LIMIT,
    SERVICE_USER_SIDE,
    SMALL_GROUP,
    TALLIED,
    Parity,
    parity_total,
    percent,
    tally_counts,
)


def _months(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def _median(days: list[int]):
    """The median number of days, or None with nothing to take it of."""
    return statistics.median(days) if days else None


def _changes(ids, counts, date_from, date_to, today) -> dict:
    """Changes by status, per project and in total; implemented per month; the median."""
    by_status = [
        {
            "status": value,
            "count": sum(counts[pk].changes_by_status.get(value, 0) for pk in ids),
        }
        for value in ServiceChange.Status.values
    ]
    per_month = defaultdict(int)
    for pk in ids:
        for month, n in counts[pk].implemented.items():
            per_month[month] += n
    first = date_from or min([today - timedelta(days=334), *per_month])
    last = date_to or max([today, *per_month])
    months = [{"month": month, "count": per_month.get(month, 0)} for month in _months(first, last)]
    all_days = [d for pk in ids for d in counts[pk].days]
    return {
        "per_project": {
            pk: {
                "total": sum(counts[pk].changes_by_status.values()),
                "overdue": counts[pk].overdue,
                "implemented": len(counts[pk].days),
                "median_days": _median(counts[pk].days),
            }
            for pk in ids
        },
        "by_status": by_status,
        "total": sum(row["count"] for row in by_status),
        "overdue": sum(counts[pk].overdue for pk in ids),
        "implemented": len(all_days),
        "median_days": _median(all_days),
        "per_month": months,
    }


def _summed(dicts) -> dict:
    """Dicts of numbers, or of tuples of numbers, added up key by key."""
    total: dict = {}
    for each in dicts:
        for key, value in each.items():
            if key not in total:
                total[key] = value
            elif isinstance(value, tuple):
                total[key] = tuple(a + b for a, b in zip(total[key], value, strict=True))
            else:
                total[key] += value
    return total


def _people(ids, counts) -> list[dict]:
    """Active participants and attendance by constituency, over held sessions in the range.

    Attendance rate: of the participants who replied "going" to a session that was then
    held, the share who were recorded as there. Groups under 5 people show no exact counts.
    """
    participants = _summed(counts[pk].participants for pk in ids)
    replies = _summed(counts[pk].replies for pk in ids)
    attended = _summed(counts[pk].attended for pk in ids)
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
        going, came = replies.get(value, (0, 0))
        # A withheld group's rate is withheld too: of one or two people it says who came.
        rate = Fraction(came, going) if going and shown else None
        table.append(
            {
                "constituency": value,
                "people": people,
                "few": few,
                "shown": shown,
                "going": going,
                "came": came,
                "attended": attended.get(value, 0),
                "rate": rate,
                "rate_percent": percent(rate),
            }
        )
    return table


def _payments(ids, counts) -> dict:
    """Involvement hours and payments by payment status; declined ones are left out of the
    totals. Expenses by status; rejected ones are left out of the total."""
    by_status = _summed(counts[pk].payments for pk in ids)
    rows = []
    for value in Recognition.PaymentStatus.values:
        n, hours, amount = by_status.get(value, (0, None, None))
        rows.append(
            {
                "status": value,
                "count": n,
                "hours": money(hours),
                "amount": money(amount),
                "counted": value != Recognition.PaymentStatus.DECLINED,
            }
        )
    expenses_by_status = _summed(counts[pk].expenses for pk in ids)
    expenses = []
    for value in ExpenseClaim.Status.values:
        n, amount = expenses_by_status.get(value, (0, None))
        expenses.append(
            {
                "status": value,
                "count": n,
                "amount": money(amount),
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


def _due(ids, counts) -> dict:
    """The first ten overdue changes and follow-up checks due of all the projects (from each
    project's first ten), loaded in two queries, and how many checks are due."""
    overdue = sorted(key for pk in ids for key in counts[pk].overdue_first)[:LIST_LIMIT]
    follow_ups = sorted(key for pk in ids for key in counts[pk].follow_ups_first)[:LIST_LIMIT]
    changes = ServiceChange.objects.filter(pk__in=[pk for _day, pk in overdue])
    checks = FollowUpCheck.objects.filter(pk__in=[pk for _day, pk in follow_ups])
    return {
        "overdue_changes": list(
            changes.select_related("project").order_by("target_date", "pk") if overdue else []
        ),
        "follow_ups_due": sum(counts[pk].follow_ups_due for pk in ids),
        "follow_ups": list(
            checks.select_related("change__project").order_by("due_on", "pk") if follow_ups else []
        ),
    }


def _upcoming(ids, now=None) -> list[WorkshopSession]:
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
        .upcoming(now)
        .select_related("project")
        .annotate(going=Coalesce(Subquery(going[:1]), 0))
        .order_by("starts_at", "pk")[:LIST_LIMIT]
    )


def _figures(ids, *, organisation, date_from, date_to, today, versions=None) -> dict:
    """``versions``: the projects' versions as a request loaded them (``content.versions_of``),
    or None to read them."""
    tz = ZoneInfo(organisation.time_zone)
    with timezone.override(tz):
        today = today or timezone.localdate()
        parts = (organisation.time_zone, organisation.parity_threshold, date_from, date_to, today)
        versions = _versions(ids, versions)
        key = steady_key = None
        if versions is not None:
            key = content.key("dashboards:figures", _of(versions, "content"), parts)
            steady_key = content.key("dashboards:steady", _of(versions, "steady"), parts)
        figures = _kept_or(
            key,
            lambda: _work_out(
                ids,
                organisation=organisation,
                date_from=date_from,
                date_to=date_to,
                today=today,
                versions=versions,
                steady_key=steady_key,
            ),
        )
        return {
            **_labelled(figures),
            "key": key,
            "steady_key": steady_key,
            "upcoming_sessions": _kept_upcoming(ids, versions),
        }


def _kept_upcoming(ids, versions) -> list[WorkshopSession]:
    """The next sessions (``_upcoming``), kept under the projects' versions without the tallies
    until the first of them is over, when it leaves the list (planning, moving, cancelling or
    answering a session raises the version). ``versions``: None when nothing may be kept."""
    key = content.key("dashboards:upcoming", _of(versions, "steady")) if versions else None
    now = timezone.now()

    def work_out():
        sessions = _upcoming(ids, now)
        return min((session.ends_at for session in sessions), default=None), sessions

    return content.kept_until(key, now, work_out, settings.DASHBOARD_CACHE_SECONDS)[1]


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


def _versions(ids, loaded=None) -> dict | None:
    """The projects' versions (``content.versions``, or those ``loaded`` with the projects'
    rows, always read before the figures are worked out), or None when nothing may be kept
    (inside a transaction, or a project deleted meanwhile).

    Figures are kept under two keys: everything under the content versions (``key``), and
    everything but parity's comments and supports under the versions without them
    (``steady_key``), so that after a support or a comment only those two measures are
    counted again, and the panels that show neither stay kept."""
    if not content.may_keep():
        return None
    if loaded is not None:
        versions = {pk: loaded[pk] for pk in ids if pk in loaded}
    else:
        versions = content.versions(ids)
    return versions if len(versions) == len(set(ids)) else None


def _kept_or(key: str | None, work_out):
    """What is kept under ``key``, or else ``work_out()``, kept under it (nothing is read or
    kept without a key)."""
    value = content.kept(key) if key else None
    if value is None:
        value = work_out()
        if key:
            content.keep(key, value, settings.DASHBOARD_CACHE_SECONDS)
    return value


def _of(versions: dict, name: str) -> list:
    return sorted((pk, getattr(version, name)) for pk, version in versions.items())


def _kept_per_project(ids, versions, parts, kinds: dict) -> dict:
    """Each project's results of each kind, kept per project under its own versions and
    ``parts``, all read in one round trip: only the projects whose versions moved are counted
    again. ``kinds``: {name: (the versions it is kept under, of ``content.Versions``, and
    ``count(ids)`` giving {project id: result})}; returns {name: {project id: result}}.
    ``versions``: ``_versions(ids)``, or None when nothing may be kept."""
    keys = {
        (name, pk): content.key(name, pk, [getattr(of, v) for v in version], *parts)
        for name, (version, _count) in kinds.items()
        for pk, of in (versions or {}).items()
    }
    kept = content.kept_many(keys.values()) if keys else {}
    found, fresh_kept = {}, {}
    for name, (_version, count) in kinds.items():
        found[name] = {pk: kept[keys[name, pk]] for pk in ids if keys.get((name, pk)) in kept}
        missing = [pk for pk in ids if pk not in found[name]]
        if missing:
            fresh = count(missing)
            fresh_kept.update({keys[name, pk]: v for pk, v in fresh.items() if (name, pk) in keys})
            found[name].update(fresh)
    content.keep_many(fresh_kept, settings.DASHBOARD_CACHE_SECONDS)
    return found


def _project_counts(ids, versions, *, organisation, date_from, date_to, today) -> dict:
    """Each project's counts but parity's comments and supports, kept under its own version
    without them: after a write to one project, an organisation's dashboard counts that
    project's rows again and reads the others' counts (``dashboards.counts``)."""
    tz = timezone.get_current_timezone_name()
    parts = (organisation.parity_threshold, date_from, date_to, today, tz)
    count = functools.partial(
        count_projects,
        organisation=organisation,
        date_from=date_from,
        date_to=date_to,
        today=today,
        tallied=False,
    )
    name = "dashboards:counts"
    return _kept_per_project(ids, versions, parts, {name: (("steady",), count)})[name]


def _project_tallies(ids, versions, *, date_from, date_to) -> dict:
    """Each project's comments and supports by parity group, each tally kept under the
    project's version without the tallies and its own version: after a support only the
    supports are counted again, after a comment only the comments."""
    parts = (date_from, date_to, timezone.get_current_timezone_name())
    kinds = {
        f"dashboards:{tally}": (
            ("steady", tally),
            functools.partial(tally_counts, date_from=date_from, date_to=date_to, names=(tally,)),
        )
        for tally in TALLIED
    }
    counted = _kept_per_project(ids, versions, parts, kinds)
    return {
        pk: {tally: counted[f"dashboards:{tally}"][pk][tally] for tally in TALLIED} for pk in ids
    }


def _work_out(
    ids, *, organisation, date_from, date_to, today, versions=None, steady_key=None
) -> dict:
    """Work the figures out, in the organisation's time zone (which ``_figures`` sets): those
    that no support or comment changes, kept under ``steady_key``, and each project's comments
    and supports put in their parity."""
    figures = _kept_or(
        steady_key,
        lambda: _work_out_steady(
            ids,
            organisation=organisation,
            date_from=date_from,
            date_to=date_to,
            today=today,
            versions=versions,
        ),
    )
    tallies = _project_tallies(ids, versions, date_from=date_from, date_to=date_to)
    figures["parities"] = {
        pk: dataclasses.replace(parity, **tallies[pk]) for pk, parity in figures["parities"].items()
    }
    return figures


def _work_out_steady(ids, *, organisation, date_from, date_to, today, versions) -> dict:
    """Every figure but parity's comments and supports, from each project's counts."""
    counts = _project_counts(
        ids,
        versions,
        organisation=organisation,
        date_from=date_from,
        date_to=date_to,
        today=today,
    )
    return {
        "today": today,
        "date_from": date_from,
        "date_to": date_to,
        "parities": {pk: counts[pk].parity for pk in ids},
        "changes": _changes(ids, counts, date_from, date_to, today),
        "people": _people(ids, counts),
        "payments": _payments(ids, counts),
        **_due(ids, counts),
    }


def project_dashboard(
    project, *, date_from=None, date_to=None, today=None, as_loaded: bool = False
) -> dict:
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
    ``as_loaded``: the project's row was read by this request, so its versions are taken from
    it rather than read again.
    """
    figures = _figures(
        [project.pk],
        organisation=project.organisation,
        date_from=date_from,
        date_to=date_to,
        today=today,
        versions=content.versions_of([project]) if as_loaded else None,
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
    as_loaded: bool = False,
) -> dict:
    """An organisation's dashboard figures, over the projects this person may see.

    Managers see projects that are no longer drafts; admins and superusers see all
    (``projects``, when the caller has them already, from ``dashboard_projects``). With
    ``project_ids``, only those of them; ``as_loaded``: ``projects`` were read by this
    request, so their versions are taken from them. Keys: as ``project_dashboard``
    (``parity`` is the total of the projects), plus ``projects``: [{project, parity,
    changes: {total, overdue, implemented, median_days}, participants}] in title order.
    """
    if projects is None:
        projects = dashboard_projects(organisation, user=user)
    if project_ids is not None:
        projects = [project for project in projects if project.pk in set(project_ids)]
    ids = [project.pk for project in projects]
    figures = _figures(
        ids,
        organisation=organisation,
        date_from=date_from,
        date_to=date_to,
        today=today,
        versions=content.versions_of(projects) if as_loaded else None,
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
    # What the dashboards show of each (and their versions, which name what is kept).
    shown = ("title", "status", "group_threshold", *kept_pages.VERSIONS)
    projects = list(projects.only("organisation_id", *shown).order_by("title", "pk"))
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
