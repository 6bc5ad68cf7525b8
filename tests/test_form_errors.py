"""Every field's error says what to do for that field: no form, ours or the sign-in
library's, answers an empty required field with a bare "This field is required."."""

import importlib
import inspect
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import get_default_renderer

from codesign.forms import PlainWordsBoundField, PlainWordsRenderer

BARE = "This field is required."


def project_form_classes() -> list[type[forms.BaseForm]]:
    """Every form class defined in the project's own `forms` modules, and allauth's."""
    root = Path(settings.BASE_DIR)
    names = ["allauth.account.forms", "allauth.mfa.base.forms", "allauth.mfa.totp.forms"]
    for path in root.glob("*/**/*forms.py"):
        if {".venv", "tests", "node_modules"} & set(path.relative_to(root).parts):
            continue
        names.append(".".join(path.relative_to(root).with_suffix("").parts))
    found = []
    for name in names:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                found.append(cls)
    return found


FORMS = project_form_classes()


def test_the_walk_finds_the_projects_forms():
    names = {cls.__name__ for cls in FORMS}
    assert {"InviteForm", "ProjectCreateForm", "LoginForm", "ConsentForm"} <= names
    assert len(FORMS) > 40


def test_every_form_uses_the_plain_words_renderer():
    assert isinstance(get_default_renderer(), PlainWordsRenderer)
    for cls in FORMS:
        assert cls.default_renderer is None, cls
        assert cls.bound_field_class is None, cls
        for name, field in getattr(cls, "base_fields", {}).items():
            assert field.bound_field_class is None, (cls, name)


@pytest.mark.django_db
def test_no_form_that_can_be_made_empty_renders_the_bare_message():
    rendered = 0
    for cls in FORMS:
        try:
            form = cls(data={})
        except (TypeError, KeyError, AttributeError):
            continue  # needs its project, user or request; the views' tests post those
        form.is_valid()
        html = form.as_div()
        errors = [str(error) for bound in form for error in bound.errors]
        assert BARE not in html, cls
        assert BARE not in errors, cls
        assert all(isinstance(bound, PlainWordsBoundField) for bound in form), cls
        rendered += 1
    assert rendered > 15


class Everything(forms.Form):
    title = forms.CharField()
    email = forms.EmailField(label="Your email address")
    constituency = forms.ChoiceField(choices=[("su", "Service user")])
    way = forms.ChoiceField(label="How?", choices=[("a", "A")], widget=forms.RadioSelect)
    agree = forms.BooleanField(label="I agree to the statement above")
    days = forms.MultipleChoiceField(
        label="Days", choices=[("mon", "Monday")], widget=forms.CheckboxSelectMultiple
    )
    photo = forms.ImageField(label="Photo")
    bsl = forms.CharField(label="BSL interpreter")
    own = forms.CharField(label="Name", error_messages={"required": "Give the step a name"})


def test_each_kind_of_field_says_what_to_do():
    form = Everything(data={})
    assert not form.is_valid()
    said = {bound.name: [str(e) for e in bound.errors] for bound in form}
    assert said == {
        "title": ["Enter title"],
        "email": ["Enter your email address"],
        "constituency": ["Choose constituency"],
        "way": ["Choose how"],
        "agree": ["Tick “I agree to the statement above” to continue"],
        "days": ["Choose at least one option under “Days”"],
        "photo": ["Choose a file for “Photo”"],
        "bsl": ["Enter BSL interpreter"],
        "own": ["Give the step a name"],
    }
