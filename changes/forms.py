from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from codesign.dates import validate_sane_date
from codesign.forms import BilingualFormMixin
from contributions.templatetags.contributions import author_name
from participants.models import Membership
from sessions.models import WorkshopSession

from . import cqc
from .models import Evidence, FollowUpCheck, ServiceChange

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContributionChoiceField(forms.ModelMultipleChoiceField):
    # Kind, title and author as the board shows them: an anonymous author is never named.
    def label_from_instance(self, contribution):
        label = (
            f"{contribution.get_kind_display()}: {contribution.title} · {author_name(contribution)}"
        )
        if contribution.hidden_at:
            label += " · " + str(_("hidden by a facilitator"))
        return label


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        return membership.display_name


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, session):
        return f"{session.title} ({date_format(localtime(session.starts_at), 'j M Y')})"


class ChangeForm(BilingualFormMixin, forms.Form):
    """A service change's details; on a new change, also its progress so far."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What will change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    contributions = ContributionChoiceField(
        label=_("Where it came from"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick the contributions it came from. Ideas you tick are marked “taken forward”, "
            "and their authors are told whenever the change moves on."
        ),
    )
    cqc_statements = forms.MultipleChoiceField(
        label=_("CQC quality statements it addresses"),
        choices=[
            (question, [(key, label) for key, label in statements])
            for question, statements in cqc.KEY_QUESTIONS
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick any the change helps the service meet, under each key question."),
    )
    owner = OwnerChoiceField(
        label=_("Owner in the project"),
        queryset=None,
        required=False,
        empty_label=_("Nobody in the project"),
    )
    owner_role = forms.CharField(
        label=_("Or a named role outside the project"),
        max_length=150,
        required=False,
        help_text=_("For example: Head of Pharmacy."),
    )
    scope = forms.ChoiceField(
        label=_("Organisational scope"),
        choices=ServiceChange.Scope.choices,
        initial=ServiceChange.Scope.SERVICE,
        widget=forms.RadioSelect,
    )
    approver = forms.CharField(
        label=_("Who must approve it"),
        max_length=150,
        required=False,
        help_text=_("When it is beyond the project's authority, for example the Trust board."),
    )
    approved = forms.BooleanField(label=_("They have approved it"), required=False)
    target_date = forms.DateField(
        label=_("Target date"), required=False, widget=DATE_WIDGET, validators=[validate_sane_date]
    )
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        initial=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5}),
    )
    title_cy = forms.CharField(label=_("Title in Welsh"), max_length=200, required=False)
    description_cy = forms.CharField(
        label=_("What will change, in Welsh"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args, project, contributions, with_progress=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contributions"].queryset = contributions
        self.fields["owner"].queryset = Membership.objects.filter(
            project=project, status=Membership.Status.ACTIVE
        ).order_by("display_name", "pk")
        if not with_progress:
            del self.fields["progress"]

    def clean_cqc_statements(self):
        chosen = set(self.cleaned_data["cqc_statements"])
        return [key for key in cqc.STATEMENTS if key in chosen]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("owner") and cleaned.get("owner_role", "").strip():
            self.add_error(
                "owner_role", _("Choose someone in the project or name a role, not both.")
            )
        return cleaned


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=ServiceChange.Status.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Why it is not taken forward"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when it is not taken forward. Everyone who can see it reads this."),
    )
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5}),
        help_text=_("Implemented and embedded changes are at 100%."),
    )
    note = forms.CharField(
        label=_("Note for the timeline"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What happened. Shown on the change's timeline with your name and the date."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == ServiceChange.Status.NOT_TAKEN_FORWARD
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error("reason", _("Say why it is not taken forward."))
        return cleaned


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What are you recording?"),
        choices=Evidence.Kind.choices,
        initial=Evidence.Kind.NOTE,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a note."),
    )
    context = forms.CharField(
        label=_("Context"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a CMO record: the circumstances, for example “ward under pressure”."),
    )
    mechanism = forms.CharField(
        label=_("Mechanism"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What made it work, for example “staff heard patients' stories”."),
    )
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What happened, for example “discharge leaflet rewritten”."),
    )
    session = SessionChoiceField(
        label=_("Seen at a session (optional)"),
        queryset=None,
        required=False,
        empty_label=_("Not at a session"),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = project.workshop_sessions.exclude(
            status=WorkshopSession.Status.CANCELLED
        ).order_by("-starts_at", "-pk")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Evidence.Kind.CMO:
            for name in ("context", "mechanism", "outcome"):
                if not cleaned.get(name, "").strip():
                    self.add_error(name, _("A CMO record needs this."))
        elif cleaned.get("kind") == Evidence.Kind.NOTE and not cleaned.get("note", "").strip():
            self.add_error("note", _("Write the note."))
        return cleaned


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Has it stuck?"), choices=FollowUpCheck.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("What you found"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Added to the change's timeline."),
    )
