"""What other apps do when a person leaves a project or tells new access needs.

``participants`` sits below ``sessions`` and ``contributions`` in the house, so those apps
register their part here (from their ``AppConfig.ready``) rather than being imported.
"""

from collections.abc import Callable

_on_leaving: list[Callable] = []
_on_access_needs_saved: list[Callable] = []


def register_on_leaving(take_back: Callable) -> None:
    """Declare what leaving a project takes back: ``take_back(membership=, now=)`` runs in the
    transaction that withdraws the person."""
    if take_back not in _on_leaving:
        _on_leaving.append(take_back)


def register_on_access_needs_saved(react: Callable) -> None:
    """Declare what follows a change of access needs: ``react(membership=, before=, after=)``
    with the person's needs before (or None) and after, in the saving transaction."""
    if react not in _on_access_needs_saved:
        _on_access_needs_saved.append(react)


def leaving_take_back(*, membership, now) -> None:
    for take_back in _on_leaving:
        take_back(membership=membership, now=now)


def access_needs_saved(*, membership, before, after) -> None:
    for react in _on_access_needs_saved:
        react(membership=membership, before=before, after=after)
