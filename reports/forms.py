from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from codesign.dates import validate_sane_date
from dashboards.forms import DashboardFilterForm

from .models import Report
from .rules import TEXT_KINDS

CHOICES = [
    ("report:pdf", _("Report (PDF)")),
    ("contributions:csv", _("Contributions (CSV)")),
    ("contributions:xlsx", _("Contributions (Excel)")),
    ("changes:csv", _("Service changes (CSV)")),
    ("changes:xlsx", _("Service changes (Excel)")),
    ("attendance:csv", _("Attendance (CSV)")),
    ("attendance:xlsx", _("Attendance (Excel)")),
    ("payments:csv", _("Involvement payments (CSV)")),
    ("payments:xlsx", _("Involvement payments (Excel)")),
    ("rounds:csv", _("Prioritisation rounds (CSV)")),
    ("rounds:xlsx", _("Prioritisation rounds (Excel)")),
    ("qdpx:qdpx", _("Contributions, accepted themes and CMO codes for NVivo or ATLAS.ti (.qdpx)")),
]


class ReportRequestForm(forms.Form):
    """Ask for a report or an export, for the dates the dashboard shows."""

    # Beside the dashboard's own filter form: its fields need their own names and ids.
    prefix = "report"

    what = forms.ChoiceField(
        label=_("What to make"),
        choices=CHOICES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    with_names = forms.BooleanField(
        label=_("Include people's names (for the project team only)"),
        required=False,
        help_text=_(
            "Anonymous contributions stay anonymous, and people who left are shown as "
            "“Former participant”."
        ),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    date_from = forms.DateField(
        required=False, widget=forms.HiddenInput, validators=[validate_sane_date]
    )
    date_to = forms.DateField(
        required=False, widget=forms.HiddenInput, validators=[validate_sane_date]
    )

    def __init__(self, *args, may_name: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_name:
            # Those who may not see names may not read what people wrote either: the board's
            # text is for the project's team (reports.rules.TEXT_KINDS).
            del self.fields["with_names"]
            self.fields["what"].choices = [
                (value, label)
                for value, label in self.fields["what"].choices
                if value.split(":")[0] not in TEXT_KINDS
            ]

    def clean(self):
        cleaned = super().clean()
        # The same rule as the dashboard's filter, so the report covers what the page shows.
        dates = DashboardFilterForm(
            {
                key: value.isoformat()
                for key in ("date_from", "date_to")
                if (value := cleaned.get(key))
            }
        )
        if not dates.is_valid():
            raise forms.ValidationError(_("The dates could not be used: correct the filter."))
        return cleaned

    def request_arguments(self) -> dict:
        kind, file_format = self.cleaned_data["what"].split(":")
        parameters = {
            key: value.isoformat()
            for key in ("date_from", "date_to")
            if (value := self.cleaned_data.get(key))
        }
        return {
            "kind": kind,
            "file_format": file_format,
            "with_names": kind != Report.Kind.REPORT and self.cleaned_data.get("with_names", False),
            # The REFI-QDA file holds the whole project, whatever the dashboard's dates.
            "parameters": {} if kind == Report.Kind.QDPX else parameters,
        }


def last_financial_year(today: date) -> tuple[date, date]:
    """The last NHS financial year to have ended (1 April to 31 March)."""
    end_year = today.year if today >= date(today.year, 4, 1) else today.year - 1
    return date(end_year - 1, 4, 1), date(end_year, 3, 31)


class EvidenceReportForm(forms.Form):
    """Ask for the annual involvement report or the realist synthesis, as PDF or Word."""

    prefix = "evidence"

    what = forms.ChoiceField(
        label=_("Which report"),
        choices=[
            ("annual", _("Annual involvement report")),
            ("realist", _("Realist synthesis of the learning view (RAMESES II)")),
        ],
        widget=forms.RadioSelect,
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[("pdf", _("PDF")), ("docx", _("Word (.docx), to edit before it goes out"))],
        widget=forms.RadioSelect,
        initial="pdf",
    )
    date_from = forms.DateField(
        label=_("From"),
        validators=[validate_sane_date],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The annual report covers these dates; the synthesis covers all records."),
    )
    date_to = forms.DateField(
        label=_("To"),
        validators=[validate_sane_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end must not be before the start."))
        return cleaned

    def request_arguments(self) -> dict:
        data = self.cleaned_data
        parameters = {}
        if data["what"] == Report.Kind.ANNUAL:
            # The synthesis covers every record: dates would only split identical requests.
            parameters = {key: data[key].isoformat() for key in ("date_from", "date_to")}
        return {"kind": data["what"], "file_format": data["file_format"], "parameters": parameters}
