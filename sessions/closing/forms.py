"""Forms for closing a session and for involvement payments."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from codesign import images
from codesign.dates import validate_sane_date

from ..models import ExpenseClaim, OrganisationPaymentTerms, PaymentPolicy, Recognition, WalkIn
from .services import covered_expense_kinds


def check_size(upload, limit: int) -> None:
    if upload.size > limit:
        raise forms.ValidationError(
            _("The file is %(size)s; the most we accept is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_big",
        )


class SessionCloseForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label=_("Who came"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    record_notes = forms.CharField(
        label=_("Notes from the session"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was discussed, decisions and anything to follow up."),
    )
    outputs = forms.CharField(
        label=_("What came out of it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ideas, priorities and agreed actions. Members of the project see this."),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.fields["attended"].choices = [(str(m.pk), m.display_name) for m in self.members]

    def attendance_rows(self):
        """Each member with whether their box is ticked, for the quick attendance list."""
        ticked = {str(pk) for pk in self["attended"].value() or []}
        return [(member, str(member.pk) in ticked) for member in self.members]


class WalkInForm(forms.ModelForm):
    class Meta:
        model = WalkIn
        fields = ["name", "constituency", "email"]
        help_texts = {
            "constituency": _("Counts in the session's participation figures."),
            "email": _("With an email address, you can invite them to the project afterwards."),
        }


class SessionPhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": images.ACCEPT}),
        help_text=_(
            "A JPEG, PNG or WebP photo of a flipchart or other room output. "
            "Location and camera details are removed."
        ),
    )
    caption = forms.CharField(
        label=_("What it shows"),
        max_length=200,
        required=False,
        help_text=_(
            "Read out by screen readers. Left empty, it is called “Photo of room output” "
            "and a number."
        ),
    )

    def clean_image(self):
        upload = self.cleaned_data["image"]
        check_size(upload, settings.SESSION_PHOTO_MAX_BYTES)
        images.image_check(upload)
        return upload


class PaymentPolicyForm(forms.ModelForm):
    class Meta:
        model = PaymentPolicy
        fields = [
            "basis",
            "hourly_rate",
            "fixed_amount",
            "covers_travel",
            "covers_carer_cover",
            "covers_other",
            "pay_staff",
            "notes",
        ]
        widgets = {"basis": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "notes": _(
                "In plain words: what people are paid, how and when, and which expenses are "
                "covered. Participants see this with their payments."
            )
        }


class OrganisationPaymentTermsForm(forms.ModelForm):
    class Meta:
        model = OrganisationPaymentTerms
        fields = list(OrganisationPaymentTerms.TERMS)
        widgets = {"basis": forms.RadioSelect}


class RecognitionForm(forms.Form):
    """A payment's status, with a status field per expense claimed."""

    payment_status = forms.ChoiceField(
        label=_("Payment"), choices=Recognition.PaymentStatus.choices
    )
    paid_on = forms.DateField(
        label=_("Paid on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_sane_date],
    )
    payment_reference = forms.CharField(
        label=_("Payment reference"),
        max_length=100,
        required=False,
        help_text=_("From the finance system, for a payment that has been made."),
    )
    benefits_advice_offered = forms.BooleanField(
        label=_("Benefits advice offered"),
        required=False,
        help_text=_(
            "Payments can affect some benefits. Tick once the person has been offered advice."
        ),
    )

    def __init__(self, *args, recognition, expenses=(), **kwargs):
        kwargs.setdefault(
            "initial", {name: getattr(recognition, name) for name in self.base_fields}
        )
        super().__init__(*args, **kwargs)
        self.expenses = list(expenses)
        for expense in self.expenses:
            self.fields[f"expense_{expense.pk}"] = forms.ChoiceField(
                label=_("Status of %(expense)s") % {"expense": expense},
                choices=ExpenseClaim.Status.choices,
                initial=expense.status,
            )

    def expense_fields(self):
        return [(expense, self[f"expense_{expense.pk}"]) for expense in self.expenses]

    def expense_statuses(self) -> dict[int, str]:
        return {e.pk: self.cleaned_data[f"expense_{e.pk}"] for e in self.expenses}

    # A paid payment needs its date and reference: Recognition.clean says so, next to the
    # fields, when the service saves it.


class ExpenseClaimForm(forms.Form):
    kind = forms.ChoiceField(label=_("What kind of expense"))
    amount = forms.DecimalField(
        label=_("Amount (£)"), min_value=Decimal("0.01"), max_value=10000, decimal_places=2
    )
    description = forms.CharField(
        label=_("What for"),
        max_length=200,
        required=False,
        help_text=_("For example: bus fare from Riverside and back."),
    )
    receipt = forms.FileField(
        label=_("Receipt (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": images.ACCEPT + ",application/pdf"}),
        help_text=_("A photo of the receipt or a PDF. Only you and the facilitators can see it."),
    )

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = covered_expense_kinds(policy)
        self.fields["kind"].choices = [
            (value, label) for value, label in ExpenseClaim.Kind.choices if value in kinds
        ]

    def clean_receipt(self):
        """Return (extension, file): a PDF, or a picture whose header says it is one we take."""
        upload = self.cleaned_data.get("receipt")
        if not upload:
            return None
        check_size(upload, settings.RECEIPT_MAX_BYTES)
        upload.seek(0)
        is_pdf = upload.read(5) == b"%PDF-"
        upload.seek(0)
        if is_pdf:
            return "pdf", upload
        try:
            image_format = images.image_check(upload)
        except forms.ValidationError as error:
            if error.code != "invalid_image":
                raise
            raise forms.ValidationError(
                _("Upload the receipt as a PDF, or as a JPEG, PNG or WebP photo."),
                code="invalid_receipt",
            ) from None
        return image_format.lower(), upload
