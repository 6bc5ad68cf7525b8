from django import forms
from django.utils.translation import gettext_lazy as _

from codesign.dates import validate_sane_date
from codesign.forms import LongSelect

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
# The figures count days and months across the range: the core's bounds keep it sane.
DATE_BOUNDS = [validate_sane_date]


class DashboardFilterForm(forms.Form):
    """Narrow a dashboard to one project (on the organisation's) and a date range."""

    project = forms.TypedChoiceField(
        label=_("Project"), required=False, coerce=int, empty_value=None, widget=LongSelect
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=DATE_WIDGET, validators=DATE_BOUNDS
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=DATE_WIDGET, validators=DATE_BOUNDS
    )

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        if projects is None:
            del self.fields["project"]
        else:
            self.fields["project"].choices = [
                ("", _("All projects")),
                *((project.pk, project.title) for project in projects),
            ]
            self.fields["project"].widget.attrs["class"] = "form-select"

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return cleaned

    def mark_errors(self) -> None:
        """Tell assistive technology which fields are wrong and where the message is."""
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"id_{name}-error"
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
