"""HTML drawn in Python, for the parts of pages drawn many times over (a board's cards, a
contribution's comments), where the template language cost most of the page's time.

Every text in such HTML goes through ``escape`` (what ``django.utils.html.escape`` gives,
without its lazy-text wrapper); ``drawn`` marks the result safe.
"""

import html
import re

from django.utils import translation
from django.utils.safestring import SafeString

_NEWLINES = re.compile(r"\r\n|\r")


def escape(value) -> str:
    """``value`` as text in HTML: what ``django.utils.html.escape`` gives."""
    return html.escape(str(value))


def drawn(markup: str) -> SafeString:
    """Markup drawn in Python, as safe: every text in it went through ``escape``. (What
    ``mark_safe`` gives text, without its checks for lazy text and functions.)"""
    return SafeString(markup)


def lines(text: str) -> str:
    """Text someone wrote as HTML, escaped, each of its line breaks a ``<br>``: what the
    ``linebreaksbr`` filter gives it, without its lazy-text wrappers (three a call)."""
    return escape(_NEWLINES.sub("\n", str(text))).replace("\n", "<br>")


def words_in(language: str, words: dict) -> dict[str, str]:
    """``words`` (lazy translations, by name) in ``language``, escaped: a page's table of words,
    which its caller keeps once a process per language rather than asking the catalogue for
    each card or comment."""
    with translation.override(language):
        return {name: escape(word) for name, word in words.items()}
