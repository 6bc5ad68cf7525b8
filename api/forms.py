from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Scope


def default_expiry():
    return timezone.localdate() + timedelta(days=90)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Which system uses it, so you know which to revoke, e.g. “Power BI”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may read"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every token may read the organisation's name. Nothing names anybody."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("At most a year from today. It stops working at the start of that day."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = default_expiry

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day <= today:
            raise forms.ValidationError(_("Choose a day after today."))
        if day > today + timedelta(days=settings.API_TOKEN_MAX_DAYS):
            raise forms.ValidationError(_("Choose a day at most a year from today."))
        return day

    def expires_at(self):
        """The start of the chosen day, in the current (the organisation's) time zone."""
        day = self.cleaned_data["expires_on"]
        return timezone.make_aware(datetime.combine(day, time.min))
