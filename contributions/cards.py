"""A contribution's card on the board, and the badges it shares with other pages, drawn here
rather than through templates.

A board of twenty cards is drawn whenever nothing of it is kept (a new release, the cache
emptied, a page nobody asked for before): through the template language a card took about half
a millisecond, most of the page's time. Here a page's cards share what does not change from one
to the next (the labels in the reader's language, the contributions' addresses, reversed once:
``Page``), and every text people wrote is escaped as Django's ``escape`` does
(``html.escape``), without the lazy-text wrapper around it.
"""

from functools import cache

from django.template.defaultfilters import truncatechars
from django.utils import timezone, translation
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from codesign.drawing import drawn, escape, lines, words_in
from codesign.links import Links
from codesign.templatetags.choices import label

from . import tallies
from .rules import support_reads
from .templatetags.contributions import author_name

KIND_STYLES = {"idea": "text-bg-primary", "touchpoint": "text-bg-warning"}
EMOTION_FACES = {
    "happy": "😀",
    "content": "🙂",
    "neutral": "😐",
    "worried": "😟",
    "frustrated": "😤",
    "upset": "😢",
}
BODY_CHARACTERS = 280


@cache
def months(language: str) -> tuple[str, ...]:
    """The months' short names in ``language`` (index 1 to 12), as the ``date`` filter's "M"
    gives them: each card's day is then put together without the filter's formatter (a
    twentieth of a millisecond a card, a third of its byline)."""
    with translation.override(language):
        return ("", *(str(MONTHS_3[month]).title() for month in range(1, 13)))


def day_written(moment, language: str) -> str:
    """A day as ``date:"j M Y"`` writes it ("4 Dec 2026")."""
    return f"{moment.day} {months(language)[moment.month]} {moment.year:04d}"


# The card's words, by name (``labels``).
LABELS = {
    "hidden": gettext_lazy("Hidden by a facilitator"),
    "not_shown": gettext_lazy("What it said is not shown."),
    "reason": gettext_lazy("Reason:"),
    "open": gettext_lazy("Open it"),
    "status": gettext_lazy("Status:"),
    "yours": gettext_lazy("Yours"),
    "added": gettext_lazy("added by a facilitator"),
    "stage": gettext_lazy("Stage:"),
    "tags": gettext_lazy("Tags"),
}


@cache
def labels(language: str) -> dict[str, str]:
    """The card's words in ``language``, escaped (the catalogue is read once per process)."""
    return words_in(language, LABELS)


