"""The board's results (filters, count, cards, pages), rendered once and kept until the
project changes.

Between two views of a board nothing usually changes, yet working out a page of it takes
six queries and rendering twenty cards. So the results are kept under the project's token
(``dashboards.freshness``), which every write to what the board shows renews once it
commits: contributions, their tags, comments and supports, tags, stages, members (their
names and roles) and the project itself. The key also names everything else the results
depend on: the person (whose cards and supports they show, by their roles), whether they may
add, the filters and page asked for, the language, the time zone and the code's release.

The results are rendered without the request, so they hold no form token (the support
buttons submit the page's one support form, ``partials/support_form.html``). A page read
in a transaction that has written to a project is worked out afresh: its writes get the
project a new token only once they commit.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from codesign import permissions, release
from dashboards import freshness

TEMPLATE = "contributions/partials/board_results.html"
# What the results depend on in the URL (anything else in it changes nothing).
PARAMETERS = ("kind", "stage", "tag", "status", "q", "sort", "page")
# Entries are never stale (the key names the project's token); this only bounds the room
# they take: each write to a busy board leaves every page kept before it unasked for, one
# per person, filter and page, so they go within minutes (cards, shared by everyone and
# changing rarely, are kept for a day).
KEEP_SECONDS = 10 * 60


def key(project, user, query, *, can_add: bool) -> str | None:
    """The cache key of these results, or None when they must be worked out afresh."""
    token = getattr(project, "figures_token", None)
    if token is None or freshness.renewal_pending():
        return None
    parts = (
        release.fingerprint(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        project.pk,
        str(token),
        user.pk,
        sorted(permissions.project_roles(user, project)),
        can_add,
        # Longer than any filter the board reads, so two different ones never share a key.
        tuple(query.get(name, "")[:200] for name in PARAMETERS),
    )
    return "board-results:" + hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


def rendered(project, user, query, *, can_add: bool, work_out) -> SafeString:
    """The results for this person and query: kept, or rendered from ``work_out()`` (the
    template's context) and kept."""
    cache_key = key(project, user, query, can_add=can_add)
    html = cache.get(cache_key) if cache_key else None
    if html is None:
        context = {**work_out(), "project": project, "user": user, "can_add": can_add}
        html = render_to_string(TEMPLATE, context)
        if cache_key:
            cache.set(cache_key, html, KEEP_SECONDS)
    # Rendered by the template, which escapes what people wrote; kept as text.
    return mark_safe(html)  # noqa: S308
