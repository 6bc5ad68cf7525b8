"""View mixins that put every object URL behind the one permission module."""

from zoneinfo import ZoneInfo

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property

from audit.models import AuditEntry
from audit.services import audit_record
from projects.models import Organisation, Project


class PermissionMixin(LoginRequiredMixin):
    """Ask `rules` before anything else happens.

    ``visibility_permission`` decides whether the person may know the object exists (if not:
    404); ``permission_required`` decides whether they may do this to it (if not: 403).
    Signed-out visitors are sent to sign in. Every refusal on an object URL is audited.
    """

    visibility_permission: str = ""
    permission_required: str = ""

    def get_permission_object(self):
        return None

    def get_visibility_object(self):
        """The object whose existence is at stake; usually the one acted on."""
        return self.get_permission_object()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        seen = self.get_visibility_object()
        if self.visibility_permission and not request.user.has_perm(
            self.visibility_permission, seen
        ):
            self._audit_denial(seen, "hidden")
            raise Http404
        obj = self.get_permission_object()
        if self.permission_required and not request.user.has_perm(self.permission_required, obj):
            self._audit_denial(obj, "forbidden")
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _audit_denial(self, obj, outcome):
        project = obj if isinstance(obj, Project) else getattr(obj, "project", None)
        audit_record(
            action=AuditEntry.Action.PERMISSION_DENIED,
            actor=self.request.user,
            project=project if isinstance(project, Project) else None,
            target=obj,
            details={
                "permission": self.permission_required or self.visibility_permission,
                "outcome": outcome,
                "method": self.request.method,
            },
            path=self.request.path,
        )


class ProjectMixin(PermissionMixin):
    """A view about one project, from the URL's ``project_pk``."""

    visibility_permission = "projects.view_project"

    def get_project_queryset(self):
        return Project.objects.select_related("organisation", "current_stage")

    @cached_property
    def project(self):
        return get_object_or_404(self.get_project_queryset(), pk=self.kwargs["project_pk"])

    def get_permission_object(self):
        return self.project

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()  # before any lookup: ids reveal nothing
        # Times on a project's pages are shown, and typed, in its organisation's time zone.
        with timezone.override(ZoneInfo(self.project.organisation.time_zone)):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def get_context_data(self, **kwargs):
        kwargs.setdefault("project", self.project)
        # Views (or the form mixins they combine with) name their page with ``page_title``.
        kwargs.setdefault("page_title", getattr(self, "page_title", ""))
        return super().get_context_data(**kwargs)


class OrganisationMixin(PermissionMixin):
    """A view about one organisation, from the URL's ``organisation_pk``."""

    visibility_permission = "projects.view_organisation"

    @cached_property
    def organisation(self):
        return get_object_or_404(Organisation, pk=self.kwargs["organisation_pk"])

    def get_permission_object(self):
        return self.organisation

    def get_context_data(self, **kwargs):
        kwargs.setdefault("organisation", self.organisation)
        return super().get_context_data(**kwargs)
