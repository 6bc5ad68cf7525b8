"""A project's themes: how they were suggested, the suggestions, and people's decisions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from codesign.forms import put_errors_in_form
from codesign.mixins import ProjectMixin, ProjectObjectMixin

from ..models import Theme
from . import selectors, services
from .forms import ThemeDecisionForm, ThemeMergeForm, ThemeRoundForm


def themes_url(project, anchor="") -> str:
    return reverse("learning:theme-list", args=[project.pk]) + (f"#{anchor}" if anchor else "")


class ThemeListView(ProjectMixin, TemplateView):
    permission_required = "learning.view_themes"
    template_name = "learning/themes/theme_list.html"
    page_title = gettext_lazy("Themes in what people said")

    def get_context_data(self, **kwargs):
        may_decide = self.request.user.has_perm("learning.decide_themes", self.project)
        # Those who may decide see the project's threshold; managers, the stricter of 5.
        return super().get_context_data(
            themes=selectors.project_themes(self.project, for_managers=not may_decide),
            may_decide=may_decide,
            **kwargs,
        )


class ThemeSuggestView(ProjectMixin, View):
    permission_required = "learning.decide_themes"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        services.theme_run_request(project=self.project, requested_by=request.user)
        messages.success(
            request,
            _("Themes are being suggested. This page shows them when the worker has finished."),
        )
        return redirect(themes_url(self.project))


class ThemeObjectMixin(ProjectObjectMixin):
    permission_required = "learning.decide_themes"
    permission_on_project = True
    model = Theme
    object_url_kwarg = "theme_pk"
    context_object_name = "theme"

    def themes_url(self, anchor="") -> str:
        return themes_url(self.project, anchor)


class ThemeDecisionMixin:
    """A decision on the theme the view is about (``decide``, given by the decision's mixin
    below), a project's or an organisation's alike: back to its list (``themes_url``, given by
    the scope's mixin: ``ThemeObjectMixin`` or ``OrganisationThemeMixin``), at the theme
    decided."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(themes_url=self.themes_url(), **kwargs)

    def form_valid(self, form):
        try:
            theme = self.decide(form)
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        return redirect(self.themes_url(f"theme-{theme.pk}"))


class DecideThemeMixin(ThemeDecisionMixin):
    """Accept (under a name) or set aside the theme the view is about, a project's or an
    organisation's alike."""

    form_class = ThemeDecisionForm
    page_title = gettext_lazy("Decide on a theme")

    def get_initial(self):
        return {"name": self.scoped_object.name}

    def decide(self, form):
        theme, user = self.scoped_object, self.request.user
        if form.cleaned_data["decision"] == "reject":
            messages.success(self.request, _("The theme is set aside."))
            return services.theme_reject(theme=theme, decided_by=user)
        messages.success(self.request, _("The theme is accepted."))
        return services.theme_accept(theme=theme, name=form.cleaned_data["name"], decided_by=user)


class MergeThemeMixin(ThemeDecisionMixin):
    """Merge the theme the view is about into another of the same list."""

    form_class = ThemeMergeForm
    page_title = gettext_lazy("Merge a theme into another")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "theme": self.scoped_object}

    def decide(self, form):
        into = services.theme_merge(
            theme=self.scoped_object, into=form.cleaned_data["into"], decided_by=self.request.user
        )
        messages.success(self.request, _("The themes are merged."))
        return into


class ThemeDecideView(ThemeObjectMixin, DecideThemeMixin, FormView):
    template_name = "learning/themes/theme_decide.html"


class ThemeMergeView(ThemeObjectMixin, MergeThemeMixin, FormView):
    template_name = "learning/themes/theme_merge.html"


class ThemeRoundView(ProjectMixin, FormView):
    permission_required = "learning.decide_themes"
    template_name = "learning/themes/theme_round.html"
    form_class = ThemeRoundForm
    page_title = gettext_lazy("A prioritisation round from themes")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def form_valid(self, form):
        try:
            prioritisation_round = services.theme_round_open(
                project=self.project, opened_by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            put_errors_in_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The round is open."))
        return redirect(prioritisation_round.get_absolute_url())
