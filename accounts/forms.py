from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from django import forms
from django.utils.translation import gettext_lazy as _


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    """Asking for a sign-in code by email or by text: one of the two is needed."""

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors and not cleaned_data.get("email") and not cleaned_data.get("phone"):
            raise forms.ValidationError(
                _("Enter your email address, or the mobile number your project has for you."),
                code="required",
            )
        return cleaned_data


class LoginForm(AllauthLoginForm):
    """Signing in with a password, by email address (people with only a mobile sign in with a
    code sent by text)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Email or mobile number")
        self.fields["login"].widget.attrs.update(
            {"placeholder": "", "autocomplete": "username", "type": "text"}
        )
