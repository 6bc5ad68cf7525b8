import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from changes.selectors import project_changes_summary
from codesign.mixins import OrganisationMixin, ProjectMixin
from codesign.permissions import project_membership
from participants.models import Membership
from participants.services import current_consent
from sessions.calls.selectors import next_session_not_told
from sessions.selectors import sessions_for_project

from . import selectors, services
from .forms import (
    CurrentStageForm,
    JourneyStepFormSet,
    OrganisationForm,
    OrganisationRoleForm,
    ProjectCreateForm,
    ProjectStatusForm,
    ProjectUpdateForm,
    StageFormSet,
)
from .models import OrganisationRole, Project


class OrganisationDetailView(OrganisationMixin, TemplateView):
    template_name = "projects/organisation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["projects"] = selectors.organisation_projects(self.organisation, self.request.user)
        if self.request.user.has_perm("projects.manage_organisation", self.organisation):
            context["people"] = selectors.organisation_people(self.organisation)
            context["role_form"] = OrganisationRoleForm()
        return context


class OrganisationUpdateView(OrganisationMixin, FormView):
    permission_required = "projects.manage_organisation"
    template_name = "projects/organisation_form.html"
    form_class = OrganisationForm

    def get_form_kwargs(self):
        # A copy: the page's own header keeps the saved look while the form shows errors.
        return {**super().get_form_kwargs(), "instance": copy.copy(self.organisation)}

    def form_valid(self, form):
        fields = dict(form.cleaned_data)
        services.organisation_update(
            organisation=self.organisation,
            logo=fields.pop("logo_upload"),
            logo_remove=fields.pop("logo_remove", False),
            **fields,
        )
        messages.success(self.request, _("Organisation settings saved."))
        return redirect(self.organisation)


class OrganisationRoleAddView(OrganisationMixin, FormView):
    permission_required = "projects.manage_organisation"
    template_name = "projects/organisation_role_form.html"
    form_class = OrganisationRoleForm

    def form_valid(self, form):
        org_role = services.organisation_role_grant(
            organisation=self.organisation, granted_by=self.request.user, **form.cleaned_data
        )
        messages.success(
            self.request,
            _("%(person)s is now %(role)s.")
            % {"person": org_role.user.email, "role": org_role.get_role_display()},
        )
        return redirect(self.organisation)


