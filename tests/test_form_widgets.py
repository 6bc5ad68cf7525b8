"""``LongSelect`` writes the same HTML as Django's ``Select``, without a template an option."""

import pytest
from django import forms
from django.test.html import parse_html

from codesign.forms import LongSelect

CHOICES = [
    ("", "All projects"),
    (1, "Going home"),
    (2, '<script>alert("x")</script> & "quotes"'),
    ("Group <b>", [(3, "In a group"), (4, "Also grouped")]),
]


@pytest.mark.parametrize("value", [None, "", 1, "2", 4, "not a choice"])
@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"class": "form-select", "aria-invalid": "true", "aria-describedby": "id_p-error"},
        {"required": True, "disabled": False},
    ],
)
def test_a_long_select_is_the_same_html_as_a_select(value, attrs):
    ours = LongSelect(attrs=attrs, choices=CHOICES).render("project", value, {"id": "id_p"})
    django = forms.Select(attrs=attrs, choices=CHOICES).render("project", value, {"id": "id_p"})
    assert parse_html(ours) == parse_html(django)
    assert "<script>" not in ours and "&lt;script&gt;" in ours


def test_a_long_select_in_a_form_keeps_its_choices_and_value():
    class Form(forms.Form):
        project = forms.TypedChoiceField(choices=CHOICES[:3], coerce=int, widget=LongSelect)

    field = Form({"project": "2"})["project"]
    assert parse_html(str(field)) == parse_html(field.as_widget(forms.Select(choices=CHOICES[:3])))
    assert '<option value="2" selected>' in str(field)


@pytest.mark.parametrize(
    "value", [None, "", "3f1c1b1e-8d0b-4b6e-9a7f-0c1d2e3f4a5b", '"><script>x</script>', 7]
)
@pytest.mark.parametrize("attrs", [{}, {"id": "id_key"}, {"data-x": "a&b", "hidden": True}])
def test_a_written_hidden_input_is_the_same_html_as_djangos(value, attrs):
    from codesign.forms import WrittenHiddenInput

    ours = WrittenHiddenInput().render("submission_key", value, attrs)
    django = forms.HiddenInput().render("submission_key", value, attrs)
    assert ours == django
    assert "<script>" not in ours


def test_a_submission_key_is_drawn_without_a_template(monkeypatch):
    from django.forms import renderers

    from codesign.forms import SubmissionKeyField

    drawn = []
    monkeypatch.setattr(
        renderers.DjangoTemplates, "render", lambda *args, **kwargs: drawn.append(args)
    )

    class Form(forms.Form):
        submission_key = SubmissionKeyField()

    html = str(Form()["submission_key"])
    assert html.startswith('<input type="hidden" name="submission_key" value="')
    assert 'id="id_submission_key"' in html and drawn == []


def test_a_fresh_submission_key_is_drawn_as_the_forms_own(monkeypatch):
    """``fresh_submission_key``: what a form's key field draws, with a key of its own each
    time (a kept page's add form takes one each time it is served)."""
    import uuid

    from codesign import forms as codesign_forms

    class Form(forms.Form):
        submission_key = codesign_forms.SubmissionKeyField()

    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    form = Form()
    own = str(form["submission_key"])
    monkeypatch.setattr(codesign_forms.uuid, "uuid4", lambda: key)
    fresh = codesign_forms.fresh_submission_key()
    assert str(key) in fresh
    assert fresh == own.replace(str(form["submission_key"].value()), str(key))
    monkeypatch.undo()
    assert codesign_forms.fresh_submission_key() != codesign_forms.fresh_submission_key()


def test_a_memo_makes_each_value_once_and_is_bounded():
    from django.utils import translation

    from codesign.memo import Memo

    memo, made = Memo(kept=2), []

    def make(value):
        return lambda: made.append(value) or value

    assert memo.made("a", make(1)) == 1 and memo.made("a", make(2)) == 1
    assert memo.drawn(("b",), make("<p>")) == "<p>" and memo.drawn(("b",), make("x")) == "<p>"
    with translation.override("cy"):
        assert memo.drawn(("b",), make("<p>cy")) == "<p>cy"  # each language its own
    assert made == [1, "<p>", "<p>cy"] and len(memo) <= 2
