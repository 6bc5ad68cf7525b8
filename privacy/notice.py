"""The privacy notice's list of what Codesign holds of a person, read from what each app
declares in its ``personal_data.py``: so the notice cannot forget a kind of data the code keeps."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from codesign import personal_data


@dataclass(frozen=True)
class Kind:
    """One kind of personal data: what it is, what the download holds, what deleting the
    account does to it, and how long it is kept."""

    name: str
    about: str
    on_delete: str
    kept_for: list[str]


def _on_delete(action: personal_data.Action) -> str:
    if action.how == "delete":
        return _("Deleted.")
    if action.how == "redact":
        return _("Kept without your name or details that identify you.")
    return _("Kept, because %(why)s.") % {"why": action.why}


def _period(rule: personal_data.Retention) -> str:
    if rule.period is None:
        return str(capfirst(rule.label))
    count = getattr(settings, rule.period.setting)
    if rule.period.months_per_unit == 12:
        length = ngettext("%(count)d year", "%(count)d years", count) % {"count": count}
    else:
        length = ngettext("%(count)d month", "%(count)d months", count) % {"count": count}
    return _("%(what)s: after %(length)s.") % {"what": capfirst(rule.label), "length": length}


def kinds_of_personal_data() -> list[Kind]:
    """Every model that holds something of a person, as the notice lists it."""
    return [
        Kind(
            name=str(capfirst(declaration.model._meta.verbose_name_plural)),
            about=declaration.download.about if declaration.download else "",
            on_delete=_on_delete(declaration.erase),
            kept_for=[_period(rule) for rule in declaration.retain],
        )
        for declaration in personal_data.site.declarations()
    ]
