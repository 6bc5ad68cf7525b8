from django import forms
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from codesign import rows
from codesign.forms import SubmissionKeyField, SubmissionKeyMixin
from participants.models import Membership

from .models import Contribution, Tag

ANONYMITY_EXPLAINED = _(
    "Nobody sees who wrote it: not other participants, not staff, not the facilitators. "
    "It still counts towards the share of contributions from service users and carers, or "
    "from staff, because we keep which group you belong to. You can still edit or withdraw it."
)


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, session):
        return f"{session.title} ({date_format(localtime(session.starts_at), 'j M Y')})"


class SourceChoiceField(forms.ModelMultipleChoiceField):
    # Only the kind and the title: the author is never part of the label.
    def label_from_instance(self, contribution):
        if contribution.hidden_at:
            hidden = _("hidden by a facilitator")
            return f"{contribution.get_kind_display()}: {hidden}"
        return f"{contribution.get_kind_display()}: {contribution.title}"


class JourneyStepField(forms.TypedChoiceField):
    """Where in the project's journey it happened, chosen from the project's steps as read
    once for the form (``journey_steps``): checking one costs no query."""

    def __init__(self, *, project, steps, **kwargs):
        names = {str(pk): name for pk, name in steps}
        kwargs.setdefault("label", _("Where in the journey?"))
        super().__init__(
            choices=[("", _("Not on one step / not sure")), *names.items()],
            coerce=lambda pk: project.journey_steps.model(
                pk=int(pk), name=names[pk], project_id=project.pk
            ),
            empty_value=None,
            required=False,
            **kwargs,
        )


def journey_steps(project) -> list[tuple[int, str]]:
    """The project's journey steps in order, as (id, name), in a query written once a process
    (``codesign.rows``): cheaper than a fetch from the cache was, so they are not kept."""
    return journey_steps_read(project).run()


def journey_steps_read(project) -> rows.Read:
    """``journey_steps`` as a read, to run with the page's others."""
    read = rows.many_read(
        project.journey_steps.model, order_by=("order", "id"), project_id=project.pk
    )
    return rows.Read(
        read.connection,
        read.sql,
        read.params,
        lambda found: [(step.pk, step.name) for step in read.take(found)],
    )


def add_journey_step_field(form, project, *, after: str, steps=None) -> None:
    """Give a form the project's journey steps after the field named `after`, if it has any
    (``steps``: as ``journey_steps`` reads them, when the page has them)."""
    if steps is None:
        steps = journey_steps(project)
    if not steps:
        return
    field = JourneyStepField(
        project=project,
        steps=steps,
        help_text=_("The step of the journey this moment belongs to, so the map can show it."),
    )
    names = list(form.fields)
    position = names.index(after) + 1 if after in names else len(names)
    names.insert(position, "journey_step")
    form.fields = {name: form.fields.get(name, field) for name in names}


