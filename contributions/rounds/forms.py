"""Forms for opening a prioritisation round and placing one's dots."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sessions.models import WorkshopSession

from ..models import Contribution, PrioritisationRound


class RoundForm(forms.ModelForm):
    class Meta:
        model = PrioritisationRound
        fields = ["title", "dots_per_person", "session", "ideas", "in_the_open"]
        labels = {
            "session": _("Session (optional)"),
            "ideas": _("Ideas to prioritise"),
            "in_the_open": _("People place their dots in the room, where everyone can see them"),
        }
        help_texts = {
            "title": _("For example: “Which ideas should we work on first?”"),
            "dots_per_person": _(
                "Each person spreads these over the ideas as they like, several on one idea if "
                "they feel strongly."
            ),
            "session": _("Link the round to a session to run it on the session's live board."),
            "ideas": _("Choose at least two."),
            "in_the_open": _(
                "For example, dots on a wall. Then the results show each group's dots however few "
                "people are in it, and say that the votes were placed in the open. Leave it "
                "unticked for votes placed on screens, where nobody sees anyone else's."
            ),
        }
        widgets = {"ideas": forms.CheckboxSelectMultiple}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ideas"].queryset = (
            Contribution.objects.filter(project=project, hidden_at__isnull=True)
            .visible()
            .ideas()
            .order_by("title", "pk")
        )
        self.fields["session"].queryset = WorkshopSession.objects.filter(project=project).exclude(
            status=WorkshopSession.Status.CANCELLED
        )
        self.fields["session"].required = False

    def clean_ideas(self):
        ideas = self.cleaned_data["ideas"]
        if len(ideas) < 2:
            raise forms.ValidationError(_("Choose at least two ideas to compare."))
        return ideas


class VoteForm(forms.Form):
    """One number per idea; together at most the round's dots per person."""

    def __init__(self, *args, ideas, dots_per_person: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.dots_per_person = dots_per_person
        self.ideas = list(ideas)
        for idea in self.ideas:
            self.fields[self.field_name(idea)] = forms.IntegerField(
                label=idea.title,
                min_value=0,
                max_value=dots_per_person,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "dot-count"}),
            )

    @staticmethod
    def field_name(idea) -> str:
        return f"idea_{idea.pk}"

    def idea_fields(self):
        """Each idea with its bound field, for the template."""
        return [(idea, self[self.field_name(idea)]) for idea in self.ideas]

    def clean(self):
        cleaned = super().clean()
        placed = sum(cleaned.get(self.field_name(idea)) or 0 for idea in self.ideas)
        if placed > self.dots_per_person:
            raise forms.ValidationError(
                ngettext(
                    "You have %(dots)d dot; you placed %(placed)d. Take some off.",
                    "You have %(dots)d dots; you placed %(placed)d. Take some off.",
                    self.dots_per_person,
                )
                % {"dots": self.dots_per_person, "placed": placed}
            )
        return cleaned

    def dots(self) -> dict[int, int]:
        return {idea.pk: self.cleaned_data[self.field_name(idea)] for idea in self.ideas}
