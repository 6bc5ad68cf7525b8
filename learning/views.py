"""The organisation's learning view, its catalogue and programme theory, and a project's CMO
records with their links."""

import difflib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from changes.models import Evidence
from codesign.forms import put_errors_in_form
from codesign.mixins import (
    OrganisationMixin,
    ProjectMixin,
    ProjectObjectMixin,
    ScopedObjectMixin,
)

from . import selectors, services
from .forms import CatalogueItemForm, CmoLinkForm, TheoryForm
from .models import CatalogueItem, CmoLink, Lens, ProgrammeTheoryVersion


def overview_url(organisation) -> str:
    return reverse("learning:overview", args=[organisation.pk])


class LearningMixin(OrganisationMixin):
    permission_required = "learning.view_learning"

    @cached_property
    def projects(self):
        return selectors.learning_projects(self.organisation, self.request.user)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("page_title", getattr(self, "page_title", ""))
        return super().get_context_data(**kwargs)


class OverviewView(LearningMixin, TemplateView):
    """The five lenses: the programme theory, the catalogue with its evidence, the CMO records
    across projects and the impact of the changes behind them."""

    template_name = "learning/overview.html"
    page_title = gettext_lazy("Learning across projects")

    def get_context_data(self, **kwargs):
        by_lens = selectors.catalogue(self.organisation, self.projects)
        records = list(selectors.cmo_records(self.projects))
        for record in records:
            for link in record.evidence_links:
                link.label = selectors.evidence_label(link, with_titles=False)
        return super().get_context_data(
            theory=services.theory_current(self.organisation),
            lenses=[(Lens(lens).label, lens, items) for lens, items in by_lens.items()],
            records=records,
            impact=selectors.impact(self.projects),
            cqc=selectors.cqc_counts(self.projects),
            **kwargs,
        )


class MechanismDetailView(ScopedObjectMixin, LearningMixin, TemplateView):
    model = CatalogueItem
    object_url_kwarg = "item_pk"
    context_object_name = "item"
    template_name = "learning/mechanism_detail.html"

    def get_object_scope(self):
        return {"organisation": self.organisation, "lens": Lens.MECHANISM}

    def get_context_data(self, **kwargs):
        view = selectors.mechanism_view(self.scoped_object, self.projects)
        for case in view.fired + view.not_fired:
            for link in case.evidence:
                link.label = selectors.evidence_label(link, with_titles=False)
        return super().get_context_data(
            view=view,
            groups=selectors.group_rows(view.contributors),
            page_title=self.scoped_object.name,
            **kwargs,
        )


class CatalogueFormMixin:
    permission_required = "learning.manage_catalogue"
    form_class = CatalogueItemForm
    template_name = "learning/item_form.html"

    def save(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            item = self.save(form)
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("“%(name)s” is saved in the catalogue.") % {"name": item})
        return redirect(overview_url(self.organisation) + f"#item-{item.pk}")


class ItemCreateView(CatalogueFormMixin, LearningMixin, FormView):
    page_title = gettext_lazy("Add to the catalogue")

    def get_initial(self):
        lens = self.request.GET.get("lens")
        return {"lens": lens} if lens in Lens.values else {}

    def save(self, form):
        return services.catalogue_item_create(organisation=self.organisation, **form.cleaned_data)


class ItemEditView(CatalogueFormMixin, ScopedObjectMixin, LearningMixin, FormView):
    model = CatalogueItem
    object_url_kwarg = "item_pk"
    context_object_name = "item"
    page_title = gettext_lazy("Edit a catalogue entry")

    def get_object_scope(self):
        return {"organisation": self.organisation}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.scoped_object}

    def save(self, form):
        # The form has already written its values on the instance; the service checks them.
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        return services.catalogue_item_update(item=self.scoped_object, **fields)


class ItemDeleteView(ScopedObjectMixin, LearningMixin, TemplateView):
    permission_required = "learning.manage_catalogue"
    model = CatalogueItem
    object_url_kwarg = "item_pk"
    context_object_name = "item"
    template_name = "learning/item_confirm_delete.html"
    page_title = gettext_lazy("Remove from the catalogue")

    def get_object_scope(self):
        return {"organisation": self.organisation}

    def get_context_data(self, **kwargs):
        return super().get_context_data(links=self.scoped_object.links.count(), **kwargs)

    def post(self, request, *args, **kwargs):
        name = str(self.scoped_object)
        services.catalogue_item_delete(item=self.scoped_object)
        messages.success(request, _("“%(name)s” is removed from the catalogue.") % {"name": name})
        return redirect(overview_url(self.organisation))