class QuickContributionForm(SubmissionKeyMixin, forms.Form):
    """What the board's own form asks: the kind, a title, the person's words, how it felt and
    whether to post anonymously. `ContributionForm` adds the stage, the session and what is
    behind an idea.

    Without a fixed kind the person chooses it, and fields for other kinds are left out by
    the service (an experience keeps no emotion). Adding carries a one-time submission key
    (editing does not: it changes the row it is about).
    """

    kind = forms.ChoiceField(
        label=_("What are you adding?"),
        choices=Contribution.Kind.choices,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=150,
        help_text=_("A few words that sum it up."),
    )
    body = forms.CharField(
        label=_("In your own words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Plain text. Line breaks are kept."),
    )
    emotion = forms.ChoiceField(
        label=_("How did it feel at this point?"),
        choices=Contribution.Emotion.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    is_anonymous = forms.BooleanField(
        label=_("Post anonymously"),
        required=False,
        help_text=ANONYMITY_EXPLAINED,
    )
    submission_key = SubmissionKeyField()

    def __init__(self, *args, project, kind=None, adding=True, steps=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fixed_kind = kind
        if not adding:
            del self.fields["submission_key"]
        if kind is not None:
            del self.fields["kind"]
        if kind not in (None, Contribution.Kind.TOUCHPOINT):
            del self.fields["emotion"]
        elif kind is None:
            self.fields["emotion"].help_text = _("For a touchpoint only.")
        else:
            self.fields["emotion"].required = True
            self.fields["emotion"].error_messages["required"] = _(
                "Choose how it felt at this point."
            )
        if not project.allow_anonymous:
            del self.fields["is_anonymous"]
        if kind != Contribution.Kind.IDEA:
            add_journey_step_field(self, project, after="emotion", steps=steps)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Contribution.Kind.TOUCHPOINT and not cleaned.get("emotion"):
            self.add_error("emotion", _("Choose how it felt at this point."))
        return cleaned

    def contribution_fields(self) -> dict:
        """The cleaned values, named as the services take them."""
        data = dict(self.cleaned_data)
        kind = data.pop("kind", self.fixed_kind)
        if kind != Contribution.Kind.TOUCHPOINT:
            data.pop("emotion", None)
        if kind == Contribution.Kind.IDEA:
            data.pop("journey_step", None)
        if kind != Contribution.Kind.IDEA:
            data.pop("sources", None)
        return {"kind": kind, **data}


class ContributionForm(QuickContributionForm):
    """An experience, a touchpoint or an idea, with the stage of the journey, the session it
    came up in and (for an idea) the experiences and touchpoints behind it."""

    stage = forms.ModelChoiceField(
        label=_("Stage of the journey"),
        queryset=None,
        required=False,
        empty_label=_("Anywhere in the journey / not sure"),
    )
    session = SessionChoiceField(
        label=_("Session it came up in"),
        queryset=None,
        required=False,
        empty_label=_("Not from a session"),
    )
    sources = SourceChoiceField(
        label=_("What is behind this idea?"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the experiences and touchpoints that led to it, if any."),
    )
    field_order = [
        "kind",
        "title",
        "body",
        "emotion",
        "journey_step",
        "stage",
        "session",
        "sources",
        "is_anonymous",
        "submission_key",
    ]

    def __init__(
        self, *args, project, sessions, kind=None, current_sources=(), adding=True, **kwargs
    ):
        super().__init__(*args, project=project, kind=kind, adding=adding, **kwargs)
        self.fields["stage"].queryset = project.stages.all()
        self.fields["session"].queryset = sessions
        if kind in (None, Contribution.Kind.IDEA):
            # Visible experiences and touchpoints, and whatever it already cites (so editing
            # does not silently drop a source that has since been hidden).
            self.fields["sources"].queryset = (
                project.contributions.visible()
                .exclude(kind=Contribution.Kind.IDEA)
                .filter(Q(hidden_at__isnull=True) | Q(pk__in=[s.pk for s in current_sources]))
                .order_by("kind", "title", "pk")
            )
            if kind is None:
                self.fields["sources"].label = _("What is behind it? (for an idea)")
        else:
            del self.fields["sources"]


class ContributionForForm(ContributionForm):
    """A facilitator adds what someone gave them on paper, by phone or in the room."""

    member = forms.ModelChoiceField(
        label=_("Who is it from?"),
        queryset=None,
        empty_label=_("Choose the person"),
        help_text=_(
            "It is recorded as theirs and counts for their group. Everyone sees that a "
            "facilitator added it, unless it is anonymous."
        ),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, project=project, **kwargs)
        self.fields["member"].queryset = Membership.objects.filter(
            project=project, role=Membership.Role.PARTICIPANT, status=Membership.Status.ACTIVE
        ).order_by("-managed_by_facilitator", "display_name", "pk")
        self.fields["member"].label_from_instance = self.member_label
        self.order_fields(["member", *self.fields])
        if "is_anonymous" in self.fields:
            self.fields["is_anonymous"].label = _("They asked for it to be anonymous")
            self.fields["is_anonymous"].help_text = _(
                "Nobody else sees who it is from: not other participants, not staff, not the "
                "other facilitators; nor that a facilitator added it. It still counts towards "
                "their group's share. They can still ask you to change or withdraw it."
            )

    @staticmethod
    def member_label(membership):
        label = f"{membership.display_name} · {membership.get_constituency_display()}"
        if membership.managed_by_facilitator:
            label += " · " + str(_("managed by a facilitator"))
        return label

    def contribution_fields(self) -> dict:
        data = super().contribution_fields()
        data["author"] = data.pop("member")
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=Contribution.Status.choices, widget=forms.RadioSelect
    )
    status_note = forms.CharField(
        label=_("Note to the author and everyone"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Short and in plain words. Shown on the idea; its author is told. "
            "Required when it is not taken forward: say why."
        ),
    )


class ContributionTagsForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = Tag.objects.filter(project=project)


class TagForm(forms.Form):
    name = forms.CharField(label=_("New tag"), max_length=50)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Write the tag."))
        return name
