from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView

from codesign.filters import FilteredListMixin
from codesign.forms import put_errors_in_form
from codesign.mixins import ProjectMixin, ProjectObjectMixin

from . import selectors, services
from .filters import ChangeFilter
from .forms import ChangeForm, EvidenceForm, FollowUpForm, StatusForm
from .models import Evidence, FollowUpCheck, ServiceChange


class ChangeListView(FilteredListMixin, ProjectMixin, ListView):
    """The project's service changes, by status, with the overdue ones marked."""

    permission_required = "changes.view_changes"
    template_name = "changes/change_list.html"
    page_title = gettext_lazy("Service changes")
    filterset_class = ChangeFilter
    paginate_by = 20
    context_object_name = "changes"

    def get_unfiltered_queryset(self):
        return selectors.change_list(self.project)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for change in context["changes"]:
            change.project = self.project
        return context


class ChangeMixin(ProjectObjectMixin):
    """A view about one service change of the project in the URL; unseen ones are a 404."""

    model = ServiceChange
    object_url_kwarg = "change_pk"
    context_object_name = "change"
    visibility_permission = "changes.view_change"
    select_related = ("owner",)

    @property
    def change(self):
        return self.scoped_object


class ChangeFormMixin:
    template_name = "changes/change_form.html"
    form_class = ChangeForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "project": self.project,
            "contributions": selectors.contributions_to_choose(self.project),
        }

    def form_valid(self, form):
        fields = dict(form.cleaned_data)
        contributions = list(fields.pop("contributions"))
        fields["owner_role"] = fields["owner_role"].strip()
        try:
            change = self.save(fields, contributions)
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        return self.saved(change)


class ChangeCreateView(ChangeFormMixin, ProjectMixin, FormView):
    """A facilitator turns contributions (or nothing) into a proposed service change."""

    permission_required = "changes.add_change"
    page_title = gettext_lazy("New service change")

    def get_initial(self):
        wanted = set()
        for value in self.request.GET.getlist("from"):
            # An id past the database's 64-bit range is no contribution (and overflows SQLite).
            wanted.update(
                part for part in value.split(",") if part.strip().isdigit() and int(part) < 2**63
            )
        if not wanted:
            return {}
        chosen = selectors.contributions_to_choose(self.project).filter(pk__in=wanted)
        return {"contributions": list(chosen)}

    def save(self, fields, contributions):
        return services.change_create(
            project=self.project,
            created_by=self.request.user,
            contributions=contributions,
            **fields,
        )

    def saved(self, change):
        messages.success(self.request, _("“%(title)s” is proposed.") % {"title": change.title})
        return redirect(change)


class ChangeUpdateView(ChangeFormMixin, ChangeMixin, FormView):
    permission_required = "changes.change_change"
    page_title = gettext_lazy("Edit the change")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "with_progress": False}

    def get_initial(self):
        change = self.change
        return {
            "title": change.title,
            "description": change.description,
            "contributions": list(change.contributions.visible()),
            "owner": change.owner,
            "owner_role": change.owner_role,
            "scope": change.scope,
            "approver": change.approver,
            "approved": change.approved,
            "target_date": change.target_date,
            "cqc_statements": change.cqc_statements,
            "title_cy": change.title_cy,
            "description_cy": change.description_cy,
        }

    def save(self, fields, contributions):
        return services.change_update(
            change=self.change,
            changed_by=self.request.user,
            contributions=contributions,
            **fields,
        )

    def saved(self, change):
        messages.success(self.request, _("Your changes are saved."))
        return redirect(change)


class ChangeDetailView(ChangeMixin, TemplateView):
    """A change: what, who, how far, its timeline, what it came from and its evidence.

    Managers see where it came from only in figures: never which contributions, or whose.
    """

    template_name = "changes/change_detail.html"

    @property
    def page_title(self):
        return self.change.title

    def get_context_data(self, **kwargs):
        change = self.change
        return super().get_context_data(
            behind=selectors.behind_change(change),
            timeline=selectors.change_timeline(change),
            evidence=selectors.change_evidence(change),
            follow_ups=selectors.change_follow_ups(change),
            **kwargs,
        )


class ChangeStatusView(ChangeMixin, FormView):
    """Move a change on: status, progress and a note, each move a dated timeline entry."""

    permission_required = "changes.change_change"
    template_name = "changes/change_status.html"
    form_class = StatusForm
    page_title = gettext_lazy("Status and progress")

    def get_initial(self):
        return {
            "status": self.change.status,
            "progress": self.change.progress,
            "reason": self.change.reason,
        }

    def form_valid(self, form):
        before = self.change.status
        data = form.cleaned_data
        try:
            change = services.change_set_status(
                change=self.change,
                status=data["status"],
                progress=data["progress"],
                note=data["note"],
                reason=data["reason"].strip(),
                changed_by=self.request.user,
            )
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        if change.status != before:
            messages.success(
                self.request,
                _("Saved. Everyone whose contribution it came from has been told."),
            )
        else:
            messages.success(self.request, _("Saved on the timeline."))
        return redirect(change)


class EvidenceAddView(ChangeMixin, FormView):
    """Record a note or a context–mechanism–outcome record about the change's effect."""

    permission_required = "changes.change_change"
    template_name = "changes/evidence_form.html"
    form_class = EvidenceForm
    page_title = gettext_lazy("Add evidence")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def form_valid(self, form):
        fields = dict(form.cleaned_data)
        if fields["kind"] == Evidence.Kind.NOTE:
            fields.update(context="", mechanism="", outcome="")
        try:
            services.evidence_add(change=self.change, created_by=self.request.user, **fields)
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Evidence added."))
        return redirect(self.change)


class FollowUpRecordView(ProjectObjectMixin, FormView):
    """The owner or a facilitator records whether a change has stuck."""

    model = FollowUpCheck
    object_url_kwarg = "follow_up_pk"
    context_object_name = "follow_up"
    project_lookup = "change__project"
    select_related = ("change__owner",)
    visibility_permission = "changes.view_change"
    permission_required = "changes.record_follow_up"
    template_name = "changes/follow_up_form.html"
    form_class = FollowUpForm
    page_title = gettext_lazy("Has it stuck?")

    @property
    def follow_up(self):
        return self.scoped_object

    def get_initial(self):
        return {"outcome": self.follow_up.outcome, "note": self.follow_up.outcome_note}

    def get_context_data(self, **kwargs):
        return super().get_context_data(change=self.follow_up.change, **kwargs)

    def form_valid(self, form):
        services.follow_up_record(
            check=self.follow_up,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"].strip(),
            recorded_by=self.request.user,
        )
        messages.success(self.request, _("Saved on the change's timeline."))
        return redirect(self.follow_up.change)
