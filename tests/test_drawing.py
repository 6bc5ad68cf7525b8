"""HTML drawn in Python (``codesign.drawing``) is what Django's own escaping gives."""

import pytest
from django.template.defaultfilters import linebreaksbr
from django.utils.html import escape as django_escape
from django.utils.safestring import SafeString, mark_safe

from codesign import drawing

TEXTS = [
    "",
    "Plain words",
    "Waiting <for> \"the\" letter & the 'call'",
    "One line\nand another",
    "Windows\r\nlines\rand old Mac ones\n\n\r\n",
    "<script>alert('x')</script>\nline",
    "Ünïcödé — ✓\u2028not a break for the filter either",
    "%s and %(name)s",
]


@pytest.mark.parametrize("text", TEXTS)
def test_lines_are_what_the_linebreaksbr_filter_gives(text):
    assert drawing.lines(text) == linebreaksbr(text, autoescape=True)
    assert drawing.escape(text) == django_escape(text)


@pytest.mark.parametrize("markup", ["<b>kept</b>", "", mark_safe("<i>already</i>")])
def test_drawn_markup_is_safe_as_mark_safe_makes_it(markup):
    made = drawing.drawn(markup)
    assert type(made) is SafeString and made == mark_safe(markup)  # noqa: S308 (test markup)
