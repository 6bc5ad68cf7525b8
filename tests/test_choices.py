"""``{{ object|choice:"field" }}`` (codesign/templatetags/choices.py): the label
``get_<field>_display`` gives, in the language in use, from a builtin every template has."""

import pytest
from django.template import engines
from django.utils import translation

from sessions.models import Reply

render = engines["django"].from_string('{{ reply|choice:"answer" }}').render


@pytest.mark.parametrize("answer", [value for value, _label in Reply.Answer.choices])
@pytest.mark.parametrize("language", ["en-gb", "cy"])
def test_the_label_is_djangos_in_each_language(answer, language):
    reply = Reply(answer=answer)
    with translation.override(language):
        assert render({"reply": reply}) == reply.get_answer_display()


def test_a_value_with_no_choice_is_shown_as_it_is():
    assert render({"reply": Reply(answer="maybe-later")}) == "maybe-later"


def test_anything_but_a_row_shows_nothing_as_a_missing_attribute_would():
    assert render({"reply": "a text"}) == ""
