from django import forms
from django.utils.translation import gettext_lazy as _

from codesign import look
from codesign.forms import BilingualFormMixin
from participants.models import Constituency

from .models import (
    JourneyStep,
    Organisation,
    OrganisationRole,
    Project,
    Stage,
    time_zone_choices,
)

# What a facilitator may write in Welsh, and in easy read, on the project's forms.
PROJECT_WELSH_AND_EASY_READ = [
    "title_cy",
    "challenge_cy",
    "service_area_cy",
    "challenge_easy_read",
    "challenge_easy_read_cy",
    "invitation_easy_read",
    "invitation_easy_read_cy",
]


class ProjectCreateForm(BilingualFormMixin, forms.ModelForm):
    facilitator_constituency = forms.ChoiceField(
        label=_("You take part as"),
        choices=Constituency.choices,
        initial=Constituency.STAFF,
        help_text=_("Counted in participation figures like everyone else's."),
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "challenge",
            "service_area",
            "scope",
            "method",
            "hide_job_titles",
            "allow_anonymous",
            *PROJECT_WELSH_AND_EASY_READ,
        ]
        widgets = {
            "challenge": forms.Textarea(attrs={"rows": 4}),
            "method": forms.RadioSelect,
        }
        help_texts = {
            "method": _("The method sets the project's first stages. You can change them later."),
        }


class ProjectUpdateForm(BilingualFormMixin, forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "challenge",
            "service_area",
            "scope",
            "hide_job_titles",
            "allow_anonymous",
            "group_threshold",
            *PROJECT_WELSH_AND_EASY_READ,
        ]
        widgets = {
            "challenge": forms.Textarea(attrs={"rows": 4}),
            "group_threshold": forms.NumberInput(attrs={"min": 2, "max": 20}),
        }


class ProjectStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Project.Status.choices)


class StageForm(BilingualFormMixin, forms.ModelForm):
    class Meta:
        model = Stage
        fields = [
            "name",
            "description",
            "order",
            "starts_on",
            "ends_on",
            "name_cy",
            "description_cy",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "order": forms.NumberInput(attrs={"min": 1, "class": "stage-order"}),
        }


StageFormSet = forms.inlineformset_factory(
    Project, Stage, form=StageForm, extra=1, can_delete=True, min_num=1, validate_min=True
)


class CurrentStageForm(forms.Form):
    current_stage = forms.ModelChoiceField(
        label=_("Current stage"), queryset=Stage.objects.none(), required=False
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["current_stage"].queryset = project.stages.all()


class JourneyStepForm(forms.ModelForm):
    class Meta:
        model = JourneyStep
        fields = ["name", "order"]
        labels = {"name": _("Step"), "order": _("Place in the journey")}
        help_texts = {"name": _("In the words service users use, e.g. “Waiting”.")}
        widgets = {"order": forms.NumberInput(attrs={"min": 1})}


JourneyStepFormSet = forms.inlineformset_factory(
    Project, JourneyStep, form=JourneyStepForm, extra=1, can_delete=True
)


class OrganisationForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    logo_upload = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_(
            "A PNG or JPEG picture, at most 2 MB and 2000 × 2000 pixels. It is shown in the "
            "header of your pages, emails, posters and reports."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": look.LOGO_ACCEPT}),
    )
    logo_remove = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = Organisation
        fields = [
            "name",
            "time_zone",
            "parity_threshold",
            "safeguarding_text",
            "payment_policy",
            "consent_template",
            "bilingual_messages",
            "look_background",
            "look_text",
        ]
        widgets = {
            "safeguarding_text": forms.Textarea(attrs={"rows": 4}),
            "payment_policy": forms.Textarea(attrs={"rows": 4}),
            "consent_template": forms.Textarea(attrs={"rows": 6}),
            "look_background": forms.TextInput(attrs={"placeholder": look.DEFAULT_BACKGROUND}),
            "look_text": forms.TextInput(attrs={"placeholder": look.DEFAULT_TEXT}),
        }
        help_texts = {
            "look_background": _(
                "The header's background, as # and six hexadecimal digits. Leave both colours "
                "empty for Codesign's own."
            ),
            "look_text": _("The header's text, contrasting at least 4.5:1 with its background."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.logo:
            del self.fields["logo_remove"]

    def clean_look_background(self):
        return look.colour_normalise(self.cleaned_data["look_background"])

    def clean_look_text(self):
        return look.colour_normalise(self.cleaned_data["look_text"])

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        return look.logo_clean(upload) if upload else None


class OrganisationRoleForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        help_text=_("Only needed if the person has no Codesign account yet."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=OrganisationRole.Role.choices)
