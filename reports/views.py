from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, View

from codesign.exports import private_file_response
from codesign.filters import PagedListMixin
from codesign.mixins import OrganisationMixin, ProjectMixin, ScopedObjectMixin

from . import selectors, services
from .forms import EvidenceReportForm, ReportRequestForm, last_financial_year
from .models import Report

CONTENT_TYPES = {
    Report.Format.PDF: "application/pdf",
    Report.Format.CSV: "text/csv; charset=utf-8",
    Report.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Report.Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Report.Format.QDPX: "application/zip",
}
PANEL_SIZE = 5


class ProjectScopeMixin(ProjectMixin):
    """Reports about one project: for its dashboard's readers."""

    permission_required = "reports.request_project_report"

    @property
    def organisation(self):
        return self.project.organisation

    @property
    def scope_project(self):
        return self.project

    @cached_property
    def may_name(self) -> bool:
        return self.request.user.has_perm("reports.request_named_export", self.project)

    @property
    def reports_url(self) -> str:
        return reports_url(organisation=self.organisation, project=self.project)

    @property
    def dashboard_url(self) -> str:
        return reverse("dashboards:project", kwargs={"project_pk": self.project.pk})


class OrganisationScopeMixin(OrganisationMixin):
    """Reports across an organisation's projects: for its admins and managers."""

    permission_required = "reports.request_organisation_report"
    scope_project = None
    may_name = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()  # before any lookup: ids reveal nothing
        with timezone.override(ZoneInfo(self.organisation.time_zone)):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    @property
    def reports_url(self) -> str:
        return reports_url(organisation=self.organisation, project=None)

    @property
    def dashboard_url(self) -> str:
        return reverse("dashboards:organisation", kwargs={"organisation_pk": self.organisation.pk})


def reports_url(*, organisation, project) -> str:
    if project is not None:
        return reverse("reports:project-reports", kwargs={"project_pk": project.pk})
    return reverse("reports:organisation-reports", kwargs={"organisation_pk": organisation.pk})


def panel_context(*, user, organisation, project=None, filters: dict | None = None) -> dict:
    """The reports panel on a dashboard: the request form, for the dates the dashboard shows,
    and the latest reports this person may download."""
    may_name = project is not None and user.has_perm("reports.request_named_export", project)
    filters = filters or {}
    initial = {key: filters[key] for key in ("date_from", "date_to") if filters.get(key)}
    return {
        "report_form": ReportRequestForm(initial=initial, may_name=may_name),
        "report_list": list(
            selectors.recent_reports(
                organisation=organisation, project=project, with_names=may_name, limit=PANEL_SIZE
            )
        ),
        "reports_url": reports_url(organisation=organisation, project=project),
        "reports_for_project": project is not None,
        "keep_days": settings.REPORTS_KEEP_DAYS,
    }