class TheoryEditView(LearningMixin, FormView):
    permission_required = "learning.revise_theory"
    form_class = TheoryForm
    template_name = "learning/theory_form.html"
    page_title = gettext_lazy("Revise the programme theory")

    def get_initial(self):
        current = services.theory_current(self.organisation)
        return {"statements": "\n".join(current.statements)} if current else {}

    def form_valid(self, form):
        try:
            version = services.theory_revise(
                organisation=self.organisation,
                changed_by=self.request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Version %(number)s of the programme theory is saved.") % {"number": version.number},
        )
        return redirect(overview_url(self.organisation) + "#theory")


def statement_changes(before: list[str], after: list[str]) -> list[tuple[str, str]]:
    """Each statement of a version beside the one before it: ("added"|"removed"|"kept", text)."""
    marks = {"+ ": "added", "- ": "removed", "  ": "kept"}
    return [
        (marks[line[:2]], line[2:]) for line in difflib.ndiff(before, after) if line[:2] in marks
    ]


class TheoryHistoryView(LearningMixin, TemplateView):
    template_name = "learning/theory_history.html"
    page_title = gettext_lazy("History of the programme theory")

    def get_context_data(self, **kwargs):
        versions = list(
            ProgrammeTheoryVersion.objects.filter(organisation=self.organisation)
            .select_related("changed_by")
            .order_by("number")
        )
        previous: list[str] = []
        for version in versions:
            version.changes = statement_changes(previous, version.statements)
            previous = version.statements
        return super().get_context_data(versions=versions[::-1], **kwargs)


class ProjectCmoListView(ProjectMixin, TemplateView):
    """A project's CMO records and what each is linked to, for its facilitators."""

    permission_required = "learning.view_project_cmo"
    template_name = "learning/project_cmo_list.html"
    page_title = gettext_lazy("CMO records and their evidence")

    def get_context_data(self, **kwargs):
        records = list(selectors.project_cmo_records(self.project))
        for record in records:
            for link in record.coded + record.evidence_links:
                link.label = selectors.evidence_label(link, with_titles=True)
        return super().get_context_data(records=records, **kwargs)


def project_cmo_url(project) -> str:
    return reverse("learning:project-cmo-list", args=[project.pk])


class CmoLinkAddView(ProjectObjectMixin, FormView):
    permission_required = "learning.link_cmo"
    permission_on_project = True
    model = Evidence
    object_url_kwarg = "cmo_pk"
    context_object_name = "cmo"
    project_lookup = "change__project"
    template_name = "learning/cmo_link_form.html"
    form_class = CmoLinkForm
    page_title = gettext_lazy("Link a CMO record")

    def get_object_scope(self):
        return {**super().get_object_scope(), "kind": Evidence.Kind.CMO}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def form_valid(self, form):
        self.scoped_object  # noqa: B018 (found before anything is written)
        try:
            services.cmo_link_add(
                cmo=self.scoped_object,
                created_by=self.request.user,
                stance=form.cleaned_data["stance"],
                confidence=form.cleaned_data["confidence"],
                **form.cleaned_data["target"],
            )
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The link is saved."))
        return redirect(project_cmo_url(self.project) + f"#cmo-{self.scoped_object.pk}")


class CmoLinkRemoveView(ProjectObjectMixin, TemplateView):
    permission_required = "learning.link_cmo"
    permission_on_project = True
    model = CmoLink
    object_url_kwarg = "link_pk"
    context_object_name = "link"
    project_lookup = "cmo__change__project"
    select_related = ("item", "cmo", *selectors.EVIDENCE_RELATED)
    template_name = "learning/cmo_link_confirm_remove.html"
    page_title = gettext_lazy("Remove a link")

    def get_object_scope(self):
        return {**super().get_object_scope(), "cmo_id": self.kwargs["cmo_pk"]}

    def get_context_data(self, **kwargs):
        label = selectors.evidence_label(self.scoped_object, with_titles=True)
        return super().get_context_data(label=label, **kwargs)

    def post(self, request, *args, **kwargs):
        cmo_pk = self.scoped_object.cmo_id
        services.cmo_link_remove(link=self.scoped_object)
        messages.success(request, _("The link is removed."))
        return redirect(project_cmo_url(self.project) + f"#cmo-{cmo_pk}")
