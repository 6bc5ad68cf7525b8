"""What a board card shows, rendered once and kept, keyed by everything it shows.

Rendering twenty cards is most of the board's work, yet a card rarely changes between two
views. `CardContent` holds every value a card's content shows, and its template sees nothing
else, so the cache key (a digest of those values, the language, the time zone and the code's
release) changes whenever what the card would show changes: nothing is ever stale, and
nothing needs clearing when a title is edited, a tag added, a stage renamed or a comment
posted. What a card shows differently to different people (whether it is theirs, whether they
support it and may) is among those values; nothing private is: the support buttons submit
the page's one form, which holds the form token. Hidden cards are rendered afresh on every
view by ``partials/card.html``.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from codesign import release

from . import selectors
from .models import Contribution
from .templatetags.contributions import author_name, is_by

TEMPLATE = "contributions/partials/card_content.html"
# Entries are never stale (the key names the content); this only bounds how long an
# unvisited card's fragment takes room in the cache.
KEEP_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class CardContent:
    """The values one card's content shows: what its template may use, and its cache key."""

    pk: int
    project_id: int
    kind: str
    emotion: str
    status: str
    title: str
    body: str
    author: str
    added_by_facilitator: bool
    created_at: datetime
    stage: str
    tags: tuple[str, ...]
    comment_count: int
    support_count: int
    by_viewer: bool
    supported: bool
    can_support: bool

    @classmethod
    def of(cls, contribution, user) -> "CardContent":
        """A board row (from `selectors.board`, with `selectors.name_tags`) as the given person
        sees it."""
        c = contribution
        return cls(
            pk=c.pk,
            project_id=c.project_id,
            kind=c.kind,
            emotion=c.emotion,
            status=c.status,
            title=c.title,
            body=c.body,
            author=author_name(c),
            added_by_facilitator=bool(c.added_by_id) and not c.is_anonymous,
            created_at=c.created_at,
            stage=c.stage.name if c.stage_id else "",
            tags=c.tag_names,
            comment_count=c.comment_count,
            support_count=c.support_count,
            by_viewer=is_by(c, user),
            supported=bool(getattr(c, "supported", False)),
            can_support=user.has_perm("contributions.support", c),
        )

    def key(self) -> str:
        digest = hashlib.blake2b(digest_size=20)
        digest.update(repr(tuple(vars(self).values())).encode())
        digest.update(translation.get_language().encode())
        digest.update(release.fingerprint().encode())
        digest.update(timezone.get_current_timezone_name().encode())
        return "board-card:" + digest.hexdigest()

    # The names the shared kind and emotion badges ask a contribution for.
    def get_absolute_url(self) -> str:
        return reverse("contributions:contribution-detail", args=[self.project_id, self.pk])

    def get_kind_display(self) -> str:
        return Contribution.Kind(self.kind).label

    def get_emotion_display(self) -> str:
        return Contribution.Emotion(self.emotion).label if self.emotion else ""

    def get_status_display(self) -> str:
        return Contribution.Status(self.status).label


def render_contents(contributions, user) -> list[SafeString]:
    """The content of each card, from the cache where it was rendered before, in one cache
    round trip to read and one to keep the ones rendered now."""
    contents = [CardContent.of(c, user) for c in contributions]
    keys = [content.key() for content in contents]
    kept = cache.get_many(keys)
    rendered = {}
    for content, key in zip(contents, keys, strict=True):
        if key not in kept:
            rendered[key] = render_to_string(TEMPLATE, {"card": content})
    if rendered:
        cache.set_many(rendered, KEEP_SECONDS)
    # Rendered by the template, which escapes what people wrote; kept as text.
    return [mark_safe(kept.get(key) or rendered[key]) for key in keys]  # noqa: S308


def attach_contents(contributions, user) -> list:
    """Set `card_content` on each board row not hidden, for ``partials/card.html``."""
    shown = selectors.name_tags([c for c in contributions if not c.hidden_at])
    for contribution, html in zip(shown, render_contents(shown, user), strict=True):
        contribution.card_content = html
    return contributions
