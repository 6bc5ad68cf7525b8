"""Every page of the permission matrix, for every role that may see it, in Welsh: the page says
it is in Welsh (lang="cy") and none of Codesign's own English is left in it.

The pages and the objects behind them come from tests/test_permission_matrix.py. Codesign's
own English is the catalogue's: any of its messages of three words or more found word for word
in a Welsh page's text is a string left untranslated (people's own words are what the world
holds, names and titles that match no message).
"""

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import allauth
import polib
import pytest
from django.conf import settings
from django.urls import reverse

from accounts import allauth_messages

from . import test_permission_matrix as matrix
from .test_permission_matrix import OUR_URLS, Scene, build_url, client_for, expected

# The matrix's world (built once for the module) and its fixtures around each test.
world = matrix.world
_each_test_rolled_back = matrix._each_test_rolled_back
_media_in_tmp = matrix._media_in_tmp
_no_two_factor_gate = matrix._no_two_factor_gate

pytestmark = pytest.mark.matrix

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "cy" / "LC_MESSAGES" / "django.po"
# Attributes whose words people read or hear.
READ_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "aria-description"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def english_phrases() -> list[str]:
    """The catalogue's English of three words or more: whole messages, and the runs of words
    between the placeholders of those that have some (“Mae %(name)s …”), that the Welsh does
    not share."""
    phrases = set()
    for entry in polib.pofile(str(CATALOGUE)):
        if "<" in entry.msgid:
            continue
        welsh = " ".join(
            " ".join(entry.msgstr_plural.values()) if entry.msgid_plural else entry.msgstr
        )
        for source in filter(None, (entry.msgid, entry.msgid_plural)):
            for part in PLACEHOLDER.split(source):
                text = " ".join(part.split()).strip(" ,.:;“”\"'")
                if len(text.split()) >= 3 and text not in " ".join(welsh.split()):
                    phrases.add(text)
    return sorted(phrases, key=len, reverse=True)


PHRASES = english_phrases()


class PageText(HTMLParser):
    """The words of a page a person reads or hears: text outside scripts and styles, and the
    attributes read out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.skipping += 1
        self.parts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        return " ".join(" ".join(unescape(part) for part in parser.parts).split())


def english_left(text: str) -> list[str]:
    return [phrase for phrase in PHRASES if phrase in text]


def welsh_client(user):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    return client


def test_the_check_finds_english():
    assert len(PHRASES) > 500
    assert english_left(PageText.of("<p>Tell us more (if you like)</p>")) == [
        "Tell us more (if you like)"
    ]
    assert english_left(PageText.of('<button aria-label="Mark all as read">x</button>'))
    assert not english_left(PageText.of("<p>Dywedwch fwy wrthym (os hoffech)</p>"))
    assert not english_left(PageText.of("<script>var a = 'Mark all as read';</script>"))


@pytest.mark.parametrize("name", sorted(OUR_URLS))
def test_every_page_is_in_welsh_for_every_role(world, name):
    url = build_url(name, {None: Scene(world, "a")})
    problems = []
    for role, (get, _post) in expected(name, "active").items():
        if get != 200:
            continue
        response = welsh_client(world.users[role]).get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if re.search(r"<html\b", html) and not re.search(r'<html[^>]*\blang="cy"', html):
            problems.append(f'{role}: the page does not say lang="cy"')
        if left := english_left(PageText.of(html)):
            problems.append(f"{role}: English left: {left}")
    assert not problems, f"{name} {url}\n" + "\n".join(problems)


ALLAUTH_CATALOGUE = Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def allauth_phrases() -> list[str]:
    """The sign-in library's English messages of two words or more (it has no Welsh of its
    own: accounts/allauth_messages.py marks those Codesign's pages show, for our catalogue)."""
    ours = {entry.msgid: entry.msgstr for entry in polib.pofile(str(CATALOGUE))}
    phrases = set()
    for entry in polib.pofile(str(ALLAUTH_CATALOGUE)):
        text = " ".join(entry.msgid.split())
        if entry.msgid_plural or "%" in text or "<" in text or len(text.split()) < 2:
            continue
        if ours.get(entry.msgid, entry.msgid) != entry.msgid:
            continue  # translated by our catalogue
        phrases.add(text)
    return sorted(phrases, key=len, reverse=True)


ALLAUTH_PHRASES = allauth_phrases()


@pytest.mark.parametrize("role", ["anonymous", "service_user", "facilitator"])
def test_the_sign_in_and_account_pages_are_in_welsh(world, role):
    """The sign-in library's pages, as someone signed out and as people signed in."""
    client = welsh_client(world.users[role])
    problems = []
    for url in matrix.URLS:
        if url["group"] != "allauth" or url["kwargs"] or not url["name"]:
            continue
        response = client.get(reverse(url["name"]))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        text = PageText.of(response.content.decode())
        left = english_left(text) + [phrase for phrase in ALLAUTH_PHRASES if phrase in text]
        if left:
            problems.append(f"{url['name']}: {left}")
    assert not problems, "\n".join(problems)


def test_the_sign_in_librarys_words_we_translate_are_its_own():
    """accounts/allauth_messages.py names allauth's messages word for word, or ours would not
    replace them."""
    theirs = {entry.msgid for entry in polib.pofile(str(ALLAUTH_CATALOGUE))}
    assert set(allauth_messages.MESSAGES) <= theirs, set(allauth_messages.MESSAGES) - theirs