class ReportsViewMixin(PagedListMixin):
    """The reports page: ask for a report (POST) and see the scope's reports (GET), newest
    first, 20 to a page."""

    template_name = "reports/reports.html"
    page_title = gettext_lazy("Reports and exports")
    paginate_by = 20
    context_object_name = "report_list"

    def get_queryset(self):
        return selectors.recent_reports(
            organisation=self.organisation,
            project=self.scope_project,
            with_names=self.may_name,
            limit=None,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            page_title=self.page_title,
            report_form=kwargs.get("form")
            or ReportRequestForm(
                # A dashboard's dates carry over to the form (checked when it is sent).
                initial={
                    key: self.request.GET[key]
                    for key in ("date_from", "date_to")
                    if self.request.GET.get(key)
                },
                may_name=self.may_name,
            ),
            reports_url=self.reports_url,
            dashboard_url=self.dashboard_url,
            reports_for_project=self.scope_project is not None,
            keep_days=settings.REPORTS_KEEP_DAYS,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = ReportRequestForm(request.POST, may_name=self.may_name)
        if not form.is_valid():
            self.object_list = self.get_queryset()
            return self.render_to_response(self.get_context_data(form=form), status=400)
        report, created = services.report_request(
            user=request.user,
            organisation=self.organisation,
            project=self.scope_project,
            **form.request_arguments(),
        )
        if created:
            messages.success(
                request,
                _("%(title)s is queued. It appears below when it is ready.")
                % {"title": report.title},
            )
        else:
            messages.info(
                request,
                _("%(title)s was already asked for: it appears below when it is ready.")
                % {"title": report.title},
            )
        if request.htmx:
            return TemplateResponse(request, "reports/partials/report_row.html", {"report": report})
        return redirect(self.reports_url)


class ProjectReportsView(ReportsViewMixin, ProjectScopeMixin, ListView):
    pass


class OrganisationReportsView(ReportsViewMixin, OrganisationScopeMixin, ListView):
    pass


class ReportMixin(ScopedObjectMixin):
    """One report of the scope. One a person may not download does not exist for them: its
    rule is asked after the scope's, so a page the person may not use is a 403 as ever."""

    model = Report
    object_url_kwarg = "generated_report_pk"
    context_object_name = "report"
    select_related = ("organisation", "project")

    def get_object_scope(self) -> dict:
        return {"organisation": self.organisation, "project": self.scope_project}

    @cached_property
    def report(self):
        report = self.scoped_object
        if not self.request.user.has_perm("reports.view_report", report):
            self._audit_denial(report, "hidden")
            raise Http404
        return report


class ReportStatusMixin(ReportMixin):
    """A report's row, for htmx to poll while it is being built."""

    def get(self, request, *args, **kwargs):
        return TemplateResponse(
            request, "reports/partials/report_row.html", {"report": self.report}
        )


class ReportDownloadMixin(ReportMixin):
    """The report's file, after a fresh permission check; every download is audited."""

    def get(self, request, *args, **kwargs):
        report = self.report
        if report.status == Report.Status.EXPIRED:
            messages.info(
                request, _("That report has expired and its file was deleted. Ask for it again.")
            )
            return redirect(self.reports_url)
        if report.status != Report.Status.DONE or not report.file:
            raise Http404
        services.report_downloaded(report=report, user=request.user)
        return private_file_response(
            report.file.open("rb"),
            content_type=CONTENT_TYPES[report.file_format],
            filename=report.filename,
            attachment=True,
        )


class ReportRetryMixin(ReportMixin):
    """Build a failed report again."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        report = services.report_retry(report=self.report, user=request.user)
        if request.htmx:
            return TemplateResponse(request, "reports/partials/report_row.html", {"report": report})
        messages.success(request, _("%(title)s is queued again.") % {"title": report.title})
        return redirect(self.reports_url)


class ProjectReportStatusView(ReportStatusMixin, ProjectScopeMixin, View):
    pass


class OrganisationReportStatusView(ReportStatusMixin, OrganisationScopeMixin, View):
    pass


class ProjectReportDownloadView(ReportDownloadMixin, ProjectScopeMixin, View):
    pass


class OrganisationReportDownloadView(ReportDownloadMixin, OrganisationScopeMixin, View):
    pass


class ProjectReportRetryView(ReportRetryMixin, ProjectScopeMixin, View):
    pass


class OrganisationReportRetryView(ReportRetryMixin, OrganisationScopeMixin, View):
    pass


class EvidenceReportsView(OrganisationScopeMixin, PagedListMixin, ListView):
    """The organisation's evidence reports: ask for the annual involvement report or the
    realist synthesis (POST), and download those made (GET)."""

    template_name = "reports/evidence.html"
    page_title = gettext_lazy("Evidence reports")
    paginate_by = 20
    context_object_name = "report_list"

    @property
    def evidence_url(self) -> str:
        return reverse(
            "reports:organisation-evidence", kwargs={"organisation_pk": self.organisation.pk}
        )

    def get_queryset(self):
        return selectors.recent_reports(
            organisation=self.organisation, project=None, with_names=False, limit=None
        ).filter(kind__in=Report.EVIDENCE_KINDS)

    def get_context_data(self, **kwargs):
        start, end = last_financial_year(timezone.localdate())
        form = kwargs.pop("form", None) or EvidenceReportForm(
            initial={"date_from": start, "date_to": end}
        )
        return super().get_context_data(
            page_title=self.page_title,
            form=form,
            keep_days=settings.REPORTS_KEEP_DAYS,
            reports_url=self.reports_url,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = EvidenceReportForm(request.POST)
        if not form.is_valid():
            self.object_list = self.get_queryset()
            return self.render_to_response(self.get_context_data(form=form), status=400)
        report, created = services.report_request(
            user=request.user, organisation=self.organisation, **form.request_arguments()
        )
        if created:
            messages.success(
                request,
                _("%(title)s is queued. It appears below when it is ready.")
                % {"title": report.title},
            )
        else:
            messages.info(
                request,
                _("%(title)s was already asked for: it appears below when it is ready.")
                % {"title": report.title},
            )
        return redirect(self.evidence_url)
