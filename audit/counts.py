"""Entries whose count moves: a burst of refusals (``RefusalBurst``, here), a token's API calls
(``api.ApiCallBurst``). Each is a one-to-one row beside its entry with ``count`` and
``last_at``; an app names its row's relation here (from its ``AppConfig.ready``), and the log
reads them with its entries, in the same query, without importing the app."""

COUNTED_RELATIONS = ["burst"]


def register_count(related_name: str) -> None:
    """Show this one-to-one relation's ``count`` and ``last_at`` beside its entries."""
    if related_name not in COUNTED_RELATIONS:
        COUNTED_RELATIONS.append(related_name)
