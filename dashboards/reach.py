"""Reach: for each project, how its participants hear from it (by channel) and how many could
not be reached about its last session. Figures only, never names; each figure is shown by the
managers' disclosure rule (``codesign.disclosure``): a channel that fewer than 5 people use is
"fewer than 5", and no channel is shown where the others would give it away by subtraction.

"Could not be reached" counts the people on the last session's call list who were never ticked
as told: those told by phone or in person whom nobody told yet, and those whose message about
it failed for good (``sessions.calls``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext

from codesign import content
from codesign.disclosure import disclose, managers_threshold
from participants.models import Channel, ContactPreferences, Membership
from sessions.calls.models import CallListEntry
from sessions.models import WorkshopSession


@dataclass(frozen=True)
class Figure:
    """A count as a page may show it: the number, or "fewer than N", or not shown at all."""

    value: int
    shown: bool
    threshold: int

    @property
    def small(self) -> bool:
        return not self.shown and 0 < self.value < self.threshold

    def __str__(self) -> str:
        """As a table cell shows it (the reach table has hundreds: no template for each)."""
        if self.shown:
            return formats.localize(self.value)
        if self.small:
            return gettext("fewer than %(n)s") % {"n": formats.localize(self.threshold)}
        return gettext("not shown")


@dataclass
class LastSession:
    pk: int
    title: str
    not_reached: int = 0


@dataclass(frozen=True)
class Reach:
    project: object
    participants: int
    channels: list[tuple[str, Figure]]  # (channel label, figure), in Channel's order
    last_session: LastSession | None
    not_reached: Figure | None

    @property
    def cells(self) -> tuple:
        """The participants and each channel's figure, as the table's cells."""
        return (self.participants, *(figure for _label, figure in self.channels))


def _reach_sql(project_count: int) -> str:
    """The reach query, by project and channel: the people, how many of them are on the call
    list of their project's last session and were never told, and that session.

    A member's channel is their preference, else email if they have an address, else a phone
    call (``participants.contact.contact_for`` gives the same answer). Preferences are joined
    on the member's account, and only the accounts without an address are read: joined in
    full, every account of the organisation was read for it (18 ms of 28 at 200 projects).
    Names come from the models, quoted; every value is a parameter."""
    q = connection.ops.quote_name

    def table(model):
        return q(model._meta.db_table)

    def column(model, name):
        return q(model._meta.get_field(name).column)

    Session, Preferences, User = WorkshopSession, ContactPreferences, get_user_model()
    project_ids = ", ".join(["%s"] * project_count)
    # Each project's last session to have started: the first of its sessions, latest first.
    ranked = (
        f"SELECT {column(Session, 'project')} AS project_id, {column(Session, 'id')} AS id, "  # noqa: S608
        f"{column(Session, 'title')} AS title, ROW_NUMBER() OVER (PARTITION BY "
        f"{column(Session, 'project')} ORDER BY {column(Session, 'starts_at')} DESC, "
        f"{column(Session, 'id')} DESC) AS place FROM {table(Session)} "
        f"WHERE {column(Session, 'project')} IN ({project_ids}) "
        f"AND {column(Session, 'starts_at')} <= %s"
    )
    sessions = f"SELECT project_id, id, title FROM ({ranked}) r WHERE place = 1"  # noqa: S608
    untold = (
        f"SELECT DISTINCT e.{column(CallListEntry, 'membership')} AS membership_id, "  # noqa: S608
        f"ls.project_id AS project_id FROM {table(CallListEntry)} e "
        f"INNER JOIN latest_session ls ON ls.id = e.{column(CallListEntry, 'session')} "
        f"WHERE e.{column(CallListEntry, 'told_at')} IS NULL"
    )
    no_address = (
        f"SELECT {column(User, 'id')} AS id FROM {table(User)} "  # noqa: S608
        f"WHERE {column(User, 'email')} IS NULL OR {column(User, 'email')} = ''"
    )
    m = {name: column(Membership, name) for name in ("id", "project", "user", "status", "role")}
    # Grouped first, then each project's group joined to its last session (not every member).
    grouped = (
        f"SELECT m.{m['project']} AS project_id, "  # noqa: S608
        f"COALESCE(p.{column(Preferences, 'channel')}, "
        "CASE WHEN a.id IS NULL THEN %s ELSE %s END) AS channel, "
        "COUNT(*) AS people, COUNT(u.membership_id) AS not_reached "
        f"FROM {table(Membership)} m "
        f"LEFT JOIN {table(Preferences)} p ON p.{column(Preferences, 'person')} = m.{m['user']} "
        f"LEFT JOIN ({no_address}) a ON a.id = m.{m['user']} "
        f"LEFT JOIN ({untold}) u ON u.membership_id = m.{m['id']} "
        f"AND u.project_id = m.{m['project']} "
        f"WHERE m.{m['project']} IN ({project_ids}) AND m.{m['status']} = %s "
        f"AND m.{m['role']} = %s "
        "GROUP BY 1, 2"
    )
    # When the next of the projects' sessions starts: it becomes the last to have started.
    next_start = (
        f"SELECT MIN({column(Session, 'starts_at')}) FROM {table(Session)} "  # noqa: S608
        f"WHERE {column(Session, 'project')} IN ({project_ids}) "
        f"AND {column(Session, 'starts_at')} > %s"
    )
    return (
        f"WITH latest_session AS ({sessions}) "  # noqa: S608
        "SELECT g.project_id, g.channel, g.people, g.not_reached, ls.id, ls.title, "
        f"({next_start}) FROM ({grouped}) g "
        "LEFT JOIN latest_session ls ON ls.project_id = g.project_id"
    )


class ReachTable(Sequence):
    """Each project's ``Reach``, made when first asked for (a table drawn from the cache, under
    ``key``, never asks), and the key naming what they show (None: nothing may be kept)."""

    def __init__(self, key: str | None, make):
        self.key = key
        self._make = make

    @cached_property
    def rows(self) -> list[Reach]:
        return self._make()

    def __getitem__(self, index):
        if isinstance(index, str):  # a template asking for ``reach.key`` tries this first
            raise TypeError(index)
        return self.rows[index]

    def __len__(self) -> int:
        return len(self.rows)


def reach_of(projects, *, as_loaded: bool = False) -> ReachTable:
    """The reach of each project, in the order given: one query however many, kept under the
    projects' versions without the tallies (memberships, contact preferences, addresses, call
    lists and sessions all raise them) until the next of their sessions starts (the last
    session to have started is the one counted). ``as_loaded``: the projects' rows were read
    by this request: their versions are taken from them."""
    projects = list(projects)
    ids = [project.pk for project in projects]
    now = timezone.now()
    key = None
    if ids and content.may_keep():
        versions = content.versions_of(projects) if as_loaded else content.versions(ids)
        if len(versions) == len(set(ids)):
            steady = sorted((pk, of.steady) for pk, of in versions.items())
            key = content.key("dashboards:reach-counts", steady)
    until, (counts, last) = content.kept_until(
        key, now, lambda: _counted(ids, now), settings.DASHBOARD_CACHE_SECONDS
    )
    return ReachTable(
        f"{key}:{until and until.isoformat()}" if key else None,
        lambda: [
            _reach(project, counts.get(project.pk, {}), last.get(project.pk))
            for project in projects
        ],
    )


def _counted(ids, now) -> tuple:
    """(when the next of these projects' sessions starts, or None; ({project id: {channel:
    people}}, {project id: LastSession})), in one query."""
    counts: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    last: dict[int, LastSession] = {}
    if not ids:
        return None, (counts, last)
    params = [
        *ids,  # the last sessions
        now,
        *ids,  # the next start
        now,
        Channel.EMAIL,  # the members grouped
        Channel.PHONE_CALL,
        *ids,
        Membership.Status.ACTIVE,
        Membership.Role.PARTICIPANT,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_reach_sql(len(ids)), params)
        rows = cursor.fetchall()
    until = None
    for project_id, channel, people, not_reached, session_id, title, next_start in rows:
        counts[project_id][channel] = people
        until = _moment(next_start)
        if session_id is not None:
            session = last.setdefault(project_id, LastSession(session_id, title))
            session.not_reached += not_reached
    return until, (counts, last)


def _moment(value) -> datetime | None:
    """A time from a raw query: SQLite gives it as text, in UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _reach(project, counts: dict[str, int], session) -> Reach:
    threshold = managers_threshold(project.group_threshold)
    choices = Channel.choices
    sizes = {value: counts.get(value, 0) for value, _label in choices}
    disclosure = disclose(sizes, threshold=threshold)
    channels = [
        (label, Figure(sizes[value], disclosure.shown(value), threshold))
        for value, label in choices
    ]
    not_reached = None
    if session is not None:
        count = session.not_reached
        not_reached = Figure(count, not 0 < count < threshold, threshold)
    return Reach(project, sum(sizes.values()), channels, session, not_reached)
