"""Forms of the live board: joining with a code, and adding from a phone or for someone."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from codesign.forms import SubmissionKeyField, SubmissionKeyMixin
from participants.models import Constituency, Membership

from ..forms import add_journey_step_field
from ..models import SERVICE_USER_SIDE, Contribution

ANONYMITY_HELP = _(
    "Your name is not shown to anyone, facilitators included. Whether you are a service user, "
    "carer or staff member still counts in the project's figures, and you can still change or "
    "withdraw what you wrote."
)


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Code on the screen"),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "form-control-lg font-monospace text-uppercase",
            }
        ),
        help_text=_("Six letters and numbers, shown on the big screen in the room."),
    )


class LiveContributionForm(SubmissionKeyMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("What are you adding?"),
        choices=[
            (Contribution.Kind.IDEA, _("An idea: something that could be better")),
            (Contribution.Kind.EXPERIENCE, _("An experience: something that happened")),
            (Contribution.Kind.TOUCHPOINT, _("A touchpoint: a moment that felt good or bad")),
        ],
        initial=Contribution.Kind.IDEA,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("In a few words"), max_length=150)
    body = forms.CharField(
        label=_("Tell us more (if you like)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    emotion = forms.ChoiceField(
        label=_("How did it feel at that moment?"),
        help_text=_("For a touchpoint."),
        choices=Contribution.Emotion.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    is_anonymous = forms.BooleanField(
        label=_("Post anonymously"), required=False, help_text=ANONYMITY_HELP
    )
    submission_key = SubmissionKeyField()

    def __init__(self, *args, project, session=None, for_someone=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not project.allow_anonymous:
            del self.fields["is_anonymous"]
        add_journey_step_field(self, project, after="emotion")
        if for_someone:
            if "is_anonymous" in self.fields:
                self.fields["is_anonymous"].label = _("They want it posted anonymously")
            member = forms.ModelChoiceField(
                label=_("Whose is it?"),
                queryset=session_members(project, session),
                help_text=_("It is recorded as theirs, added by you."),
            )
            member.label_from_instance = lambda membership: membership.display_name
            self.fields = {"member": member, **self.fields}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Contribution.Kind.TOUCHPOINT and not cleaned.get("emotion"):
            self.add_error("emotion", _("Choose how it felt at this moment."))
        if cleaned.get("kind") != Contribution.Kind.TOUCHPOINT:
            cleaned["emotion"] = ""
        if cleaned.get("kind") == Contribution.Kind.IDEA:
            cleaned["journey_step"] = None
        return cleaned

    def contribution_fields(self) -> dict:
        """The cleaned values, named as ``live_contribution_add`` takes them (with ``author``
        when added for someone)."""
        data = self.cleaned_data
        fields = {
            "kind": data["kind"],
            "title": data["title"],
            "body": data["body"],
            "emotion": data["emotion"],
            "journey_step": data.get("journey_step"),
            "is_anonymous": data.get("is_anonymous", False),
            "submission_key": data.get("submission_key"),
        }
        if "member" in data:
            fields["author"] = data["member"]
        return fields


def session_members(project, session):
    """People who can contribute and whom the session is for (facilitators: always)."""
    members = Membership.objects.active().filter(
        project=project, role__in=[Membership.Role.PARTICIPANT, Membership.Role.FACILITATOR]
    )
    if session is not None and session.audience != session.Audience.EVERYONE:
        side = (
            SERVICE_USER_SIDE
            if session.audience == session.Audience.SERVICE_USERS
            else (Constituency.STAFF,)
        )
        members = members.filter(Q(constituency__in=side) | Q(role=Membership.Role.FACILITATOR))
    return members.order_by("display_name", "pk")
