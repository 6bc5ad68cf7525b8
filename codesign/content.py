"""The project content version: a number on each project, raised whenever something its pages
show changes, that names what the cache keeps for those pages.

Apps declare which of their models change a project's pages (``register_project_content``,
from their ``AppConfig.ready``); every save, delete or many-to-many link of such a row raises
the version of its project, and the bulk updates in services, which send no signals, call
``project_content_changed`` themselves. What is kept for a project's pages (dashboard figures,
board results) is keyed on its version and the code's release (``key``), so after a change
the next request misses and works the page out afresh, and nothing ever needs clearing.

The version is raised once the write commits: a request that read the old version and the old
data can only keep what it works out under the old version, which no later request asks for.
Until then the connection that wrote sees data no version names yet, so a connection inside a
transaction neither reads nor keeps anything (``may_keep``). Requests run in autocommit
(``ATOMIC_REQUESTS`` is off), so they keep and read what is kept; a service's own transaction,
or a test inside one, works everything out.
"""

import hashlib
from collections.abc import Callable, Iterable
from typing import NamedTuple

from django.apps import apps
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import release, rows

# A model's rows, to the ids of the projects whose pages they change: a callable returning
# ids or a queryset of ids, read once the write has committed.
ProjectsOf = Callable[[models.Model], Iterable[int] | models.QuerySet]

_projects_of: dict[type[models.Model], ProjectsOf] = {}


class WrittenByTheDatabase:
    """A column the database alone writes once the row exists (``F() + 1``, a count): saving a
    row loaded before it changed leaves the column as it is, rather than writing back the
    older number."""

    def pre_save(self, model_instance, add):
        if add:
            return super().pre_save(model_instance, add)
        return models.F(self.attname)


class ContentVersionField(WrittenByTheDatabase, models.PositiveBigIntegerField):
    """A version raised only in the database."""


class ContentCountField(WrittenByTheDatabase, models.PositiveIntegerField):
    """How many of some rows a project holds, counted again by the database after each change
    of its content (``register_content_count``)."""


# Counts of a project's rows kept on the project, each counted again after a change of its
# content (``register_content_count``).
_recounts: list[Callable] = []


def register_content_count(recount: Callable) -> None:
    """Keep a count of a project's rows on the project: ``recount(project_ids)`` (ids, or a
    queryset of them) counts it again after each change of the projects' content but a
    tally's, in the transaction that raises the version and after it. The raise locks the
    projects' rows, so the count is a statement after the lock and sees every write committed
    before it: of two writes at once, the count made last counts both."""
    if recount not in _recounts:
        _recounts.append(recount)


def project_content_changed(project_ids, *, tally: str | None = None) -> None:
    """Raise these projects' content versions once the current transaction commits (and
    count again what is counted on them: ``register_content_count``).

    ``project_ids``: ids, or a queryset of project ids (read at the commit, so it may reach
    the project through rows that stay when the ones written are deleted). ``tally``: the
    write changed only supports (``"supports"``) or comments (``"comments"``), so that tally's
    version is raised with the content version, in the same statement
    (``Project.version_without`` it stays as it was)."""
    if not isinstance(project_ids, models.QuerySet):
        project_ids = list(project_ids)
    raised = {"content_version": models.F("content_version") + 1}
    if tally is not None:
        raised[f"{tally}_version"] = models.F(f"{tally}_version") + 1

    def raise_versions():
        Project = apps.get_model("projects", "Project")
        raising = Project.objects.filter(pk__in=project_ids)
        if tally is not None or not _recounts:
            raising.update(**raised)  # one statement: nothing is counted again
            return
        with transaction.atomic():
            raising.update(**raised)  # locks the rows: the counts see what committed before
            for recount in _recounts:
                recount(project_ids)

    transaction.on_commit(raise_versions)


def register_project_content(
    model: type[models.Model],
    project_of: str | ProjectsOf = "project_id",
    *,
    links: Iterable[str] = (),
    tally: str | None = None,
    fields: Iterable[str] | None = None,
) -> None:
    """Declare that saving or deleting a row of ``model``, or linking it through its
    many-to-many fields named in ``links``, changes what its project's pages show.

    ``project_of``: how a row reaches its project's id: a field path (``"project_id"``,
    ``"pk"`` for a project, ``"session__project_id"`` through a foreign key) or a callable.
    A link changes the project of the row it is made from, on either side, so both models of
    a link are declared. ``tally``: the model's rows are supports or comments (``"supports"``,
    ``"comments"``), which pages that draw them when served, or show none, are not worked out
    again for (``Project.version_without``). ``fields``: only these of the model's fields show
    on the pages, so a save naming others alone (``update_fields``: a sign-in's ``last_login``)
    raises nothing."""
    projects_of = project_of if callable(project_of) else _follow(model, project_of)
    shown = frozenset(fields) if fields is not None else None
    _projects_of[model] = projects_of
    uid = f"project-content-{model._meta.label}"

    def changed(sender, instance, raw=False, update_fields=None, **kwargs):
        if raw:  # loaddata
            return
        if shown is not None and update_fields is not None and not shown & set(update_fields):
            return
        project_content_changed(projects_of(instance), tally=tally)

    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    for name in links:
        through = model._meta.get_field(name).remote_field.through
        m2m_changed.connect(_linked, sender=through, weak=False, dispatch_uid=uid)