class Page:
    """What the cards of one page share: the reader, their language, time zone and words, and
    the project's addresses (each asked once a page: the language and the time zone are the
    request's, behind a lookup of a few microseconds, which a card made five times)."""

    def __init__(self, user, project_id: int):
        self.user = user
        self.user_id = user.pk if user.is_authenticated else None
        self.language = translation.get_language()
        self.time_zone = timezone.get_current_timezone()
        self.words = labels(self.language)
        self.detail_url = Links("contributions:contribution-detail", project_id)
        self.support_url = Links("contributions:support", project_id)
        self._may_support = {}

    def may_support(self, c) -> bool:
        """``may_support`` for the reader, asked of the rules once a page for each kind of card
        the rule tells apart (``rules.support_reads``): twelve ideas on a page, each asked
        through the rules' machinery, took 0.3 ms of a board worked out."""
        if c.kind != "idea":
            return False
        reads = support_reads(c)
        if reads not in self._may_support:
            self._may_support[reads] = may_support(self.user, c)
        return self._may_support[reads]

    def card(self, c, *, can_support: bool) -> SafeString:
        """The card of ``c`` as the reader sees it (``can_support``: whether they may support
        it, decided by the caller for the page)."""
        pk = int(c.pk)
        body = self._hidden(c, pk) if c.hidden_at else self._shown(c, pk, can_support)
        return drawn(
            f'<li id="contribution-{pk}" class="mb-3"><article class="card" '
            f'aria-labelledby="contribution-{pk}-title"><div class="card-body">{body}</div>'
            "</article></li>"
        )

    def _is_by(self, c) -> bool:
        """Whether the reader wrote it (``is_by``)."""
        return self.user_id is not None and c.author.user_id == self.user_id

    def _hidden(self, c, pk: int) -> str:
        """To its author, that it is hidden and why; to everyone else, nothing of it."""
        words = self.words
        title = (
            f'<h3 class="h6 card-title mb-1" id="contribution-{pk}-title">'
            f"{kind_badge(c, self.language)} {words['hidden']}</h3>"
        )
        if not self._is_by(c):
            return f'{title}<p class="mb-0 text-body-secondary">{words["not_shown"]}</p>'
        hidden = escape(_("Your “%(title)s” is hidden from the board.") % {"title": c.title})
        reason = (
            f'<p class="mb-1"><strong>{words["reason"]}</strong> {escape(c.hidden_reason)}</p>'
            if c.hidden_reason
            else ""
        )
        return (
            f'{title}<p class="mb-1">{hidden}</p>{reason}'
            f'<a href="{escape(self.detail_url(pk))}">{words["open"]}</a>'
        )

    def _badges(self, c) -> str:
        words = self.words
        badges = [kind_badge(c, self.language)]
        if c.kind == "touchpoint":
            badges.append(emotion_badge(c, self.language))
        if c.kind == "idea":
            status = escape(label(c, "status", self.language))
            badges.append(_light_badge(f"{words['status']} {status}"))
        if self._is_by(c):
            badges.append(_light_badge(words["yours"]))
        return (
            f'<div class="d-flex flex-wrap align-items-center gap-2 mb-1">{" ".join(badges)}</div>'
        )

    def _byline(self, c) -> str:
        words = self.words
        created = timezone.localtime(c.created_at, self.time_zone)
        parts = [escape(author_name(c))]
        if c.added_by_id and not c.is_anonymous:
            parts.append(f"· {words['added']}")
        day = escape(day_written(created, self.language))
        parts.append(f'· <time datetime="{created.isoformat()}">{day}</time>')
        if c.stage_id:
            parts.append(f"· {words['stage']} {escape(c.stage.name)}")
        return f'<p class="small text-body-secondary mb-2">{" ".join(parts)}</p>'

    def _tags(self, c) -> str:
        names = getattr(c, "tag_names", ())
        if not names:
            return ""
        items = "".join(
            f'<li class="list-inline-item badge text-bg-secondary">{escape(name)}</li>'
            for name in names
        )
        return f'<ul class="list-inline mb-2" aria-label="{self.words["tags"]}">{items}</ul>'

    def _shown(self, c, pk: int, can_support: bool) -> str:
        url = escape(self.detail_url(pk))
        body = ""
        if c.body:
            text = (
                truncatechars(c.body, BODY_CHARACTERS) if len(c.body) > BODY_CHARACTERS else c.body
            )
            body = f'<p class="card-text">{lines(text)}</p>'
        support = (
            tallies.support_marked(c, can_support, url=self.support_url(pk), language=self.language)
            if c.kind == "idea"
            else ""
        )
        return (
            f"{self._badges(c)}"
            f'<h3 class="h5 card-title" id="contribution-{pk}-title"><a href="{url}">'
            f"{escape(c.title)}</a></h3>{body}{self._byline(c)}{self._tags(c)}"
            '<div class="d-flex flex-wrap align-items-center gap-3">'
            f"{tallies.comments_marked(c, url=self.detail_url(pk), language=self.language)} "
            f"{support}</div>"
        )


def _light_badge(safe_text: str) -> str:
    return f'<span class="badge text-bg-light border">{safe_text}</span>'


def kind_badge(c, language: str | None = None) -> SafeString:
    """What kind of contribution it is: an experience, a touchpoint or an idea (in
    ``language``: the reader's, unless the caller has it)."""
    kind = label(c, "kind", language or translation.get_language())
    return drawn(
        f'<span class="badge {KIND_STYLES.get(c.kind, "text-bg-info")}">{escape(kind)}</span>'
    )


def emotion_badge(c, language: str | None = None) -> SafeString:
    """How the person felt at a touchpoint, in words (the face beside them is decoration)."""
    emotion = label(c, "emotion", language or translation.get_language())
    felt = escape(_("Felt: %(emotion)s") % {"emotion": emotion})
    return drawn(
        f'<span class="emotion emotion-{escape(c.emotion)} badge text-bg-light border text-wrap '
        f'text-start"><span aria-hidden="true">{EMOTION_FACES.get(c.emotion, "")}</span> '
        f"{felt}</span>"
    )


def may_support(user, c) -> bool:
    """Whether ``c``'s card offers ``user`` the button to support it (ideas only, as the
    rules decide)."""
    return c.kind == "idea" and user.has_perm("contributions.support", c)


def card_html(c, user) -> SafeString:
    """One card (``Page.card``), for a page that draws only it."""
    return Page(user, c.project_id).card(c, can_support=may_support(user, c))
