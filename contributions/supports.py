"""An idea's support, drawn as it stands when the page is served.

Supports are the board's most frequent write, and each changed every page that shows the idea:
its count, and for the person who gave it, the pressed button. So a page that shows supports
draws each one between marks (``marked``) and keeps the rest of itself while only supports
change (``Project.version_without_supports``, ``codesign.kept_pages``); when the page is
served, every marked support is drawn again from the ideas' counts and the person's own
supports (``draw``: one query for a page of cards, none where the view has the idea loaded).

The marks are HTML comments: text people write is escaped on every page, so none of it can
make one. Whether the person may support an idea is drawn into the mark as it was decided for
the page (the person, their roles and the idea's state are all in the page's key).
"""

import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MARK = re.compile(r"<!--support:(\d+):([01])-->.*?<!--/support-->", re.DOTALL)


@dataclass(frozen=True)
class Standing:
    """What an idea's support shows: its count, and whether the person gave one."""

    pk: int
    project_id: int
    title: str
    support_count: int
    supported: bool


def support_html(c, can_support: bool) -> SafeString:
    """An idea's support count and, where ``can_support``, the button to support it or take
    the support back (it submits the page's ``partials/support_form.html``; htmx swaps this
    part for the answer)."""
    supported = bool(getattr(c, "supported", False))
    button = ""
    if can_support:
        url = reverse("contributions:support", args=[c.project_id, c.pk])
        button = format_html(
            '<button type="submit" form="support-form" formaction="{url}" name="support" '
            'value="{value}" id="support-button-{pk}" hx-post="{url}" '
            'hx-target="#support-{pk}" hx-swap="outerHTML" hx-sync="this:drop" '
            'class="btn btn-sm {style}" aria-pressed="{pressed}">{tick}{label}'
            '<span class="visually-hidden"> “{title}”</span></button>',
            url=url,
            value="0" if supported else "1",
            pk=c.pk,
            style="btn-primary" if supported else "btn-outline-primary",
            pressed="true" if supported else "false",
            tick=mark_safe('<span aria-hidden="true">✓</span>') if supported else "",
            label=_("Support"),
            title=c.title,
        )
    count = c.support_count
    counted = ngettext("%(n)s support", "%(n)s supports", count) % {"n": formats.localize(count)}
    return format_html(
        '<div id="support-{pk}" class="d-flex align-items-center flex-wrap gap-2">{button}'
        '<span class="small">{counted}{yours}</span></div>',
        pk=c.pk,
        button=button,
        counted=counted,
        yours=" · " + _("including yours") if supported else "",
    )


def marked(c, can_support: bool) -> SafeString:
    """``support_html`` between the marks ``draw`` finds it by."""
    return format_html(
        "<!--support:{pk}:{can}-->{html}<!--/support-->",
        pk=c.pk,
        can=int(bool(can_support)),
        html=support_html(c, can_support),
    )


def ideas_in(html: str) -> list[int]:
    """The ideas whose support the page shows, in order."""
    return [int(found.group(1)) for found in MARK.finditer(html)]


def draw(html: str, standings: dict[int, Standing]) -> str:
    """The page with each marked support drawn as ``standings`` say (an idea no longer
    found is left as it was drawn: the page that showed it is stale and is worked out again
    on its next view)."""

    def drawn(found):
        standing = standings.get(int(found.group(1)))
        if standing is None:
            return found.group(0)
        return marked(standing, found.group(2) == "1")

    return MARK.sub(drawn, html)
