from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Report

ANONYMITY_HELP = _(
    "Nobody sees your name on this comment, not even the facilitators. You can still edit or "
    "withdraw it. Whether you are a service user, carer or staff member still counts in the "
    "project's figures."
)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_anonymous = forms.BooleanField(
        label=_("Comment anonymously"), required=False, help_text=ANONYMITY_HELP
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        if not project.allow_anonymous:
            del self.fields["is_anonymous"]


class ReplyForm(CommentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = _("Your reply")


class CommentEditForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Anything else the facilitators should know (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the project's facilitators read reports."),
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it hidden?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Its author sees this reason. Everyone else sees only that a facilitator hid it."
        ),
    )


class RedactForm(forms.Form):
    passage = forms.CharField(
        label=_("Words to remove"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Copy the exact words from the text, such as a name. Every place they appear is "
            "replaced by “[removed by a facilitator]”, and the rest of the text stays."
        ),
    )
