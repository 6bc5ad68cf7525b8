from django import forms
from django.utils.translation import gettext_lazy as _

from changes.models import FollowUpCheck, ReflectiveLogEntry, ServiceChange
from contributions.models import Contribution
from sessions.models import WorkshopSession

from .models import CatalogueItem, Confidence, Lens, Stance
from .selectors import citable_themes


class CatalogueItemForm(forms.ModelForm):
    class Meta:
        model = CatalogueItem
        fields = ["lens", "name", "offered", "response", "description"]
        widgets = {
            "offered": forms.Textarea(attrs={"rows": 2}),
            "response": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def validate_unique(self):
        # The service checks the entry, and says so next to the name.
        pass


class TheoryForm(forms.Form):
    statements = forms.CharField(
        label=_("Statements"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One statement a line, for example “If staff hear patients' stories "
            "first-hand, they change how they work, when they have time to act.”"
        ),
    )
    reason = forms.CharField(
        label=_("Why it changed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you learnt that made you change it. Kept in the history."),
    )

    def clean_statements(self):
        lines = [line.strip() for line in self.cleaned_data["statements"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError(_("Write at least one statement."))
        return lines


def evidence_choices(project) -> list:
    """The project's evidence a CMO record can cite, grouped by kind, as "kind:id" values."""
    contributions = Contribution.objects.filter(
        project=project, withdrawn_at__isnull=True, hidden_at__isnull=True
    ).only("pk", "title", "kind")
    sessions = WorkshopSession.objects.filter(project=project).only("pk", "title")
    changes = ServiceChange.objects.filter(project=project).only("pk", "title")
    follow_ups = FollowUpCheck.objects.filter(change__project=project).select_related("change")
    reflections = ReflectiveLogEntry.objects.filter(session__project=project).select_related(
        "session"
    )
    themes = citable_themes(project).only("pk", "name", "project_id")
    return [
        (
            _("Contributions"),
            [(f"contribution:{c.pk}", f"{c.get_kind_display()}: {c.title}") for c in contributions],
        ),
        (_("Sessions"), [(f"session:{s.pk}", s.title) for s in sessions]),
        (_("Service changes"), [(f"change:{c.pk}", c.title) for c in changes]),
        (
            _("Follow-up checks"),
            [(f"follow_up:{f.pk}", str(f)) for f in follow_ups],
        ),
        (
            _("Accepted themes"),
            [
                (
                    f"theme:{t.pk}",
                    _("%(name)s (across projects)") % {"name": t.name}
                    if t.across_projects
                    else t.name,
                )
                for t in themes
            ],
        ),
        (
            _("Reflective log"),
            [
                (f"reflection:{r.pk}", _("Reflection on %(session)s") % {"session": r.session})
                for r in reflections
            ],
        ),
    ]


EVIDENCE_MODELS = {
    "contribution": (Contribution, "project"),
    "session": (WorkshopSession, "project"),
    "change": (ServiceChange, "project"),
    "follow_up": (FollowUpCheck, "change__project"),
    "reflection": (ReflectiveLogEntry, "session__project"),
}


class CmoLinkForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("An entry of the catalogue"),
        queryset=CatalogueItem.objects.none(),
        required=False,
        help_text=_(
            "A mechanism, management practice, context or power relation this case is about."
        ),
    )
    evidence = forms.ChoiceField(
        label=_("Or a piece of evidence from this project"), required=False
    )
    stance = forms.ChoiceField(
        label=_("Does it support or contradict the record?"),
        choices=Stance.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "For a mechanism: “contradicts” means it did not fire here. Keep those "
            "cases: they show where it does not work."
        ),
    )
    confidence = forms.ChoiceField(
        label=_("How confident are you?"), choices=Confidence.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["item"].queryset = CatalogueItem.objects.filter(
            organisation_id=project.organisation_id
        )
        self.fields["item"].label_from_instance = lambda item: (
            f"{Lens(item.lens).label}: {item.name}"
        )
        self.fields["evidence"].choices = [("", "---------"), *evidence_choices(project)]

    def clean(self):
        cleaned = super().clean()
        item, evidence = cleaned.get("item"), cleaned.get("evidence")
        if bool(item) == bool(evidence):
            self.add_error(
                "item", _("Choose one: an entry of the catalogue or a piece of evidence.")
            )
            return cleaned
        if evidence:
            kind, _colon, pk = evidence.partition(":")
            if kind == "theme":
                obj = citable_themes(self.project).filter(pk=pk).first()
            else:
                model, lookup = EVIDENCE_MODELS[kind]
                obj = model.objects.filter(pk=pk, **{lookup: self.project}).first()
            if obj is None:
                self.add_error("evidence", _("Choose evidence from this project."))
            cleaned["target"] = {kind: obj}
        else:
            cleaned["target"] = {"item": item}
        return cleaned
