from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from codesign.forms import BilingualFormMixin

from .models import (
    AccessNeeds,
    Channel,
    Consent,
    Constituency,
    ContactPreferences,
    Membership,
)


class ContactPreferencesForm(forms.ModelForm):
    """How a person wants to hear from projects; the model checks the numbers, the address and
    that the chosen way has what it needs."""

    class Meta:
        model = ContactPreferences
        fields = ["channel", "mobile", "phone", "address_lines", "postcode"]
        widgets = {
            "channel": forms.RadioSelect,
            "mobile": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "address_lines": forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
        }

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.person = person
        if not person.email:
            self.fields["channel"].choices = [
                c for c in self.fields["channel"].choices if c[0] != Channel.EMAIL
            ]


class InviteForm(forms.Form):
    full_name = forms.CharField(
        label=_("Name"),
        max_length=150,
        help_text=_("Their full name, as payments and letters need it. Only facilitators see it."),
    )
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_(
            "How other participants see them. They can change it. Leave empty to use the first "
            "word of their name."
        ),
    )
    email = forms.EmailField(label=_("Email address"))
    constituency = forms.ChoiceField(
        label=_("Constituency"),
        choices=Constituency.choices,
        help_text=_("Used for participation figures. Other participants do not see it."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.PARTICIPANT
    )
    language = forms.ChoiceField(
        label=_("Their language"),
        choices=[("", _("Not known"))] + list(settings.LANGUAGES),
        required=False,
        help_text=_(
            "The invitation and everything after it is sent in this language. The person can "
            "change it. If they already chose one, theirs is kept."
        ),
    )


class InviteManyForm(forms.Form):
    lines = forms.CharField(
        label=_("One person per line"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Write: name, email address or mobile number, constituency, and optionally a role "
            "and a language, separated by commas. Constituency is one of service_user, carer, "
            "staff, other. Role is one of participant, observer, facilitator. Language is "
            "English or Cymraeg: the invitation and what follows it are sent in it. People with "
            "a mobile number get the invitation by text message. Example: Sam Rivers, "
            "sam@example.org, service_user, participant, Cymraeg"
        ),
    )


class ManagedParticipantForm(forms.ModelForm):
    """A person without email: who they are, how to reach them, and the consent they gave."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    display_name = forms.CharField(
        label=_("Display name"), max_length=80, help_text=_("How other participants see them.")
    )
    constituency = forms.ChoiceField(label=_("Constituency"), choices=Constituency.choices)
    language = forms.ChoiceField(
        label=_("Their language"),
        choices=[("", _("Not known"))] + list(settings.LANGUAGES),
        required=False,
        help_text=_("Texts and letters to them are written in this language."),
    )
    consent_method = forms.ChoiceField(
        label=_("How did they give consent?"),
        choices=[c for c in Consent.Method.choices if c[0] != Consent.Method.ONLINE],
    )
    consent_confirmed = forms.BooleanField(
        label=_("They have agreed to the project's consent statement"),
        help_text=_("Read the statement to them, or give it to them in their preferred format."),
    )

    class Meta(ContactPreferencesForm.Meta):
        pass

    field_order = [
        "full_name",
        "display_name",
        "constituency",
        "language",
        *ContactPreferencesForm.Meta.fields,
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [c for c in Channel.choices if c[0] != Channel.EMAIL]
        self.fields["channel"].initial = Channel.PHONE_CALL

    def contact(self) -> dict:
        """The contact preferences given, for the service to save."""
        return {name: self.cleaned_data[name] for name in ContactPreferencesForm.Meta.fields}


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["display_name", "role", "constituency", "job_title"]


class DisplayNameForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["display_name"]


class ConsentForm(forms.Form):
    agree = forms.BooleanField(
        label=_("I agree to the statement above"),
        error_messages={
            "required": _("Tick the box to agree, or leave this page to decide later.")
        },
    )


class ConsentStatementForm(BilingualFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Consent statement"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Saving a change publishes a new version. People who join later agree to it."),
    )
    text_cy = forms.CharField(
        label=_("Consent statement in Welsh"), widget=forms.Textarea, required=False
    )
    text_easy_read = forms.CharField(
        label=_("Easy-read consent statement"), widget=forms.Textarea, required=False
    )
    text_easy_read_cy = forms.CharField(
        label=_("Easy-read consent statement in Welsh"), widget=forms.Textarea, required=False
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=200,
        help_text=_("You do not have to give a reason."),
    )


class AccessNeedsForm(forms.ModelForm):
    class Meta:
        model = AccessNeeds
        fields = [
            "bsl_interpreter",
            "other_interpreter",
            "easy_read",
            "large_print",
            "hearing_loop",
            "step_free_access",
            "carer_attending",
            "dietary",
            "other",
        ]
        widgets = {"other": forms.Textarea(attrs={"rows": 3})}
