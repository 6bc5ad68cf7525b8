"""The board's results (filters, count, cards, pages), kept until the project's content changes.

Between two views of a board nothing usually changes, yet working out a page of it takes five
queries and drawing twenty cards. So ``BoardView`` keeps the results it renders under
``key``: the project's content version (``codesign.content``: raised by every committed write to
what the board shows) with everything else the results depend on: the person (whose cards they
show, by their roles), whether they may add, the filters and page asked for, the language and
the time zone. They are rendered without the request, so they hold no form token (the support
buttons submit the page's one support form, ``partials/support_form.html``).

Each idea's support and each card's comment count are drawn as they stand when the page is
served (``contributions.tallies``), so the results are kept while only supports and comments
change (``Project.version_without``; ordered by supports, only while comments change). And they
are kept for everyone with the same roles (``key`` without a person): what differs from one
person to another on a page none of whose cards is theirs is only their own supports, which are
drawn for each. A person with a card of their own on the page ("Yours") has their own results.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation

from codesign import content, permissions

from . import cards

TEMPLATE = "contributions/partials/board_results.html"
# What the results depend on in the URL (anything else in it changes nothing).
PARAMETERS = ("kind", "stage", "tag", "status", "q", "sort", "page")


def drawn_when_served(query) -> tuple[str, ...]:
    """The tallies the board draws when it is served, which its results are kept without:
    supports and comments, but ordered by supports, a support can move every card."""
    return ("comments",) if query.get("sort") == "supported" else ("supports", "comments")


def key(project, user, query, *, can_add: bool, shared: bool = False) -> str:
    """The cache key of these results (``project`` as loaded at the start of the request):
    the person's own, or (``shared``) those of everyone with the same roles."""
    return content.key(
        "board-results-shared" if shared else "board-results",
        project.pk,
        drawn_when_served(query),
        project.version_without(drawn_when_served(query)),
        None if shared else user.pk,
        sorted(permissions.project_roles(user, project)),
        can_add,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        # Longer than any filter the board reads, so two different ones never share a key.
        tuple(query.get(name, "")[:200] for name in PARAMETERS),
    )


@dataclass(frozen=True)
class Shared:
    """Results for everyone with the same roles, and who wrote their cards (a person with a
    card of their own on the page has results of their own)."""

    html: str
    authors: frozenset[int]


def render_cards(context: dict, user) -> list[str]:
    """Each card of the page, drawn (``contributions.cards``: drawing a card costs less than
    keeping it did, so cards are not kept one by one)."""
    page = cards.Page(user, context["project"].pk)
    return [page.card(c, can_support=page.may_support(c)) for c in context["contributions"]]


def render(context: dict, user) -> str:
    """The results as ``user`` sees them."""
    return render_to_string(TEMPLATE, {**context, "cards": render_cards(context, user)})


def render_shared(context: dict, user) -> Shared:
    """The results for everyone with ``user``'s roles (none of whose cards is ``user``'s)."""
    return Shared(
        html=render(context, user),
        authors=frozenset(c.author.user_id for c in context["contributions"]),
    )
