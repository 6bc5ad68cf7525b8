"""A figures table's rows are drawn as the template loop drew them, cell for cell."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import translation
from django.utils.translation import gettext_lazy

from dashboards.reach import Figure

ROWS = [
    ("Going home <b>", 1234, 12.5, Decimal("3.50"), None, "a & b"),
    (gettext_lazy("All projects"), 0, -0.5, datetime.date(2026, 12, 4), Figure(3, False, 5), ""),
    (datetime.datetime(2026, 12, 4, 9, 30, tzinfo=datetime.UTC), True, "=SUM(A1)", 7, 8, 9),
]
LOOP = Template(
    '{% for row in rows %}<tr><th scope="row" class="fw-normal">{{ row.0 }}</th>'
    "{% for cell in row|slice:'1:' %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}"
)
TAG = Template("{% load figures %}{% table_rows rows %}")


@pytest.mark.parametrize("grouped", [False, True])
def test_rows_are_drawn_as_the_template_loop_drew_them(settings, grouped):
    settings.USE_THOUSAND_SEPARATOR = grouped
    for language in ("en-gb", "cy"):
        with translation.override(language):
            expected = LOOP.render(Context({"rows": ROWS}))
            drawn = TAG.render(Context({"rows": ROWS}))
            assert parse_html(drawn) == parse_html(expected)
    assert "Going home &lt;b&gt;" in drawn and "<b>" not in drawn
    assert ("1,234" in drawn) is grouped


def test_no_rows_draw_nothing():
    assert TAG.render(Context({"rows": []})) == ""


def test_cells_carry_their_class_and_are_drawn_as_the_loop_drew_them():
    values = (1234, Figure(3, False, 5), "<i>")
    loop = Template('{% for v in values %}<td class="text-end">{{ v }}</td>{% endfor %}')
    tag = Template('{% load figures %}{% table_cells values "text-end" %}')
    context = {"values": values}
    assert parse_html(tag.render(Context(context))) == parse_html(loop.render(Context(context)))
