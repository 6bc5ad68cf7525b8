"""Text a facilitator writes in English and in Welsh, and its easy-read versions.

A translatable text is a pair of fields on its model: ``title`` holds the English and
``title_cy`` the Welsh. An easy-read version (short sentences, one idea a line) is another
pair, ``<field>_easy_read`` and ``<field>_easy_read_cy``. Both sit on the object's own row, so
a page reads them with the object and no query more.

``choose()`` picks what a reader sees: the text in the page's language, or else the other
language's, marked as a fallback so that the page can say so and set ``lang`` on it (screen
readers switch voice). A reader who asked for easy read gets the easy-read version where
there is one, in their language first. Templates ask through ``{% bilingual %}``
(``codesign.templatetags.bilingual``), never field by field.
"""

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

ENGLISH = "en"
WELSH = "cy"
# What a page's ``lang`` attribute says for each.
HTML_LANG = {ENGLISH: "en-GB", WELSH: "cy"}
EASY_READ_SESSION_KEY = "easy_read"


def content_language(language: str | None = None) -> str:
    """The content language (ENGLISH or WELSH) for a Django language code."""
    code = (language or get_language() or ENGLISH).lower()
    return WELSH if code.startswith(WELSH) else ENGLISH


def other_language(language: str) -> str:
    return ENGLISH if language == WELSH else WELSH


def field_name(field: str, language: str, *, easy_read: bool = False) -> str:
    """The model field that holds ``field`` in ``language`` (and easy read)."""
    name = f"{field}_easy_read" if easy_read else field
    return f"{name}_cy" if language == WELSH else name


@dataclass(frozen=True)
class Chosen:
    """The text a reader sees, in which language, and whether it stands in for another."""

    text: str
    language: str
    fallback: bool = False
    easy_read: bool = False

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)

    @property
    def html_lang(self) -> str:
        return HTML_LANG[self.language]


def fallback_note(chosen: Chosen) -> str:
    """Says, in the page's language, which language a fallback text is in."""
    return _("(in Welsh)") if chosen.language == WELSH else _("(in English)")


def choose(obj, field: str, *, language: str | None = None, easy_read: bool = False) -> Chosen:
    """The text of ``obj``'s ``field`` for a reader of ``language``.

    In order: the easy-read version in the reader's language (if they asked for easy read),
    the text in their language, then the same in the other language, marked as a fallback.
    """
    wanted = content_language(language)
    for lang in (wanted, other_language(wanted)):
        for easy in (True, False) if easy_read else (False,):
            text = (getattr(obj, field_name(field, lang, easy_read=easy), "") or "").strip()
            if text:
                return Chosen(text, lang, fallback=lang != wanted, easy_read=easy)
    return Chosen("", wanted)


def has_easy_read(obj, field: str) -> bool:
    """Whether ``obj``'s ``field`` has an easy-read version in either language."""
    return any(
        (getattr(obj, field_name(field, lang, easy_read=True), "") or "").strip()
        for lang in (ENGLISH, WELSH)
    )


def wants_easy_read(request) -> bool:
    """Whether the person asked to see easy read: their own setting, or this visit's choice."""
    if request is None:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(getattr(user, "prefers_easy_read", False))
    session = getattr(request, "session", None)
    return bool(session and session.get(EASY_READ_SESSION_KEY))


class Bilingual:
    """For a model with English and Welsh (and easy-read) fields: ``obj.in_language("title")``."""

    def in_language(self, field: str, *, language: str | None = None, easy_read: bool = False):
        return choose(self, field, language=language, easy_read=easy_read)

    def has_easy_read(self, field: str) -> bool:
        return has_easy_read(self, field)
