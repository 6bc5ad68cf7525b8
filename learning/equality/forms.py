from django import forms
from django.utils.translation import gettext_lazy as _

from .questions import QUESTIONS, choices


class EqualityForm(forms.Form):
    consent = forms.BooleanField(
        label=_(
            "I agree that Codesign keeps these answers, which are special-category personal "
            "data, to count who takes part. Nobody sees my answers: only counts of 5 people or "
            "more are shown."
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question, (label, _answers) in QUESTIONS.items():
            self.fields[question] = forms.ChoiceField(
                label=label,
                choices=[("", _("I'd rather not answer this one")), *choices(question)],
                required=False,
                widget=forms.RadioSelect,
            )


class PopulationForm(forms.Form):
    question = forms.ChoiceField(
        choices=[(q, v[0]) for q, v in QUESTIONS.items()], widget=forms.HiddenInput
    )

    def __init__(self, *args, question: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("question", question)
        self.answer_fields = []
        for value, label in QUESTIONS[question][1]:
            self.fields[f"share_{value}"] = forms.DecimalField(
                label=label,
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=1,
                help_text=_("% of the population"),
            )
            self.answer_fields.append(value)

    def shares(self) -> dict:
        return {value: self.cleaned_data.get(f"share_{value}") for value in self.answer_fields}
