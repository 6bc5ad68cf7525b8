"""An idea's support and a contribution's comment count, drawn as they stand when served.

Supports and comments are the board's most frequent writes, and each changed every page of the
project. So a page that shows them draws each between marks (``support_marked``,
``comments_marked``) and keeps the rest of itself while only they change
(``Project.version_without``, ``codesign.kept_pages``); when the page is served, every marked
tally is drawn again from the contributions' counts and the person's own supports (``draw``: one
query for a page of cards, none where the view has the contribution loaded).

The marks are HTML comments: text people write is escaped on every page, so none of it can
make one. Whether the person may support an idea is drawn into the mark as it was decided for
the page (the person, their roles and the idea's state are all in the page's key).
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from django.urls import reverse
from django.utils import formats, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from codesign.drawing import drawn, escape

# A mark names the contribution and what the tally was drawn with (for a support: whether the
# person may support it, the count, whether they support it; for comments: the count), so that
# only the tallies that have changed are drawn again.
MARK = re.compile(r"<!--(support|comments):(\d+)((?::\d+)*)-->.*?<!--/\1-->", re.DOTALL)


@lru_cache(maxsize=4096)
def _said(language: str, count: int) -> dict[str, str]:
    """The tallies' words in ``language`` for ``count`` supports or comments, escaped: a page
    of twenty cards asks the catalogue for them once, not three times a card."""
    with translation.override(language):
        n = {"n": formats.localize(count)}
        said = {
            "support": _("Support"),
            "yours": " · " + _("including yours"),
            "on": _("on"),
            "supports": ngettext("%(n)s support", "%(n)s supports", count) % n,
            "comments": ngettext("%(n)s comment", "%(n)s comments", count) % n,
        }
    return {name: escape(words) for name, words in said.items()}


def said(count: int, language: str | None = None) -> dict[str, str]:
    """``_said`` in ``language``: the reader's, unless the caller has it already (a page of
    cards asks for it once, not three times a card)."""
    return _said(language or translation.get_language(), count)


@dataclass(frozen=True)
class Standing:
    """What a contribution's tallies show: its counts, and whether the person supports it."""

    pk: int
    project_id: int
    title: str
    support_count: int
    comment_count: int
    supported: bool


def support_html(
    c, can_support: bool, *, url: str | None = None, language: str | None = None
) -> SafeString:
    """An idea's support count and, where ``can_support``, the button to support it or take
    the support back (it submits the page's ``partials/support_form.html``; htmx swaps this
    part for the answer). ``url``: the support's address, where the caller has it. Drawn in
    Python, as the cards are (``codesign.drawing``): a board draws twenty. ``language``: the
    reader's, where the caller has it (``said``)."""
    supported = bool(getattr(c, "supported", False))
    words = said(c.support_count, language)
    button = ""
    if can_support:
        url = escape(url or reverse("contributions:support", args=[c.project_id, c.pk]))
        style, pressed, value = (
            ("btn-primary", "true", "0")
            if supported
            else (
                "btn-outline-primary",
                "false",
                "1",
            )
        )
        tick = '<span aria-hidden="true">✓</span> ' if supported else ""
        button = (
            f'<button type="submit" form="support-form" formaction="{url}" name="support" '
            f'value="{value}" id="support-button-{c.pk}" hx-post="{url}" '
            f'hx-target="#support-{c.pk}" hx-swap="outerHTML" hx-sync="this:drop" '
            f'class="btn btn-sm {style}" aria-pressed="{pressed}">{tick}{words["support"]}'
            f'<span class="visually-hidden"> “{escape(c.title)}”</span></button>'
        )
    yours = words["yours"] if supported else ""
    return drawn(
        f'<div id="support-{c.pk}" class="d-flex align-items-center flex-wrap gap-2">{button}'
        f'<span class="small">{words["supports"]}{yours}</span></div>'
    )


def support_marked(
    c, can_support: bool, *, url: str | None = None, language: str | None = None
) -> SafeString:
    """``support_html`` between the marks ``draw`` finds it by."""
    supported = int(bool(getattr(c, "supported", False)))
    return drawn(
        f"<!--support:{int(c.pk)}:{int(bool(can_support))}:{int(c.support_count)}:{supported}-->"
        f"{support_html(c, can_support, url=url, language=language)}<!--/support-->"
    )


def comments_marked(c, *, url: str | None = None, language: str | None = None) -> SafeString:
    """A card's link to its contribution's comments, saying how many there are, between the
    marks ``draw`` finds it by (``url``: the contribution's address, where the caller has
    it; ``language``: the reader's, where the caller has it)."""
    count = c.comment_count
    words = said(count, language)
    url = escape(url or reverse("contributions:contribution-detail", args=[c.project_id, c.pk]))
    return drawn(
        f'<!--comments:{int(c.pk)}:{int(count)}--><a href="{url}" class="small">'
        f'{words["comments"]}<span class="visually-hidden"> {words["on"]} '
        f"“{escape(c.title)}”</span></a><!--/comments-->"
    )


def marked_in(html: str) -> list[int]:
    """The contributions whose tallies the page shows."""
    return list({int(found.group(2)) for found in MARK.finditer(html)})


def draw(html: str, standings: dict[int, Standing]) -> str:
    """The page with each marked tally drawn as ``standings`` say, where it was drawn otherwise
    (a contribution no longer found is left as it was drawn: the page that showed it is stale
    and is worked out again on its next view)."""
    language = translation.get_language()

    def drawn(found):
        standing = standings.get(int(found.group(2)))
        if standing is None:
            return found.group(0)
        drawn_with = found.group(3).split(":")[1:]
        if found.group(1) == "comments":
            if drawn_with == [str(standing.comment_count)]:
                return found.group(0)
            return comments_marked(standing, language=language)
        can_support = drawn_with[:1] == ["1"]
        if drawn_with[1:] == [str(standing.support_count), str(int(standing.supported))]:
            return found.group(0)
        return support_marked(standing, can_support, language=language)

    return MARK.sub(drawn, html)
