"""Panels other apps add to the dashboards, so that dashboards import none of them.

An app registers a function from its ``AppConfig.ready`` (as ``reports`` does for its panel
of recent reports); each dashboard page adds what every registered function returns to its
context: ``context_of(user=, organisation=, project=None, filters=)`` returns a dict.
"""

from collections.abc import Callable

_panels: list[Callable[..., dict]] = []


def register_dashboard_panel(context_of: Callable[..., dict]) -> None:
    """Declare a panel's context for every dashboard page."""
    if context_of not in _panels:
        _panels.append(context_of)


def dashboard_panels(*, user, organisation, project=None, filters: dict | None = None) -> dict:
    """The context of every registered panel, for one dashboard page."""
    context: dict = {}
    for context_of in _panels:
        context.update(
            context_of(user=user, organisation=organisation, project=project, filters=filters)
        )
    return context
