"""What a process makes once and keeps for as long as it runs: parts of pages that are the same
for everyone who asks with the same key (``Memo``). A key names everything what is kept shows,
so nothing kept is ever out of date; each memo is bounded (emptied when full), as each project
and each search make new keys."""

from django.urls import get_script_prefix, get_urlconf
from django.utils import translation

from . import release


class Memo(dict):
    """Values made once a process, by key, at most ``kept`` of them."""

    def __init__(self, kept: int):
        super().__init__()
        self.kept = kept

    def made(self, key, make):
        """What ``make()`` gave for ``key``, made now if it is not kept."""
        value = self.get(key)
        if value is None:
            value = make()
            if len(self) >= self.kept:
                self.clear()
            self[key] = value
        return value

    def drawn(self, key: tuple, draw):
        """``made`` for HTML: the key holds, with ``key``, the language, the release and the
        site's address, which any page's HTML may show."""
        where = (translation.get_language(), release.current(), get_urlconf(), get_script_prefix())
        return self.made((*key, *where), draw)
