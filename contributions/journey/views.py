"""The touchpoint map: the journey's emotional curves, their numbers (table, CSV, print) and,
on demand, the touchpoints behind each point. Whoever may see the board may see the map."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView, View

from codesign import content
from codesign.exports import csv_cell
from codesign.filters import PagedListMixin
from codesign.kept_pages import KeptPageMixin
from codesign.mixins import ProjectMixin

from . import charts, selectors

PRINT_SIZES = ("a3", "a4")


class JourneyMapMixin(ProjectMixin):
    permission_required = "contributions.view_board"

    @cached_property
    def journey(self):
        return selectors.journey_map(self.project)

    def map_context(self) -> dict:
        table = charts.table(self.journey)
        keys = [str(step.pk) for step in self.journey.steps] + [selectors.NOT_PLACED]
        return {
            "project": self.project,
            "journey": self.journey,
            "curves": charts.curves(self.journey),
            "table": table,
            # Each row with its step's key, for the URLs of the touchpoints behind it.
            "table_rows": list(zip(keys, table[1], strict=True)),
            "findings": charts.findings(self.journey),
        }


class TouchpointMapView(KeptPageMixin, JourneyMapMixin, TemplateView):
    """EBCD's map: per step of the journey, how service users and carers, and staff, felt.

    What the map shows (findings, curves, numbers) is kept under the journey's figures as
    worked out (one query): a write that leaves them as they are does not draw it again."""

    template_name = "contributions/journey/map.html"
    body_template = "contributions/journey/partials/map_body.html"
    page_title = gettext_lazy("Touchpoint map")

    def kept_without(self) -> tuple[str, ...]:
        return ("supports", "comments")  # the map shows neither

    def map_body(self) -> str:
        key = content.key(
            "journey-map", self.project.pk, repr(self.journey), translation.get_language()
        )
        body = content.kept(key)
        if body is None:
            body = render_to_string(self.body_template, self.map_context())
            content.keep(key, body, content.KEEP_SECONDS)
        return body

    def get_context_data(self, **kwargs):
        return super().get_context_data(journey=self.journey, map_body=self.map_body(), **kwargs)


class TouchpointMapPrintView(JourneyMapMixin, TemplateView):
    """The map on one A3 or A4 sheet for the room."""

    template_name = "contributions/journey/map_print.html"
    page_title = TouchpointMapView.page_title

    def get_context_data(self, **kwargs):
        size = self.request.GET.get("size", "")
        return super().get_context_data(
            **self.map_context(),
            size=size if size in PRINT_SIZES else "a3",
            **kwargs,
        )


class TouchpointMapCsvView(JourneyMapMixin, View):
    """The numbers behind the curves, as the map's table shows them."""

    def get(self, request, *args, **kwargs):
        header, rows = charts.table(self.journey)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"touchpoint-map-{self.project.pk}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv.writer(response)
        writer.writerow([csv_cell(cell) for cell in header])
        for row in rows:
            # Numbers are written as numbers; only text could run as a formula.
            writer.writerow([c if isinstance(c, int | float) else csv_cell(c) for c in row])
        return response


class TouchpointsAtStepView(PagedListMixin, JourneyMapMixin, ListView):
    """The touchpoints behind one point of a curve, a page at a time: htmx gets the list
    into the map, a plain request gets it on a page of its own."""

    template_name = "contributions/journey/touchpoints_at_step.html"
    paginate_by = 10
    context_object_name = "touchpoints"

    @cached_property
    def group(self):
        if self.kwargs["group"] not in selectors.GROUPS:
            raise Http404
        return self.kwargs["group"]

    @cached_property
    def step(self):
        value = self.kwargs["step"]
        if value == selectors.NOT_PLACED:
            return None
        if not value.isdigit():
            raise Http404
        return get_object_or_404(self.project.journey_steps, pk=value)

    def get_template_names(self):
        if self.request.htmx:
            return ["contributions/journey/partials/touchpoints_at_step.html"]
        return [self.template_name]

    @property
    def page_title(self):
        return self.step.name if self.step else charts.not_placed_label()

    def get_queryset(self):
        return selectors.touchpoints_at(self.project, step=self.step, group=self.group)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for touchpoint in context["touchpoints"]:
            touchpoint.project = self.project
        context.update(
            at_step=self.step,
            group_label=charts.group_labels()[self.group],
            here=reverse(
                "contributions:touchpoints-at-step",
                args=[self.project.pk, self.kwargs["step"], self.group],
            ),
        )
        return context
