"""The project's latest closed prioritisation rounds, as managers may see them.

Managers keep their own, stricter threshold (codesign.disclosure.managers_threshold) and a round
declared open gets no exception here: a group's dots are shown only when at least 5 of its
people voted, and never when they would give a smaller group away.
"""

from contributions.models import PrioritisationRound
from contributions.rounds.selectors import round_results
from contributions.rounds.tables import results_table

# The dashboard shows the latest few; the project's rounds page has them all.
LATEST = 3


def closed_rounds(project, *, limit: int | None = LATEST):
    rounds = PrioritisationRound.objects.filter(
        project=project, status=PrioritisationRound.Status.CLOSED
    ).order_by("-closed_at", "-pk")
    return rounds[:limit] if limit else rounds


def round_tables(project, *, limit: int | None = LATEST) -> list[dict]:
    """Each closed round's results table at the managers' threshold, newest first."""
    tables = []
    for prioritisation_round in closed_rounds(project, limit=limit):
        prioritisation_round.project = project
        results = round_results(prioritisation_round, for_managers=True)
        header, rows = results_table(results)
        tables.append(
            {"round": prioritisation_round, "results": results, "header": header, "rows": rows}
        )
    return tables
