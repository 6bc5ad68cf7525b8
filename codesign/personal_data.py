"""What each app holds of a person, declared beside its models and read by ``privacy``.

As ``django.contrib.admin`` learns of models without importing them (``admin.site.register``
in each app's ``admin.py``, found by ``autodiscover``), each app declares every model it has
in its own ``personal_data.py``: ``register(Model, ...)`` for one that holds something of a
person, ``holds_none(Model, ...)`` for one that holds nothing of anyone. The privacy app
imports those modules when Django starts (``autodiscover_modules("personal_data")``) and
builds a person's download, deletes their account and runs the retention purge from what
they declare; ``tests/privacy/test_declarations.py`` fails for a model that declares nothing.

A declaration says:

- ``person``: which rows belong to a person, as the lookup from the model to their user row
  (``"membership__user"``), or a function of the user returning those rows;
- ``download``: how the rows appear in the person's download (a ``Section``), or nothing;
- ``erase``: what deleting the person's account does to their rows: ``delete()``,
  ``redact({field: value, ...})`` (``PSEUDONYM`` stands for the name the deleted account keeps)
  or ``keep("why")``;
- ``retain``: retention rules (``Retention``), each counting a period setting from a date;
- ``also_names``: the model's other fields that point to someone's account (who recorded or
  added a row). They stay, and name a deleted account by its pseudonym alone.

The core imports no app: models reach it as arguments.
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class _Placeholder:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


# In ``redact``: the name a deleted account keeps, cut to the field's length.
PSEUDONYM = _Placeholder("PSEUDONYM")


def when(value) -> str:
    """A date or time as the download writes it: ISO 8601, or empty."""
    return value.isoformat() if value else ""


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day if the
    day does not exist there)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass(frozen=True)
class Action:
    """What happens to rows: deleted, some fields overwritten, or kept (and why).

    ``where`` narrows the rows it acts on (an account's experiences, not its ideas); the rest
    are kept, for ``why``.
    """

    how: str
    where: models.Q = field(default_factory=models.Q)
    values: dict[str, Any] = field(default_factory=dict)
    why: str = ""

    def apply(self, rows: models.QuerySet, *, pseudonym: str = "") -> int:
        """Carry the action out on the rows it concerns; return how many it changed."""
        rows = rows.filter(self.where)
        if self.how == "delete":
            return rows.delete()[0]
        if self.how == "redact":
            opts = rows.model._meta
            return rows.update(
                **{
                    name: pseudonym[: opts.get_field(name).max_length]
                    if value is PSEUDONYM
                    else value
                    for name, value in self.values.items()
                }
            )
        return 0


def delete(*, where: models.Q | None = None, why: str = "") -> Action:
    """The rows are deleted (those ``where`` says; the others are kept, for ``why``)."""
    return Action("delete", where=where or models.Q(), why=why)


def redact(values: dict[str, Any], *, where: models.Q | None = None, why: str = "") -> Action:
    """The rows stay with these fields overwritten (``PSEUDONYM``: the account's new name)."""
    if not values:
        raise ImproperlyConfigured("redact() needs the fields it overwrites.")
    return Action("redact", where=where or models.Q(), values=dict(values), why=why)


def keep(why: str) -> Action:
    """The rows stay as they are, for this reason."""
    if not why:
        raise ImproperlyConfigured("keep() needs the reason the rows are kept.")
    return Action("keep", why=why)


@dataclass(frozen=True)
class Period:
    """A retention period: a setting holding a number of months or years."""

    setting: str
    months_per_unit: int

    def cutoff(self, now: datetime) -> datetime:
        return months_before(now, self.months_per_unit * getattr(settings, self.setting))


def months(setting: str) -> Period:
    return Period(setting, 1)


def years(setting: str) -> Period:
    return Period(setting, 12)


def after_close(project: str) -> dict:
    """A retention rule's ``age`` and ``where`` for rows counted from their project's close
    (``project``: the lookup to it). A project opened again is not closed, whenever it last
    was."""
    closed = apps.get_model("projects", "Project").Status.CLOSED
    return {
        "age": f"{project}__closed_at",
        "where": models.Q(**{f"{project}__status": closed}),
        "organisation": f"{project}__organisation",
    }


@dataclass(frozen=True)
class Retention:
    """Rows ``where`` whose ``age`` (a date's lookup) is older than ``period`` are purged by
    ``then``: an ``Action``, or ``then(rows, now)`` returning how many it purged.

    ``exclude`` names rows already purged, so that a second run counts nothing; ``due(now)``
    replaces the period for rows whose time is written on them (a report's expiry). ``kind``
    names the rule in the purge's counts, ``label`` in the command's output. ``organisation``
    is the lookup to the organisation the rows belong to, for its admins' preview of the next
    run (empty for rows of no organisation).
    """

    kind: str
    label: str
    then: Action | Callable[[models.QuerySet, datetime], int]
    period: Period | None = None
    age: str = ""
    where: models.Q = field(default_factory=models.Q)
    exclude: models.Q | None = None
    due: Callable[[datetime], models.QuerySet] | None = None
    model: type[models.Model] | None = None
    organisation: str = ""

    def rows(self, now: datetime) -> models.QuerySet:
        """The rows past their retention period at ``now``."""
        if self.due is not None:
            return self.due(now)
        cutoff = {f"{self.age}__lt": self.period.cutoff(now)}
        rows = self.model._default_manager.filter(self.where, **cutoff)
        return rows if self.exclude is None else rows.exclude(self.exclude)

    def rows_of(self, organisation, now: datetime) -> models.QuerySet | None:
        """The rows of one organisation past their period, or None if the rule cannot tell."""
        if not self.organisation:
            return None
        return self.rows(now).filter(**{self.organisation: organisation})

    def purge(self, now: datetime) -> int:
        """Purge what is past its period; return how many rows it purged."""
        rows = self.rows(now)
        if isinstance(self.then, Action):
            return self.then.apply(rows)
        return self.then(rows, now)


@dataclass(frozen=True)
class Section:
    """How a model's rows appear in the person's download.

    ``name`` is the section's key in ``data.json`` and its file's name; ``account.<key>``
    places it inside the account. ``about`` says in one line what it holds, for the download's
    README. Each row becomes ``row(obj)`` (read with ``related`` joined, in ``order_by``) and
    the list ``collect(list)``; ``read(user)`` instead gives the whole section from the user
    row itself.
    """

    name: str
    about: str
    row: Callable[[Any], Any] | None = None
    related: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ("pk",)
    collect: Callable[[list], Any] = list
    read: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Declaration:
    """What one model holds of a person (see the module's docstring)."""

    model: type[models.Model]
    person: str | Callable[[Any], models.QuerySet]
    erase: Action
    download: Section | None = None
    retain: tuple[Retention, ...] = ()
    also_names: tuple[str, ...] = ()

    def rows(self, user) -> models.QuerySet:
        """The rows that belong to the person."""
        if callable(self.person):
            return self.person(user)
        return self.model._default_manager.filter(**{self.person: user.pk})

    def section(self, user) -> Any:
        """The person's rows as their download shows them."""
        download = self.download
        if download.read is not None:
            return download.read(user)
        rows = self.rows(user).select_related(*download.related).order_by(*download.order_by)
        return download.collect([download.row(obj) for obj in rows])


class Registry:
    """Every app's declarations, in the order of ``INSTALLED_APPS`` and of each module."""

    def __init__(self):
        self._declarations: dict[type[models.Model], Declaration] = {}
        self._none: list[type[models.Model]] = []

    def _claim(self, model: type[models.Model]) -> None:
        if self.is_declared(model):
            raise ImproperlyConfigured(f"{model._meta.label} is declared twice.")

    def register(
        self,
        model: type[models.Model],
        *,
        person: str | Callable[[Any], models.QuerySet],
        erase: Action,
        download: Section | None = None,
        retain: tuple[Retention, ...] = (),
        also_names: tuple[str, ...] = (),
    ) -> None:
        """Declare what a model holds of a person."""
        self._claim(model)
        kinds = {rule.kind for rule in self.retention_rules()}
        for rule in retain:
            if rule.kind in kinds:
                raise ImproperlyConfigured(f"Two retention rules are called {rule.kind!r}.")
        self._declarations[model] = Declaration(
            model=model,
            person=person,
            erase=erase,
            download=download,
            retain=tuple(replace(rule, model=model) for rule in retain),
            also_names=tuple(also_names),
        )

    def holds_none(self, *models_: type[models.Model]) -> None:
        """Declare models that hold nothing of anyone."""
        for model in models_:
            self._claim(model)
            self._none.append(model)

    def is_declared(self, model: type[models.Model]) -> bool:
        return model in self._declarations or model in self._none

    def declaration(self, model: type[models.Model]) -> Declaration | None:
        """What the model holds of a person; None if it holds nothing or declares nothing."""
        return self._declarations.get(model)

    def declarations(self) -> list[Declaration]:
        return list(self._declarations.values())

    def sections(self) -> list[Declaration]:
        """The declarations that appear in a person's download, in order."""
        return [d for d in self._declarations.values() if d.download is not None]

    def retention_rules(self) -> list[Retention]:
        """Every retention rule, in the order they are purged."""
        return [rule for d in self._declarations.values() for rule in d.retain]


site = Registry()
register = site.register
holds_none = site.holds_none
