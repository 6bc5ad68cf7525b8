import re

from django import forms
from django.utils.translation import gettext_lazy as _

# A run of this many words shared with a contribution is a quotation, not a summary.
QUOTED_WORDS = 6


def _word_runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i : i + QUOTED_WORDS]) for i in range(len(words) - QUOTED_WORDS + 1)}


class YouSaidForm(forms.Form):
    """The introduction, and per implemented or embedded change a summary of what was said."""

    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "A few sentences for everyone who took part, for example what the project set out "
            "to do. It is shown at the top of the page and of the poster."
        ),
    )

    introduction_cy = forms.CharField(
        label=_("Introduction in Welsh"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, changes, **kwargs):
        super().__init__(*args, **kwargs)
        self.changes = list(changes)
        for change in self.changes:
            self.fields[self.summary_field(change)] = forms.CharField(
                label=_("You said"),
                required=False,
                max_length=2000,
                initial=change.you_said,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("In your own words: no quotes from contributions and no names."),
            )
            self.fields[self.summary_field(change, welsh=True)] = forms.CharField(
                label=_("You said, in Welsh"),
                required=False,
                max_length=2000,
                initial=change.you_said_cy,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    @staticmethod
    def summary_field(change, *, welsh: bool = False) -> str:
        return f"summary_{change.pk}_cy" if welsh else f"summary_{change.pk}"

    def summary_rows(self):
        """Each change with its summary fields (English, Welsh), for the template."""
        return [
            (change, self[self.summary_field(change)], self[self.summary_field(change, welsh=True)])
            for change in self.changes
        ]

    def clean(self):
        cleaned = super().clean()
        for change in self.changes:
            for welsh in (False, True):
                self._check_summary(cleaned, change, self.summary_field(change, welsh=welsh))
        return cleaned

    def _check_summary(self, cleaned, change, name):
        summary = cleaned.get(name, "").strip()
        cleaned[name] = summary
        if not summary:
            return
        quoted = _word_runs(summary)
        for contribution in change.contributions.all():
            if quoted & (_word_runs(contribution.title) | _word_runs(contribution.body)):
                self.add_error(
                    name,
                    _(
                        "This repeats the words of a contribution. Say it in your own words, "
                        "so nobody can be recognised by how they put it."
                    ),
                )
                return

    def summaries(self, *, welsh: bool = False) -> dict[int, str]:
        return {
            change.pk: self.cleaned_data[self.summary_field(change, welsh=welsh)]
            for change in self.changes
        }
