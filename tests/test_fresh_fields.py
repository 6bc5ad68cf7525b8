"""A fresh form's fields are rendered once a process for what they show (codesign.forms
``fresh_fields_html``, the ``{% fields %}`` tag): the same HTML crispy gives, never what another
form, language or set of choices showed, and a bound form always rendered afresh."""

import re

import pytest
from crispy_forms.helper import FormHelper
from django import forms
from django.template import engines
from django.utils import translation

from codesign import forms as codesign_forms
from codesign.templatetags.layout import _crispy_fields, _crispy_form

CRISPY = (
    "{% load crispy_forms_tags %}"
    "{{ form.kind|as_crispy_field }}{{ form.title|as_crispy_field }}"
    "{% if 'step' in form.fields %}{{ form.step|as_crispy_field }}{% endif %}"
)
FIELDS = '{% load layout %}{% fields form "kind" "title" "step" %}'


class StepForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you adding?",
        choices=[("idea", "Idea"), ("experience", "Experience")],
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label="Title", help_text="A few words.")

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        if steps:
            self.fields["step"] = forms.ChoiceField(label="Step", choices=steps, required=False)


def render(template, form):
    return engines["django"].from_string(template).render({"form": form})


@pytest.fixture(autouse=True)
def nothing_kept():
    codesign_forms._FRESH_FIELDS.clear()
    yield
    codesign_forms._FRESH_FIELDS.clear()


@pytest.fixture
def renders(monkeypatch):
    """How many times the fields were rendered rather than taken as kept."""
    made = []

    def counting(render):
        def counted(form, names):
            made.append(names)
            return render(form, names)

        return counted

    monkeypatch.setattr("codesign.templatetags.layout._crispy_fields", counting(_crispy_fields))
    monkeypatch.setattr("codesign.templatetags.layout._crispy_form", counting(_crispy_form))
    return made


def test_a_fresh_form_is_rendered_once_as_crispy_renders_it(renders):
    first = render(FIELDS, StepForm(steps=[("1", "Arrival")]))
    again = render(FIELDS, StepForm(steps=[("1", "Arrival")]))
    assert first == again == render(CRISPY, StepForm(steps=[("1", "Arrival")]))
    assert "Arrival" in first
    assert len(renders) == 1


def test_other_choices_a_missing_field_or_another_language_are_rendered_afresh(renders):
    arrival = render(FIELDS, StepForm(steps=[("1", "Arrival")]))
    triage = render(FIELDS, StepForm(steps=[("1", "Triage")]))
    without = render(FIELDS, StepForm())
    assert "Triage" in triage and "Arrival" not in triage
    assert 'name="step"' not in without and without == render(CRISPY, StepForm())
    with translation.override("cy"):
        render(FIELDS, StepForm(steps=[("1", "Arrival")]))
    assert arrival == render(FIELDS, StepForm(steps=[("1", "Arrival")]))
    assert len(renders) == 4


def test_a_bound_form_shows_what_was_typed_and_its_errors_every_time(renders):
    render(FIELDS, StepForm())
    typed = StepForm(data={"title": "Long waits"})
    typed.is_valid()
    html = render(FIELDS, typed)
    assert 'value="Long waits"' in html
    assert html == render(CRISPY, typed)
    assert "is-invalid" in html  # the kind was not chosen
    render(FIELDS, typed)
    assert len(renders) == 3


def test_what_is_kept_stays_bounded(renders, monkeypatch):
    monkeypatch.setattr(codesign_forms, "FRESH_FIELDS_KEPT", 3)
    for n in range(10):
        render(FIELDS, StepForm(steps=[("1", f"Step {n}")]))
    assert len(codesign_forms._FRESH_FIELDS) <= 3


