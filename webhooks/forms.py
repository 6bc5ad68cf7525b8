from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Event, WebhookEndpoint


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "off"}),
        help_text=_(
            "Where your system receives events: a public https:// address. Codesign "
            "POSTs each event there as JSON, signed with this endpoint's secret."
        ),
    )
    events = forms.MultipleChoiceField(
        label=_("Events to send"),
        choices=[(value, label) for value, label in Event.choices if value != Event.PING],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event to send.")},
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events"]
        help_texts = {
            "description": _("For your admins, e.g. “Power BI refresh” or “Intranet news”."),
        }
