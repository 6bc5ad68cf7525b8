from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from codesign.forms import BilingualFormMixin, SubmissionKeyField, SubmissionKeyMixin

from .language import HeldIn, LanguageWanted
from .models import AgendaItem, Reply, WorkshopSession

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ReminderOffsetsField(forms.CharField):
    """Hours before the session, written as '48, 2'."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if not value.strip():
            return []
        try:
            offsets = sorted(
                {int(part) for part in value.replace(";", ",").split(",")}, reverse=True
            )
        except ValueError:
            raise forms.ValidationError(
                _("Write whole hours separated by commas, like 48, 2.")
            ) from None
        if any(o < 1 or o > 336 for o in offsets):
            raise forms.ValidationError(_("Each reminder must be between 1 and 336 hours before."))
        return offsets


class SessionForm(BilingualFormMixin, SubmissionKeyMixin, forms.ModelForm):
    submission_key = SubmissionKeyField()
    already_held = forms.BooleanField(
        label=_("It already took place"),
        required=False,
        help_text=_(
            "Record a past session, for example to note who came. Nobody is invited to it."
        ),
    )
    online_link = forms.URLField(
        label=_("Online meeting link"),
        required=False,
        assume_scheme="https",
        help_text=_("For example a Teams or Zoom link."),
    )
    reminder_offsets = ReminderOffsetsField(
        label=_("Reminders (hours before)"),
        required=False,
        initial="48, 2",
        help_text=_("People who said going or maybe get an email this many hours before."),
    )

    class Meta:
        model = WorkshopSession
        fields = [
            "title",
            "kind",
            "stage",
            "starts_at",
            "ends_at",
            "place",
            "online_link",
            "capacity",
            "audience",
            "held_in",
            "notes_before",
            "reminder_offsets",
            "title_cy",
            "notes_before_cy",
        ]
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "notes_before": forms.Textarea(attrs={"rows": 4}),
            "held_in": forms.RadioSelect,
            "place": forms.TextInput(),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        self.fields["stage"].queryset = project.stages.all()
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["ends_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.order_fields([*self.Meta.fields[:5], "already_held"])
        # Left unanswered (a form from before sessions had a language): held in English.
        self.fields["held_in"].required = False

    def clean_held_in(self):
        return self.cleaned_data.get("held_in") or HeldIn.ENGLISH

    def clean(self):
        cleaned = super().clean()
        starts_at = cleaned.get("starts_at")
        moved = self.instance.pk is None or starts_at != self.instance.starts_at
        if starts_at and moved and starts_at < timezone.now() and not cleaned.get("already_held"):
            self.add_error(
                "starts_at",
                _(
                    "This time has passed. To record a session that already took place, tick "
                    "“It already took place”."
                ),
            )
        return cleaned


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["order", "starts_at", "title", "title_cy"]
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "order": forms.NumberInput(attrs={"min": 1}),
        }


AgendaFormSet = forms.inlineformset_factory(
    WorkshopSession, AgendaItem, form=AgendaItemForm, extra=3, can_delete=True
)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        max_length=300,
        help_text=_("Sent to everyone who was coming."),
    )


class ReplyForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Reply.Answer.GOING, _("Going")),
            (Reply.Answer.MAYBE, _("Maybe")),
            (Reply.Answer.NOT_GOING, _("Not going")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Anything you want to tell the facilitator"),
        max_length=300,
        required=False,
        help_text=_("For example why you cannot come. Only facilitators see this."),
    )
    session_needs = forms.CharField(
        label=_("Anything extra you need for this session"),
        max_length=300,
        required=False,
        help_text=_("Your usual access needs are already known; add anything special here."),
    )
    language_wanted = forms.ChoiceField(
        label=_("Which language do you want for this session?"),
        choices=LanguageWanted.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "When enough people ask for Welsh, the session is held in Welsh or with Welsh "
            "interpretation."
        ),
    )
