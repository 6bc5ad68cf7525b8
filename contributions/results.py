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

import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation

from codesign import content, permissions

TEMPLATE = "contributions/partials/board_results.html"
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


def render_shared(context: dict, user) -> Shared:
    """Render the results with each idea's support marked, as ``card.html`` draws it for
    ``user`` (whose roles the results are kept under), and draw each the other way too."""
    pieces = SUPPORT_MARK.split(render_to_string(TEMPLATE, {**context, "support_marks": True}))
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
        c.supported = not theirs
        drawn[not theirs][c.pk] = render_to_string(
            SUPPORT_TEMPLATE,
            {"c": c, "can_support": user.has_perm("contributions.support", c)},
        )
        c.supported = theirs
        parts.append(c.pk)
    return Shared(
        parts=parts,
        supported=drawn[True],
        unsupported=drawn[False],
        authors=frozenset(c.author.user_id for c in context["contributions"]),
    )
