"""Themes across an organisation's projects: asked for and decided by its admins and managers,
who see each theme's words, how many contributions came from each project and who said it by
group; the contributions themselves only where they may read the project's board."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from codesign.mixins import ScopedObjectMixin
from codesign.permissions import remember_memberships

from ..models import Theme
from ..views import LearningMixin
from . import selectors, services
from .views import DecideThemeMixin, MergeThemeMixin


def organisation_themes_url(organisation, anchor="") -> str:
    url = reverse("learning:organisation-theme-list", args=[organisation.pk])
    return url + (f"#{anchor}" if anchor else "")


class OrganisationThemeListView(LearningMixin, TemplateView):
    """The themes; each cites its contributions by project and, to those who may read a
    project's board (its facilitators, the organisation's admins), by title."""

    template_name = "learning/themes/organisation_theme_list.html"
    page_title = gettext_lazy("Themes across projects")

    def get_context_data(self, **kwargs):
        themes = selectors.organisation_themes(self.organisation)
        projects = list(self.projects)
        remember_memberships(self.request.user, [project.pk for project in projects])
        readable = {
            project.pk
            for project in projects
            if self.request.user.has_perm("learning.decide_themes", project)
        }
        for theme in themes.suggested + themes.accepted + themes.set_aside:
            theme.readable = [c for c in theme.contributions.all() if c.project_id in readable]
        return super().get_context_data(
            themes=themes,
            may_decide=self.request.user.has_perm(
                "learning.decide_organisation_themes", self.organisation
            ),
            **kwargs,
        )


class OrganisationThemeSuggestView(LearningMixin, View):
    permission_required = "learning.decide_organisation_themes"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        services.theme_run_request(organisation=self.organisation, requested_by=request.user)
        messages.success(
            request,
            _("Themes are being suggested. This page shows them when the worker has finished."),
        )
        return redirect(organisation_themes_url(self.organisation))


class OrganisationThemeMixin(ScopedObjectMixin, LearningMixin):
    permission_required = "learning.decide_organisation_themes"
    model = Theme
    object_url_kwarg = "theme_pk"
    context_object_name = "theme"

    def get_object_scope(self):
        return {"organisation": self.organisation, "project__isnull": True}

    def themes_url(self, anchor="") -> str:
        return organisation_themes_url(self.organisation, anchor)


class OrganisationThemeDecideView(OrganisationThemeMixin, DecideThemeMixin, FormView):
    template_name = "learning/themes/organisation_theme_decide.html"

    def get_context_data(self, **kwargs):
        themes = selectors.organisation_themes(self.organisation)
        every = themes.suggested + themes.accepted + themes.set_aside
        shown = next((theme for theme in every if theme.pk == self.scoped_object.pk), None)
        return super().get_context_data(shown=shown, **kwargs)


class OrganisationThemeMergeView(OrganisationThemeMixin, MergeThemeMixin, FormView):
    template_name = "learning/themes/organisation_theme_merge.html"
