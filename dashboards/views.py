import csv
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from codesign.exports import csv_cell
from codesign.mixins import OrganisationMixin, ProjectMixin

from . import panels, reach, rounds, selectors
from .forms import DashboardFilterForm
from .registry import dashboard_panels


class DashboardFiltersMixin:
    """Read the GET filters. Invalid ones are shown next to their field and not applied."""

    def filter_projects(self):
        return None

    @cached_property
    def filter_form(self):
        form = DashboardFilterForm(self.request.GET or None, projects=self.filter_projects())
        if form.is_bound and not form.is_valid():
            form.mark_errors()
        return form

    @property
    def filters_valid(self) -> bool:
        return not self.filter_form.is_bound or self.filter_form.is_valid()

    def filters(self) -> dict:
        form = self.filter_form
        if not form.is_bound or not form.is_valid():
            return {}
        return {key: value for key, value in form.cleaned_data.items() if value is not None}

    def filter_query(self) -> str:
        """The valid filters as a query string, for the CSV links."""
        values = {
            key: value.isoformat() if hasattr(value, "isoformat") else value
            for key, value in self.filters().items()
        }
        return urlencode(values) if values else ""

    def csv_urls(self) -> dict:
        query = self.filter_query()
        return {
            panel: self.csv_url(panel) + (f"?{query}" if query else "") for panel in self.panels
        }

    def dashboard_context(self, figures) -> dict:
        return {
            "csv_urls": self.csv_urls(),
            "figures": figures,
            "form": self.filter_form,
            "filters_valid": self.filters_valid,
            "filtered": bool(self.filters()),
            "filter_query": self.filter_query(),
            # Each worked out only when its panel is drawn, not when it comes from the cache.
            "charts": panels.drawn_charts(figures),
            "tables": panels.drawn_tables(figures),
            "panels_cache_seconds": settings.DASHBOARD_CACHE_SECONDS,
        }


class OrganisationDashboardMixin(DashboardFiltersMixin, OrganisationMixin):
    permission_required = "dashboards.view_organisation_dashboard"
    panels = panels.ORGANISATION_PANELS

    @cached_property
    def projects(self):
        return selectors.dashboard_projects(self.organisation, user=self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()  # before any lookup: ids reveal nothing
        # Dates and times are read and shown in the organisation's time zone.
        with timezone.override(ZoneInfo(self.organisation.time_zone)):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def filter_projects(self):
        return self.projects

    def csv_url(self, panel):
        return reverse(
            "dashboards:organisation-csv",
            kwargs={"organisation_pk": self.organisation.pk, "panel": panel},
        )

    def figures(self):
        filters = self.filters()
        project = filters.get("project")
        return selectors.organisation_dashboard(
            self.organisation,
            user=self.request.user,
            projects=self.projects,
            project_ids=None if project is None else [project],
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
            as_loaded=True,
        )


class ProjectDashboardMixin(DashboardFiltersMixin, ProjectMixin):
    permission_required = "dashboards.view_project_dashboard"
    panels = panels.PROJECT_PANELS

    def csv_url(self, panel):
        return reverse(
            "dashboards:project-csv", kwargs={"project_pk": self.project.pk, "panel": panel}
        )

    def figures(self):
        filters = self.filters()
        return selectors.project_dashboard(
            self.project,
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
            as_loaded=True,
        )


class OrganisationDashboardView(OrganisationDashboardMixin, TemplateView):
    """Managers' view across the organisation's projects: figures only, never who said what."""

    template_name = "dashboards/organisation_dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.dashboard_context(self.figures()))
        context.update(
            dashboard_panels(
                user=self.request.user, organisation=self.organisation, filters=self.filters()
            )
        )
        context["page_title"] = _("Dashboard")
        context["reach"] = reach.reach_of(self.projects, as_loaded=True)
        return context


class ProjectDashboardView(ProjectDashboardMixin, TemplateView):
    """A project's figures for its facilitators and the organisation's managers."""

    template_name = "dashboards/project_dashboard.html"
    page_title = gettext_lazy("Dashboard")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.dashboard_context(self.figures()))
        context.update(
            dashboard_panels(
                user=self.request.user,
                organisation=self.project.organisation,
                project=self.project,
                filters=self.filters(),
            )
        )
        context["round_tables"] = rounds.round_tables(self.project)
        context["reach"] = reach.reach_of([self.project], as_loaded=True)
        return context


class DashboardCsvMixin:
    """One panel's numbers as CSV, with the page's filters; cells cannot run as formulas."""

    def get(self, request, *args, **kwargs):
        if not self.filters_valid:
            return HttpResponseBadRequest(
                _("The filter could not be used: correct it on the dashboard."),
                content_type="text/plain; charset=utf-8",
            )
        panel = self.kwargs["panel"]
        header, rows = panels.table(panel, self.figures())
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename(panel)}"'
        writer = csv.writer(response)
        writer.writerow([csv_cell(cell) for cell in header])
        for row in rows:
            writer.writerow([csv_cell(cell) for cell in row])
        return response


class OrganisationDashboardCsvView(DashboardCsvMixin, OrganisationDashboardMixin, View):
    def filename(self, panel):
        return f"dashboard-organisation-{self.organisation.pk}-{panel}.csv"


class ProjectDashboardCsvView(DashboardCsvMixin, ProjectDashboardMixin, View):
    def filename(self, panel):
        return f"dashboard-project-{self.project.pk}-{panel}.csv"
