"""``{{ object|choice:"field" }}``: the label of a field's choice, as ``get_<field>_display``
gives it, without its cost. Django's own builds a dict of every choice, hashing each lazy label
(one translation lookup per choice), on every call: a page listing a hundred replies spent
several milliseconds there. Here the labels are worked out once per field and language.

A builtin (settings.TEMPLATES), so every template has it without loading it.
"""

from functools import cache

from django import template
from django.utils import translation

register = template.Library()


@cache
def _labels(field, language: str) -> dict:
    return {value: str(label) for value, label in field.flatchoices}


@register.filter
def choice(instance, name: str):
    """The label of the choice ``instance.<name>`` holds (the value itself if none is)."""
    meta = getattr(instance, "_meta", None)
    if meta is None:
        # Not a model (a template's variable may be text where it is not the row it names):
        # as the template language shows a missing attribute, nothing.
        display = getattr(instance, f"get_{name}_display", None)
        return display() if callable(display) else ""
    return label(instance, name, translation.get_language())


def label(instance, name: str, language: str):
    """The label in ``language`` of the choice the model instance's field ``name`` holds (the
    value itself if none is): for a caller that draws many and knows the reader's language."""
    field = instance._meta.get_field(name)
    value = getattr(instance, field.attname)
    return _labels(field, language).get(value, value)
