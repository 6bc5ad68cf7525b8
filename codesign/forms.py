"""Form pieces every app uses."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class SubmissionKeyField(forms.UUIDField):
    """A one-time key rendered hidden in a form that adds something.

    Posting the same form twice sends the same key, so the service can return what the first
    POST made. A fresh form gets a fresh key; a mangled one is refused with a message.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("initial", uuid.uuid4)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages",
            {"invalid": _("This form has expired. Please reload the page and try again.")},
        )
        super().__init__(**kwargs)


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
