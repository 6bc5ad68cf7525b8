"""View mixins that put every object URL behind the one permission module."""

from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Manager
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property

from . import access, permissions, rows
from .signals import access_refused


def _project_model():
    # By label, as permissions.py reads roles: the core names the base models without
    # importing a domain app.
    return apps.get_model("projects", "Project")


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
        Project = _project_model()
        project = obj if isinstance(obj, Project) else getattr(obj, "project", None)
        access_refused.send(
            sender=type(self),
            request=self.request,
            target=obj,
            project=project if isinstance(project, Project) else None,
            permission=self.permission_required or self.visibility_permission,
            outcome=outcome,
        )


class ProjectMixin(PermissionMixin):
    """A view about one project, from the URL's ``project_pk``."""

    visibility_permission = "projects.view_project"

    def get_project_queryset(self):
        return _project_model().objects.select_related("organisation", "current_stage")

    @cached_property
    def project(self):
        user = self.request.user
        if permissions.reads_roles(user):
            # With who the person is there, in the same query (codesign/access.py).
            project = access.project_for(self.kwargs["project_pk"], user, self.request)
            if project is None:
                raise Http404
            return project
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
        return get_object_or_404(
            apps.get_model("projects", "Organisation"), pk=self.kwargs["organisation_pk"]
        )

    def get_permission_object(self):
        return self.organisation

    def get_context_data(self, **kwargs):
        kwargs.setdefault("organisation", self.organisation)
        return super().get_context_data(**kwargs)


class ScopedObjectMixin:
    """One object from the URL, looked up within the page's scope (a project, an organisation):
    an id from elsewhere is a 404, so ids reveal nothing.

    Subclasses name the ``model``, the URL keyword of its id (``object_url_kwarg``), the name
    it has in templates (``context_object_name``), what to read with it (``select_related``)
    and, in ``get_object_scope``, the lookups that put it in the scope.
    """

    model = None
    object_url_kwarg = ""
    context_object_name = ""
    select_related: tuple[str, ...] = ()

    def get_object_queryset(self):
        queryset = self.model._default_manager.all()
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    def get_object_scope(self) -> dict:
        raise NotImplementedError

    def get_scoped_object(self):
        return get_object_or_404(
            self.get_object_queryset(),
            pk=self.kwargs[self.object_url_kwarg],
            **self.get_object_scope(),
        )

    @cached_property
    def scoped_object(self):
        return self.get_scoped_object()

    def get_context_data(self, **kwargs):
        kwargs.setdefault(self.context_object_name, self.scoped_object)
        return super().get_context_data(**kwargs)


class ProjectObjectMixin(ScopedObjectMixin, ProjectMixin):
    """A view about one object of the project in the URL: the object is looked up within the
    project (an id from another project is a 404), then its own rule is asked.

    Subclasses name the object as ``ScopedObjectMixin`` says, and the rules permissions:
    ``visibility_permission``, the object's own (404), or, left as the project's, asked of the
    project; ``permission_required`` as usual (403), asked of the object unless
    ``permission_on_project``.
    """

    # How the object reaches its project (e.g. "contribution__project"). The objects on that
    # path are read with it, and given the page's project, so rules and links that ask for
    # the project cost no query.
    project_lookup = "project"
    # For a page whose permission is the project's (who may manage its people, whatever the
    # membership): the object is then looked up only once the person may use the page.
    permission_on_project = False

    def get_object_queryset(self):
        queryset = super().get_object_queryset()
        path = self.project_lookup.rpartition("__")[0]
        return queryset.select_related(path) if path else queryset

    def get_object_scope(self) -> dict:
        return {self.project_lookup: self.project}

    # A page asked often, of an object in the project itself whose default manager hides no
    # row, reads it (and its ``select_related`` keys) in a query written once a process
    # (``codesign.rows``), not built by the ORM on every request.
    read_in_one_query = False

    def get_scoped_object(self):
        obj = self._read_in_one_query() if self.read_in_one_query else super().get_scoped_object()
        holder = obj
        for name in self.project_lookup.split("__")[:-1]:
            holder = getattr(holder, name)
        holder.project = self.project
        return obj

    def _read_in_one_query(self):
        view = type(self)
        if (
            self.project_lookup != "project"
            or type(self.model._default_manager).get_queryset is not Manager.get_queryset
            or view.get_object_queryset is not ProjectObjectMixin.get_object_queryset
            or view.get_object_scope is not ProjectObjectMixin.get_object_scope
        ):
            raise ImproperlyConfigured(f"{view.__name__} reads its object its own way.")
        obj = rows.one(
            self.model,
            related=self.select_related,
            project_id=self.project.pk,
            **{self.model._meta.pk.attname: int(self.kwargs[self.object_url_kwarg])},
        )
        if obj is None:
            raise Http404
        return obj

    def get_visibility_object(self):
        if self.visibility_permission == ProjectMixin.visibility_permission:
            return self.project
        return self.scoped_object

    def get_permission_object(self):
        return self.project if self.permission_on_project else self.scoped_object