class OrganisationRoleRemoveView(OrganisationMixin, TemplateView):
    permission_required = "projects.manage_organisation"
    template_name = "projects/organisation_role_confirm_remove.html"

    def get_org_role(self):
        return get_object_or_404(
            OrganisationRole.objects.select_related("user"),
            pk=self.kwargs["role_pk"],
            organisation=self.organisation,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(org_role=self.get_org_role(), **kwargs)

    def post(self, request, *args, **kwargs):
        org_role = self.get_org_role()
        try:
            services.organisation_role_revoke(org_role=org_role, revoked_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Role removed."))
        return redirect(self.organisation)


class ProjectCreateView(OrganisationMixin, FormView):
    permission_required = "projects.add_project"
    template_name = "projects/project_form.html"
    form_class = ProjectCreateForm

    def form_valid(self, form):
        project = services.project_create(
            organisation=self.organisation, created_by=self.request.user, **form.cleaned_data
        )
        messages.success(
            self.request,
            _("Project created as a draft. Check its stages, then invite people."),
        )
        return redirect(project)


class ProjectDetailView(ProjectMixin, TemplateView):
    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        membership = project_membership(self.request.user, self.project)
        sessions = list(
            sessions_for_project(
                self.project,
                membership,
                manage=self.request.user.has_perm("workshops.view_replies", self.project),
            )
        )
        now = timezone.now()
        context.update(
            upcoming_sessions=[s for s in sessions if s.is_coming_up(now)][:5],
            past_sessions=[s for s in sessions if not s.is_coming_up(now)][::-1][:3],
            stages=list(self.project.stages.all()),
            constituency_counts=selectors.constituency_counts(self.project),
            change_summary=project_changes_summary(self.project),
            membership=membership,
        )
        if self.request.user.has_perm("workshops.view_call_list", self.project):
            context["call_session"], context["not_told"] = next_session_not_told(self.project)
        consent = current_consent(membership) if membership else None
        latest = self.project.consent_statements.order_by("-version").first() if consent else None
        context.update(
            consent=consent,
            # Agreed to an earlier version: asked to read the new one and agree again.
            newer_statement=latest if latest and latest.pk != consent.statement_id else None,
        )
        return context

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            membership = project_membership(request.user, self.project)
            if (
                membership is not None
                and membership.status == Membership.Status.INVITED
                and not membership.managed_by_facilitator
            ):
                return redirect("participants:consent", project_pk=self.project.pk)
        return super().dispatch(request, *args, **kwargs)


class ProjectUpdateView(ProjectMixin, FormView):
    permission_required = "projects.change_project"
    template_name = "projects/project_edit.html"
    form_class = ProjectUpdateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.project}

    def form_valid(self, form):
        services.project_update(project=self.project, **form.cleaned_data)
        messages.success(self.request, _("Project saved."))
        return redirect(self.project)


class ProjectStatusView(ProjectMixin, FormView):
    """Publish, close or reopen: a confirmation page, then a POST."""

    permission_required = "projects.change_project"
    template_name = "projects/project_status.html"
    form_class = ProjectStatusForm

    def get_initial(self):
        target = self.request.GET.get("to", "")
        return {"status": target if target in Project.Status.values else ""}

    def form_valid(self, form):
        status = form.cleaned_data["status"]
        services.project_set_status(project=self.project, status=status, actor=self.request.user)
        messages.success(
            self.request,
            {
                Project.Status.ACTIVE: _("The project is now active."),
                Project.Status.CLOSED: _("The project is now closed."),
                Project.Status.DRAFT: _("The project is back to draft."),
            }[status],
        )
        return redirect(self.project)


class StageEditView(ProjectMixin, TemplateView):
    permission_required = "projects.change_project"
    template_name = "projects/stage_form.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", StageFormSet(instance=self.project))
        kwargs.setdefault(
            "current_stage_form",
            CurrentStageForm(
                project=self.project, initial={"current_stage": self.project.current_stage}
            ),
        )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        formset = StageFormSet(request.POST, instance=self.project)
        current_stage_form = CurrentStageForm(request.POST, project=self.project)
        if formset.is_valid() and current_stage_form.is_valid():
            services.stages_save(
                project=self.project, formset=formset, current_stage_form=current_stage_form
            )
            messages.success(request, _("Stages saved."))
            return HttpResponseRedirect(self.project.get_absolute_url())
        return self.render_to_response(
            self.get_context_data(formset=formset, current_stage_form=current_stage_form)
        )


class JourneyEditView(ProjectMixin, TemplateView):
    """Facilitators name, reorder, add and remove the steps of the project's journey."""

    permission_required = "projects.change_project"
    template_name = "projects/journey_form.html"
    page_title = gettext_lazy("Steps of the journey")

    def formset(self, data=None):
        following = self.project.journey_steps.count() + 1
        return JourneyStepFormSet(data, instance=self.project, initial=[{"order": following}])

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.formset())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        formset = self.formset(request.POST)
        if formset.is_valid():
            services.journey_save(project=self.project, formset=formset)
            messages.success(request, _("The journey is saved."))
            return redirect("contributions:touchpoint-map", project_pk=self.project.pk)
        return self.render_to_response(self.get_context_data(formset=formset))


class HomeView(TemplateView):
    """Signed out: what Codesign is. Signed in: my projects and organisations."""

    def get_template_names(self):
        if self.request.user.is_authenticated:
            return ["home.html"]
        return ["landing.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.is_authenticated:
            context.update(selectors.home_for(self.request.user))
        return context
