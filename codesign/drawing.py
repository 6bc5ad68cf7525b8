"""HTML drawn in Python, for the parts of pages drawn many times over (a board's cards, a
contribution's comments), where the template language cost most of the page's time.

Every text in such HTML goes through ``escape`` (what ``django.utils.html.escape`` gives,
without its lazy-text wrapper); ``drawn`` marks the result safe.
"""

import html

from django.utils import translation
from django.utils.safestring import SafeString, mark_safe


def escape(value) -> str:
    """``value`` as text in HTML: what ``django.utils.html.escape`` gives."""
    return html.escape(str(value))


def drawn(markup: str) -> SafeString:
    """Markup drawn in Python, as safe: every text in it went through ``escape``."""
    return mark_safe(markup)  # noqa: S308 (every text in it went through escape())


def words_in(language: str, words: dict) -> dict[str, str]:
    """``words`` (lazy translations, by name) in ``language``, escaped: a page's table of words,
    which its caller keeps once a process per language rather than asking the catalogue for
    each card or comment."""
    with translation.override(language):
        return {name: escape(word) for name, word in words.items()}
