"""Forms for the ladder of co-production and the facilitators' reflective log."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import LadderRating, LadderVote, ReflectiveLogEntry, ServiceChange

Rung = LadderRating.Rung

# Each rung in plain words, as people are asked to place the project on it.
RUNG_EXPLANATIONS = {
    Rung.COERCION: _(
        "People who use the service are there, but decisions are made for them. They are told "
        "what will happen and are not asked."
    ),
    Rung.EDUCATING: _(
        "People are helped to understand the service and how it works, but they have no say in it."
    ),
    Rung.INFORMING: _(
        "People are kept up to date about what is going to happen, but their views are not "
        "asked for."
    ),
    Rung.CONSULTATION: _(
        "People are asked what they think, but have no way of making sure their views are acted on."
    ),
    Rung.ENGAGEMENT: _(
        "People have more say and are listened to, but staff still make the decisions and set "
        "the agenda."
    ),
    Rung.CO_DESIGN: _(
        "People design the service together with staff, from their experience, and have real "
        "influence on what is decided, though not on how it is carried out."
    ),
    Rung.CO_PRODUCTION: _(
        "People who use the service and people who run it share power and responsibility as "
        "equals, from deciding what to do to doing it and checking it worked."
    ),
}


def rungs():
    """Each rung, bottom first: (number, name, explanation)."""
    return [(rung.value, rung.label, RUNG_EXPLANATIONS[rung]) for rung in Rung]


class LadderVoteForm(forms.ModelForm):
    class Meta:
        model = LadderVote
        fields = ["rung", "comment"]
        labels = {"rung": _("Where does the project stand now?")}
        widgets = {
            "rung": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        }
        error_messages = {"rung": {"required": _("Choose one of the seven rungs.")}}

    def __init__(self, *args, group_threshold: int, as_facilitator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if as_facilitator:
            help_text = _(
                "Shown without your name once the rating closes, as one of the facilitators' "
                "comments, however few facilitators rate."
            )
        else:
            help_text = _(
                "Shown without your name once the rating closes, and only if at least "
                "%(n)s participants rated."
            ) % {"n": group_threshold}
        self.fields["comment"].help_text = help_text

    def rung_options(self):
        """Each radio button with its rung's plain-words explanation, for the template."""
        explanations = {str(rung.value): RUNG_EXPLANATIONS[rung] for rung in Rung}
        return [
            (radio, explanations.get(str(radio.data["value"]), ""))
            for radio in self["rung"]
            if str(radio.data["value"])
        ]


class ReflectionForm(forms.ModelForm):
    class Meta:
        model = ReflectiveLogEntry
        fields = ["who_spoke", "who_dominated", "tensions", "conceded"]
        help_texts = {
            "who_spoke": _("Whose voices were heard, and whose were not."),
            "who_dominated": _("Who set the direction or took up the most room."),
            "tensions": _("Where people disagreed, or where power showed."),
            "conceded": _("What someone gave ground on, and who."),
        }
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}

    def clean(self):
        cleaned = super().clean()
        if not any((cleaned.get(name) or "").strip() for name in self.Meta.fields):
            raise forms.ValidationError(_("Write something in at least one of the boxes."))
        return cleaned


def _labelled(label, text) -> str:
    return f"{label}: {text.strip()}" if text.strip() else ""


def cmo_from_reflection(entry: ReflectiveLogEntry) -> dict[str, str]:
    """A first draft of a CMO record from a reflection, for the facilitator to edit.

    The tensions and who dominated are the circumstances (context); who got to speak is how
    the session worked on people (mechanism); what was conceded is what shifted (outcome).
    """

    def join(*parts):
        return "\n".join(part for part in parts if part)

    return {
        "context": join(
            _labelled(_("Tensions"), entry.tensions),
            _labelled(_("Who dominated"), entry.who_dominated),
        ),
        "mechanism": entry.who_spoke.strip(),
        "outcome": entry.conceded.strip(),
    }


class CmoFromReflectionForm(forms.Form):
    change = forms.ModelChoiceField(
        label=_("Service change"),
        queryset=ServiceChange.objects.none(),
        help_text=_("The change this record is evidence about."),
    )
    context = forms.CharField(
        label=_("Context"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The circumstances, for example “ward under staffing pressure”."),
    )
    mechanism = forms.CharField(
        label=_("Mechanism"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What made it work, for example “staff heard patients' stories first-hand”."),
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What happened, for example “discharge leaflet rewritten”."),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change"].queryset = ServiceChange.objects.filter(project=project).order_by(
            "title", "pk"
        )
