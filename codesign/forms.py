"""Form pieces every app uses."""

import re
import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


class WrittenHiddenInput(forms.HiddenInput):
    """A hidden input written here rather than through two of Django's widget templates
    (about 0.2 ms each time: every form that adds something carries one, the board's on every
    board drawn). The same HTML as ``forms.HiddenInput`` (``tests/test_form_widgets.py``)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        # As django/forms/widgets/input.html and attrs.html write it, in their order.
        parts = [format_html('<input type="{}" name="{}"', widget["type"], widget["name"])]
        if widget["value"] is not None:
            parts.append(format_html(' value="{}"', widget["value"]))
        for attr, attr_value in widget["attrs"].items():
            if attr_value is True:
                parts.append(format_html(" {}", attr))
            elif attr_value is not False:
                parts.append(format_html(' {}="{}"', attr, attr_value))
        return mark_safe("".join(parts) + ">")  # noqa: S308 (each part escaped by format_html)


class SubmissionKeyField(forms.UUIDField):
    """A one-time key rendered hidden in a form that adds something.

    Posting the same form twice sends the same key, so the service can return what the first
    POST made. A fresh form gets a fresh key; a mangled one is refused with a message.
    """

    widget = WrittenHiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("initial", uuid.uuid4)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages",
            {"invalid": _("This form has expired. Please reload the page and try again.")},
        )
        super().__init__(**kwargs)


def fresh_submission_key(name: str = "submission_key") -> str:
    """A fresh one-time key as a form's ``SubmissionKeyField`` named ``name`` draws it hidden
    (its id ``id_<name>``): for a kept page, whose form is drawn once, to carry a key of its
    own each time it is served. Written out, as it is drawn on every kept board served (the
    name is the form's own, a key is hexadecimal and dashes: nothing to escape)."""
    key = f'<input type="hidden" name="{name}" value="{uuid.uuid4()}" id="id_{name}">'
    return mark_safe(key)  # noqa: S308 (a form's own name and a key: nothing anyone wrote)


class SubmissionKeyMixin:
    """Show a bad submission key above the form: its hidden field has no place for errors.

    A form posted without a key (not from our pages) is accepted without that protection.
    """

    def clean(self):
        cleaned = super().clean()
        if "submission_key" in self.errors:
            self.add_error(None, list(self.errors.pop("submission_key")))
        return cleaned


def put_errors_in_form(form, error: ValidationError) -> None:
    """Show a service's refusal next to the field it is about, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class BilingualFormMixin:
    """Lay a form's Welsh and easy-read fields (codesign.bilingual) out after the rest, each
    group in a fieldset of its own, so a facilitator fills in what they can.

    Render the form with ``{% crispy form %}``; the page keeps its own ``<form>`` tag.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            if self._kind(name) and isinstance(self.fields[name].widget, forms.Textarea):
                self.fields[name].widget.attrs.setdefault("rows", 3)

    @staticmethod
    def _kind(name: str) -> str:
        if "_easy_read" in name:
            return "easy_read"
        return "welsh" if name.endswith("_cy") else ""

    @property
    def helper(self):
        # Built when rendered, so that a form that reorders its fields keeps that order.
        welsh = [name for name in self.fields if self._kind(name) == "welsh"]
        easy_read = [name for name in self.fields if self._kind(name) == "easy_read"]
        rest = [name for name in self.fields if not self._kind(name)]
        groups = []
        if welsh:
            groups.append(
                Fieldset(
                    _("In Welsh (Cymraeg)"),
                    _intro(
                        _(
                            "Fill in what you can. Where a text has no Welsh, people who "
                            "read Welsh see the English, marked as English."
                        )
                    ),
                    *welsh,
                )
            )
        if easy_read:
            groups.append(
                Fieldset(
                    _("Easy read"),
                    _intro(
                        _(
                            "Short sentences, one idea a line. People who ask for easy "
                            "read see it first, in large print."
                        )
                    ),
                    *easy_read,
                )
            )
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(*rest, *groups)
        return helper


def _intro(text) -> HTML:
    return HTML(format_html('<p class="form-text">{}</p>', text))


def required_message(bound_field) -> str:
    """What to do about an empty required field, in its own words ("Enter your email address",
    "Choose a constituency"), from its label and the kind of answer it asks for."""
    label = str(bound_field.label or "").strip().rstrip(":?*").strip()
    if not label:
        return _("Answer this question")
    quoted = {"label": label}
    if label[1:2].islower() or len(label) == 1:
        label = label[0].lower() + label[1:]
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return _("Tick “%(label)s” to continue") % quoted
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return _("Choose at least one option under “%(label)s”") % quoted
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return _("Choose a file for “%(label)s”") % quoted
    if isinstance(widget, forms.Select | forms.RadioSelect):
        return _("Choose %(label)s") % {"label": label}
    return _("Enter %(label)s") % {"label": label}


class PlainWordsBoundField(forms.BoundField):
    """A field whose "This field is required." says what to do for this field instead."""

    @property
    def errors(self):
        errors = super().errors
        if not errors:
            return errors
        bare = str(forms.Field.default_error_messages["required"])
        for index, error in enumerate(errors.data):
            message = error.message if isinstance(error, ValidationError) else error
            if str(message) == bare:
                errors.data[index] = ValidationError(required_message(self), code="required")
        return errors


class PlainWordsRenderer(DjangoTemplates):
    """The project's form renderer (``FORM_RENDERER``): every form's fields, ours and the
    sign-in library's, word their errors with ``PlainWordsBoundField``."""

    bound_field_class = PlainWordsBoundField


# A fresh form's fields as rendered, by everything they show (``fresh_fields_html``); bounded
# per process, since projects' choices make new ones.
_FRESH_FIELDS: dict[tuple, str] = {}
FRESH_FIELDS_KEPT = 500


def fresh_fields_html(form, names, render) -> str:
    """The HTML ``render(form, names)`` gives the fields ``names`` of ``form``, worked out once a
    process for a form that is not bound: its fields' HTML is then a function of their labels,
    help, choices, widgets and first values, the language and the release, which the key holds
    with ``render`` (a function made once, not a new one each call), so what is kept can never
    be out of date. A bound form (errors, what was typed) is always rendered. The board renders
    its add form on every view: rendering its fields (crispy's templates, a radio at a time) was
    two fifths of a kept board's time. A form with a crispy helper (whose layout may show
    anything) is always rendered too, and so is a form given first values someone typed (a
    person's earlier reply, say): what someone wrote is never kept in the process beyond their
    own request. First values that are each one of their field's choices (the answer a person
    gave, chosen from three) are no one's words, and are kept as the choices are."""
    if form.is_bound or hasattr(form, "helper") or not _only_chosen(form):
        return render(form, names)
    from django.utils import translation

    from . import release

    # A form whose ids name its object ("id_reply_42_%s": a reply form per comment) is kept
    # once, drawn with a placeholder for the start of its ids, which is then put back.
    id_start = _id_start(form.auto_id)
    key = (
        render,
        type(form),
        form.prefix,
        form.auto_id if id_start is None else ID_PLACEHOLDER,
        translation.get_language(),
        release.current(),
        tuple(_shown(form, name) for name in names),
    )
    html = _FRESH_FIELDS.get(key)
    if html is None:
        html = (
            render(form, names)
            if id_start is None
            else _rendered_with_placeholder(form, names, render)
        )
        if len(_FRESH_FIELDS) >= FRESH_FIELDS_KEPT:
            _FRESH_FIELDS.clear()
        _FRESH_FIELDS[key] = html
    if id_start is None:
        return html
    # Safe as rendered; the start of an id put back is letters, digits, "_" and "-".
    return mark_safe(html.replace(ID_PLACEHOLDER, id_start))  # noqa: S308


def _only_chosen(form) -> bool:
    """Whether each first value the form was given is empty or one of its field's choices."""
    for name, value in form.initial.items():
        if value in (None, ""):
            continue
        field = form.fields.get(name)
        choices = getattr(field, "choices", None)
        if not choices or str(value) not in {str(choice) for choice, _label in choices}:
            return False
    return True


ID_PLACEHOLDER = "freshfieldsid0"
_ID_PATTERN = re.compile(r"([A-Za-z][\w-]*)%s")


def _id_start(auto_id) -> str | None:
    """What a form's ids start with, where its ``auto_id`` is that and then the field's name."""
    found = _ID_PATTERN.fullmatch(auto_id) if isinstance(auto_id, str) else None
    return found.group(1) if found else None


def _rendered_with_placeholder(form, names, render) -> str:
    auto_id = form.auto_id
    form.auto_id = f"{ID_PLACEHOLDER}%s"
    try:
        return render(form, names)
    finally:
        form.auto_id = auto_id


def _shown(form, name) -> tuple:
    """What an unbound form shows of one field."""
    field = form.fields[name]
    widget = field.widget
    return (
        name,
        type(field),
        type(widget),
        str(field.label),
        str(field.help_text),
        field.required,
        field.disabled,
        field.show_hidden_initial,
        repr(sorted(widget.attrs.items())),
        repr(form.get_initial_for_field(field, name)),
        tuple((str(value), str(label)) for value, label in getattr(field, "choices", ())),
    )


class LongSelect(forms.Select):
    """A select of many options (an organisation's hundreds of projects), its options written
    here: Django draws each option with two templates (about 50 µs an option, 10 ms for 200).
    The same HTML as ``forms.Select`` (``tests/test_form_widgets.py``), groups included."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            drawn = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((o["value"], flatatt(o["attrs"]), o["label"]) for o in options),
            )
            groups.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, drawn)
                if group_name
                else drawn
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(groups)),  # noqa: S308 (each part escaped by format_html)
        )