def _linked(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        project_content_changed(_projects_of[type(instance)](instance))


def _follow(model: type[models.Model], path: str) -> ProjectsOf:
    """The project ids a field path names: read on the row itself, or through the row its
    first foreign key points to (which stays when the row itself is deleted)."""
    first, _, rest = path.partition("__")
    if not rest:
        return lambda instance: [getattr(instance, first)]
    field = model._meta.get_field(first)
    related = field.related_model._default_manager
    return lambda instance: related.filter(pk=getattr(instance, field.attname)).values(rest)


# What is kept is never stale (its key names what it shows); this only bounds the room it takes.
KEEP_SECONDS = 10 * 60


def may_keep() -> bool:
    """Whether this connection may read and keep what is kept under content versions: not
    inside a transaction, which may hold writes that no version names yet."""
    return transaction.get_autocommit()


class Versions(NamedTuple):
    """A project's content version, its version without the tallies (supports and comments):
    the one what shows no tally is kept under (``Project.version_without``), and each tally's
    own version (what counts only supports is kept under ``steady`` and ``supports``)."""

    content: int
    steady: int
    supports: int
    comments: int


def versions(project_ids) -> dict[int, Versions]:
    """The versions of each of these projects, in one query."""
    Project = apps.get_model("projects", "Project")
    rows = Project.objects.filter(pk__in=project_ids).values_list(
        "pk", "content_version", "supports_version", "comments_version"
    )
    return {
        pk: Versions(content, content - supports - comments, supports, comments)
        for pk, content, supports, comments in rows
    }


def versions_of(projects) -> dict[int, Versions]:
    """The versions of these projects as loaded (rows read in this request: no query)."""
    return {
        project.pk: Versions(
            project.content_version,
            project.version_without(("supports", "comments")),
            project.supports_version,
            project.comments_version,
        )
        for project in projects
    }


def key(name: str, *parts) -> str:
    """The cache key of ``name`` for ``parts`` (content versions, and anything else what is
    kept depends on) under the running release."""
    digest = hashlib.blake2b(repr((release.current(), parts)).encode(), digest_size=20)
    return f"{name}:{digest.hexdigest()}"


def kept(cache_key: str):
    """What is kept under ``cache_key``, or None (always None inside a transaction)."""
    return cache.get(cache_key) if may_keep() else None


def kept_until(cache_key: str | None, now, work_out, seconds: int) -> tuple:
    """(until, value): what is kept under ``cache_key`` while ``now`` is before the moment it
    holds until (None: for as long as the key), or else ``work_out()``'s (until, value), kept
    under the key until that moment (no longer than ``seconds``). For what the data names and
    the clock ends: the next sessions, until the first is over. No key: worked out, not kept."""
    found = kept(cache_key) if cache_key else None
    if found is not None and (found[0] is None or now < found[0]):
        return found
    until, value = work_out()
    if until is not None:
        seconds = min(seconds, int((until - now).total_seconds()))
    if cache_key and seconds > 0:
        keep(cache_key, (until, value), seconds)
    return until, value


def kept_many(cache_keys) -> dict:
    """What is kept under each of these keys that has something, in one round trip (nothing
    inside a transaction)."""
    return cache.get_many(list(cache_keys)) if may_keep() else {}


def keep_many(values: dict, seconds: int) -> None:
    """Keep each value under its key, in one round trip (not from inside a transaction)."""
    if values and may_keep():
        cache.set_many(values, seconds)


# Rows read under a project's version, remembered in this process (``remembered``): by the
# database, the read's query, its values and the version; bounded, as each version makes new
# ones.
_remembered: dict[tuple, tuple] = {}
REMEMBERED = 500


def remembered(read: rows.Read, *version) -> rows.Read:
    """``read``, whose rows are remembered in this process under ``version`` (what names them
    beyond the read's query and values: a project's version, and its creation, since ids are
    given again after a database is emptied): asked again under the same version, the rows
    remembered are loaded afresh, and nothing is asked of the database. For rows each page
    worked out reads and few writes change (a project's stages, tags and journey steps:
    one round trip of a board worked out). The rows are the database's tuples, shared; what
    they become (``take``) is each request's own. Inside a transaction, always read."""
    if read.sql is None or not may_keep():
        return read
    key = (read.connection.alias, read.sql, repr(read.params), version)
    found = _remembered.get(key)
    if found is not None:
        return rows.Read(None, None, None, lambda _nothing: read.take(list(found)))

    def take(found):
        if len(_remembered) >= REMEMBERED:
            _remembered.clear()
        _remembered[key] = tuple(found)
        return read.take(found)

    return rows.Read(read.connection, read.sql, read.params, take)


def forget_remembered() -> None:
    """Forget every read remembered in this process (for tests, as the cache is emptied)."""
    _remembered.clear()


def keep(cache_key: str, value, seconds: int) -> None:
    """Keep ``value`` under ``cache_key`` (not from inside a transaction). Entries are never
    stale, since their key names what they show; ``seconds`` only bounds the room they take."""
    if may_keep():
        cache.set(cache_key, value, seconds)
