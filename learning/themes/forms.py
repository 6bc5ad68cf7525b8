from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Theme


class ThemeDecisionForm(forms.Form):
    DECISIONS = [("accept", _("Accept it")), ("reject", _("Reject it: it is not a theme"))]

    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        required=False,
        help_text=_("Say what the theme is about in people's own words."),
    )
    decision = forms.ChoiceField(
        label=_("Your decision"), choices=DECISIONS, widget=forms.RadioSelect
    )


class ThemeMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("Merge it into"), queryset=Theme.objects.none(), widget=forms.RadioSelect
    )

    def __init__(self, *args, theme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (
            Theme.objects.filter(
                project_id=theme.project_id,
                organisation_id=theme.organisation_id,
                status__in=[Theme.Status.SUGGESTED, Theme.Status.ACCEPTED],
            )
            .exclude(pk=theme.pk)
            .order_by("name")
        )


class ThemeRoundForm(forms.Form):
    themes = forms.ModelMultipleChoiceField(
        label=_("Accepted themes"),
        queryset=Theme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The ideas in these themes are the round's choices."),
    )
    title = forms.CharField(label=_("Title"), max_length=150, initial=_("Which ideas matter most?"))
    dots_per_person = forms.IntegerField(
        label=_("Dots per person"), min_value=1, max_value=10, initial=3
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.filter(
            project=project, status=Theme.Status.ACCEPTED
        ).order_by("name")
