from django import forms

from .categories import DESCRIPTIONS, EmailCategory


class EmailPreferencesForm(forms.Form):
    """One switch per category of email a person may turn off."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category in EmailCategory:
            self.fields[category.value] = forms.BooleanField(
                label=category.label, help_text=DESCRIPTIONS[category], required=False
            )