def test_a_whole_form_is_rendered_as_crispy_renders_it_once(renders):
    whole = "{% load layout %}{% fields form %}"
    first = render(whole, StepForm(steps=[("1", "Arrival")]))
    assert first == render(
        "{% load crispy_forms_tags %}{{ form|crispy }}", StepForm(steps=[("1", "Arrival")])
    )
    assert render(whole, StepForm(steps=[("1", "Arrival")])) == first
    assert 'name="step"' in first
    assert len(renders) == 1


def test_a_form_with_a_helper_is_rendered_every_time(renders):
    form = StepForm()
    form.helper = FormHelper()
    render(FIELDS, form)
    render(FIELDS, form)
    assert len(renders) == 2


def test_a_form_given_someones_own_values_is_rendered_every_time_and_never_kept(renders):
    """A person's earlier answer (a reply's access needs, say) is theirs: rendered for them,
    not kept in the process for whoever shows the same."""
    for _ in range(2):
        html = render(FIELDS, StepForm(initial={"title": "I use a wheelchair"}))
        assert 'value="I use a wheelchair"' in html
    assert len(renders) == 2
    assert not codesign_forms._FRESH_FIELDS


def test_a_form_given_only_chosen_values_is_kept_under_them(renders):
    """An earlier answer chosen from the field's choices (and empty text) is no one's words:
    kept, as the choices are, and apart from the other answers."""
    for _ in range(2):
        idea = render(FIELDS, StepForm(initial={"kind": "idea", "title": ""}))
        assert idea == render(CRISPY, StepForm(initial={"kind": "idea", "title": ""}))
        assert re.search(r'value="idea"[^>]* checked', idea)
        experience = render(FIELDS, StepForm(initial={"kind": "experience"}))
        assert re.search(r'value="experience"[^>]* checked', experience)
        assert not re.search(r'value="idea"[^>]* checked', experience)
    assert len(renders) == 2
    # A value that is none of the choices is rendered every time, and never kept.
    for _ in range(2):
        render(FIELDS, StepForm(initial={"kind": "my own words"}))
    assert len(renders) == 4
    assert len(codesign_forms._FRESH_FIELDS) == 2


def test_a_form_laid_out_by_a_template_is_drawn_once_and_apart_from_other_layouts(
    monkeypatch,
):
    """``{% fields_with form template %}``: the template's HTML of a fresh form, drawn once a
    process; another template's of the same form is its own; a bound form is always drawn."""
    filters = '{% load layout %}{% fields_with form "dashboards/partials/filter_fields.html" %}'
    report = '{% load layout %}{% fields_with form "reports/partials/request_fields.html" %}'
    inline = render('{% include "dashboards/partials/filter_fields.html" %}', StepForm())
    drawn = []
    real = engines["django"].engine.get_template

    def counting(name, *args, **kwargs):
        drawn.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(engines["django"].engine, "get_template", counting)
    first = render(filters, StepForm())
    assert first == inline and 'name="title"' in first
    assert render(filters, StepForm()) == first
    assert drawn.count("dashboards/partials/filter_fields.html") == 1
    assert render(report, StepForm()) != first
    assert drawn.count("reports/partials/request_fields.html") == 1
    typed = StepForm(data={"title": "Long waits"})
    assert 'value="Long waits"' in render(filters, typed)
    assert drawn.count("dashboards/partials/filter_fields.html") == 2


def test_forms_whose_ids_name_their_object_are_rendered_once_with_their_own_ids(renders):
    """A reply form per comment ("id_reply_42_%s"): drawn once, each with its own ids."""
    first = render(FIELDS, StepForm(auto_id="id_reply_41_%s"))
    second = render(FIELDS, StepForm(auto_id="id_reply_42_%s"))
    assert len(renders) == 1
    assert second == first.replace("id_reply_41_", "id_reply_42_")
    assert second == render(CRISPY, StepForm(auto_id="id_reply_42_%s"))
    assert 'for="id_reply_42_title"' in second and "id_reply_41_" not in second
    assert codesign_forms.ID_PLACEHOLDER not in second
    render(FIELDS, StepForm(auto_id=False))  # no ids: kept apart
    assert len(renders) == 2
