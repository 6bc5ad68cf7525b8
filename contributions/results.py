"""The board's results (filters, count, cards, pages), kept until the project's content changes.

Between two views of a board nothing usually changes, yet working out a page of it takes five
queries and rendering twenty cards. So ``BoardView`` keeps the results it renders under
``key``: the project's content version (``codesign.content``: raised by every committed write to
what the board shows) with everything else the results depend on: the person (whose cards and
supports they show, by their roles), whether they may add, the filters and page asked for, the
language and the time zone. They are rendered without the request, so they hold no form token
(the support buttons submit the page's one support form, ``partials/support_form.html``).

Results are also kept for everyone with the same roles (``key`` without a person): on a busy
board each write makes every person's kept page stale, and people taking turns would each work
it out again. What differs from one person to another on a page none of whose cards is theirs is
only whether they support each idea: those results are kept with the support of each idea drawn
both ways (``Shared``), and a person's page is put together from them and the ideas they
support (one query). A person with a card of their own on the page has their own results.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation

from codesign import content, permissions

from .templatetags.contributions import author_name, is_by

TEMPLATE = "contributions/partials/board_results.html"
CARD_TEMPLATE = "contributions/partials/card.html"
SUPPORT_TEMPLATE = "contributions/partials/support.html"
# What the results depend on in the URL (anything else in it changes nothing).
PARAMETERS = ("kind", "stage", "tag", "status", "q", "sort", "page")
# Entries are never stale (the key names the project's content version); this only bounds the
# room they take: each write to a busy board leaves every page kept before it unasked for, one
# per person, filter and page, so they go within minutes.
KEEP_SECONDS = 10 * 60
# Where shared results mark each idea's support (card.html), to draw it for each person.
SUPPORT_MARK = re.compile(r"<!--support:(\d+)-->(.*?)<!--/support-->", re.DOTALL)


def key(project, user, query, *, can_add: bool, shared: bool = False) -> str:
    """The cache key of these results (``project`` as loaded at the start of the request):
    the person's own, or (``shared``) those of everyone with the same roles."""
    return content.key(
        "board-results-shared" if shared else "board-results",
        project.pk,
        project.content_version,
        None if shared else user.pk,
        sorted(permissions.project_roles(user, project)),
        can_add,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        # Longer than any filter the board reads, so two different ones never share a key.
        tuple(query.get(name, "")[:200] for name in PARAMETERS),
    )


@dataclass
class Shared:
    """Results for everyone with the same roles: the HTML around each idea's support
    (``parts``: text, an idea's id, text, ...), its support drawn as supported and not, and
    who wrote the page's cards (whose results are their own)."""

    parts: list
    supported: dict[int, str]
    unsupported: dict[int, str]
    authors: frozenset[int]

    @property
    def ideas(self) -> list[int]:
        return list(self.supported)

    def for_person(self, supported_ids) -> str:
        """The results as a person sees them who supports ``supported_ids``."""
        return "".join(
            part
            if isinstance(part, str)
            else (self.supported if part in supported_ids else self.unsupported)[part]
            for part in self.parts
        )


PLAIN = (str, int, float, bool, type(None), datetime.date, datetime.datetime, Decimal)


def shown(card) -> tuple:
    """What a card shows of its contribution: each value it was loaded with (columns and the
    board's annotations: counts, whether the person supports it, its tag names)."""
    return tuple(
        sorted(
            (name, tuple(value) if isinstance(value, list | tuple) else value)
            for name, value in vars(card).items()
            if not name.startswith("_")
            and (
                isinstance(value, PLAIN)
                or (
                    isinstance(value, list | tuple) and all(isinstance(v, str | int) for v in value)
                )
            )
        )
    )


def card_key(card, user, *, can_support: bool, support_marks: bool) -> str:
    """The key of a card as drawn for ``user``: named by everything it shows, so a write to one
    card leaves the others kept (nothing is cleared: a changed card has another key)."""
    return content.key(
        "board-card",
        shown(card),
        author_name(card),
        is_by(card, user),
        can_support,
        card.stage.name if card.stage_id else None,
        support_marks,
        translation.get_language(),
        timezone.get_current_timezone_name(),
    )


def render_cards(context: dict, user, *, support_marks: bool = False) -> list[str]:
    """Each card of the page, as kept or rendered (and kept), in the page's order; with
    ``support_marks``, each as (card, its support drawn the other way)."""
    items = context["contributions"]
    can_support = {
        c.pk: c.kind == "idea" and user.has_perm("contributions.support", c) for c in items
    }
    keys = [
        card_key(c, user, can_support=can_support[c.pk], support_marks=support_marks) for c in items
    ]
    kept = content.kept_many(keys)
    drawn, new = [], {}
    for c, card_key_ in zip(items, keys, strict=True):
        if card_key_ not in kept:
            card = render_to_string(
                CARD_TEMPLATE, {**context, "c": c, "support_marks": support_marks}
            )
            new[card_key_] = (card, flipped(c, can_support[c.pk])) if support_marks else card
        drawn.append(kept.get(card_key_) or new[card_key_])
    content.keep_many(new, KEEP_SECONDS)
    return drawn


def flipped(c, can_support: bool) -> str:
    """An idea's support drawn the other way from how the person stands."""
    if c.kind != "idea":
        return ""
    theirs = bool(getattr(c, "supported", False))
    c.supported = not theirs
    try:
        return render_to_string(SUPPORT_TEMPLATE, {"c": c, "can_support": can_support})
    finally:
        c.supported = theirs


def render(context: dict, user) -> str:
    """The results as ``user`` sees them, their cards kept one by one."""
    return render_to_string(TEMPLATE, {**context, "cards": render_cards(context, user)})


def render_shared(context: dict, user) -> Shared:
    """Render the results with each idea's support marked, as ``card.html`` draws it for
    ``user`` (whose roles the results are kept under), and draw each the other way too."""
    cards = render_cards(context, user, support_marks=True)
    other_way = {
        c.pk: flip for c, (_card, flip) in zip(context["contributions"], cards, strict=True)
    }
    html = render_to_string(TEMPLATE, {**context, "cards": [card for card, _flip in cards]})
    pieces = SUPPORT_MARK.split(html)
    ideas = {c.pk: c for c in context["contributions"]}
    parts, drawn = [], {True: {}, False: {}}
    # Text, then each marked support as (idea, as drawn) followed by the text after it.
    for index in range(0, len(pieces), 3):
        parts.append(pieces[index])
        if index + 1 == len(pieces):
            break
        c = ideas[int(pieces[index + 1])]
        theirs = bool(getattr(c, "supported", False))
        drawn[theirs][c.pk] = pieces[index + 2]
        drawn[not theirs][c.pk] = other_way[c.pk]
        parts.append(c.pk)
    return Shared(
        parts=parts,
        supported=drawn[True],
        unsupported=drawn[False],
        authors=frozenset(c.author.user_id for c in context["contributions"]),
    )
