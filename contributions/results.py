"""The board's results (filters, count, cards, pages), kept until the project's content changes.

Between two views of a board nothing usually changes, yet working out a page of it takes five
queries and rendering twenty cards. So ``BoardView`` keeps the results it renders under
``key``: the project's content version (``codesign.content``: raised by every committed write to
what the board shows) with everything else the results depend on: the person (whose cards and
supports they show, by their roles), whether they may add, the filters and page asked for, the
language and the time zone. They are rendered without the request, so they hold no form token
(the support buttons submit the page's one support form, ``partials/support_form.html``).
"""

from django.utils import timezone, translation

from codesign import content, permissions

TEMPLATE = "contributions/partials/board_results.html"
# What the results depend on in the URL (anything else in it changes nothing).
PARAMETERS = ("kind", "stage", "tag", "status", "q", "sort", "page")
# Entries are never stale (the key names the project's content version); this only bounds the
# room they take: each write to a busy board leaves every page kept before it unasked for, one
# per person, filter and page, so they go within minutes.
KEEP_SECONDS = 10 * 60


def key(project, user, query, *, can_add: bool) -> str:
    """The cache key of these results (``project`` as loaded at the start of the request)."""
    return content.key(
        "board-results",
        project.pk,
        project.content_version,
        user.pk,
        sorted(permissions.project_roles(user, project)),
        can_add,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        # Longer than any filter the board reads, so two different ones never share a key.
        tuple(query.get(name, "")[:200] for name in PARAMETERS),
    )
