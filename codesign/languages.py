"""Which language a message to a person is written in, and writing it so.

A page is in the language its reader chose (the switcher's cookie, else the browser's); what
Codesign sends (emails, their calendar invitations, the bell, PDFs made for someone) is in the
recipient's own language, recorded on their account. Where it is not known, an organisation
may ask for messages in Welsh and English, Welsh first; otherwise the site's language is used.
"""

import gettext
import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import trans_real


def drop_empty_fallbacks() -> None:
    """Load each of the site's catalogues and unlink from it the catalogues behind it that hold
    no message. Python's gettext puts a package's ``en`` catalogue (often only a header) behind
    its ``en_GB`` one, and Django chains them behind the site's: every message the site's
    catalogue lacks (most English ones) walked each of them, on every page."""
    for language, _name in settings.LANGUAGES:
        node = trans_real.translation(language)
        while node._fallback is not None:
            behind = node._fallback
            if type(behind) is gettext.GNUTranslations and set(behind._catalog) <= {""}:
                node._fallback = behind._fallback
            else:
                node = behind


def known(language: str | None) -> bool:
    return bool(language) and language in dict(settings.LANGUAGES)


def message_languages(language: str = "", organisation=None) -> tuple[str, ...]:
    """The languages of a message to someone whose language is ``language`` (empty: not
    known), the first first: one, unless their organisation asks for bilingual messages."""
    if known(language):
        return (language,)
    if organisation is not None and getattr(organisation, "bilingual_messages", False):
        return tuple(settings.BILINGUAL_LANGUAGES)
    return (settings.LANGUAGE_CODE,)


def person_languages(person=None, organisation=None) -> tuple[str, ...]:
    """The languages of a message to this person (see ``message_languages``)."""
    return message_languages(getattr(person, "language", "") or "", organisation)


def address_languages(email: str, organisation=None) -> tuple[str, ...]:
    """The languages of a message to an email address: its account's, if it has one."""
    language = (
        get_user_model()
        .objects.filter(email__iexact=email)
        .values_list("language", flat=True)
        .first()
        if email
        else None
    )
    return message_languages(language or "", organisation)


def in_languages(languages: Iterable[str], render: Callable[[], str], separator: str) -> str:
    """``render()`` once in each language, joined by ``separator``."""
    parts = []
    for language in languages:
        with translation.override(language):
            parts.append(str(render()))
    return separator.join(parts)


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)


def html_in_languages(languages: Iterable[str], render: Callable[[], str]) -> str:
    """A whole HTML document rendered in each language: one document, each language's body
    in turn under its own ``lang``, separated by a rule."""
    languages = list(languages)
    if len(languages) == 1:
        with translation.override(languages[0]):
            return render()
    documents = []
    for language in languages:
        with translation.override(language):
            documents.append(render())
    bodies = []
    for language, document in zip(languages, documents, strict=True):
        match = _BODY.search(document)
        body = match.group(1) if match else document
        bodies.append(f'<div lang="{language}">{body}</div>')
    first = documents[0]
    match = _BODY.search(first)
    if not match:
        return "<hr>".join(bodies)
    return first[: match.start(1)] + "<hr>".join(bodies) + first[match.end(1) :]
