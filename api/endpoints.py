"""The read-only API, /api/v1/: GET, HEAD and OPTIONS only (anything else is a 405)."""

from zoneinfo import ZoneInfo

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dashboards import selectors as dashboard_selectors
from learning.themes.selectors import organisation_themes, project_themes

from . import selectors
from .drf import ConditionalGetMixin
from .figures import dashboard_json, theme_json
from .schema import MAX_ID
from .serializers import (
    ChangeSerializer,
    CmoRecordSerializer,
    DashboardSerializer,
    OrganisationSerializer,
    ProjectSerializer,
    SessionSerializer,
    ThemeListSerializer,
    YouSaidWeDidSerializer,
)


class ReadOnlyViewSet(ConditionalGetMixin, viewsets.GenericViewSet):
    """A list and its objects. ``scope`` is the scope the token needs (else 403),
    ``read_permission`` the rule asked of every object shown (else 404); an extra action names
    both in ``actions``."""

    http_method_names = ["get", "head", "options"]
    lookup_value_converter = "int"
    read_permission = ""
    scope: str | None = None
    actions: dict[str, tuple[str, str]] = {}
    selector = None

    def initial(self, request, *args, **kwargs):
        if self.action in self.actions:
            self.scope, self.read_permission = self.actions[self.action]
        super().initial(request, *args, **kwargs)

    def get_queryset(self):
        return type(self).selector(self.request.user)

    def readable(self, objects) -> list:
        """Only what the rules let the token read (the selectors already ask no more)."""
        user = self.request.user
        return [obj for obj in objects if user.has_perm(self.read_permission, obj)]

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = self.get_serializer(self.readable(page), many=True)
        return self.get_paginated_response(serializer.data)

    def get_object(self):
        # An id past the database's integers is not found (not a database error).
        if self.kwargs.get("pk", 0) > MAX_ID:
            raise Http404
        return super().get_object()

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)


class ProjectFilterMixin:
    """``?project=<id>`` narrows a list to one project."""

    project_field = "project_id"

    def filter_queryset(self, queryset):
        project = self.request.query_params.get("project", "")
        if project.isdigit() and int(project) <= MAX_ID:
            queryset = queryset.filter(**{self.project_field: int(project)})
        return queryset


PROJECT_PARAMETER = OpenApiParameter(
    "project", OpenApiTypes.INT, description="Only this project's.", required=False
)
DASHBOARD_DESCRIPTION = (
    "The figures the dashboard page shows, from its own selectors and with its suppression: a "
    "group of fewer than 5 people has null counts and its ``fewer_than_5`` flag set."
)


@extend_schema_view(
    list=extend_schema(summary="The token's organisation (a list of one)"),
    retrieve=extend_schema(summary="The token's organisation"),
)
class OrganisationViewSet(ReadOnlyViewSet):
    serializer_class = OrganisationSerializer
    read_permission = "api.read_organisation"
    actions = {
        "dashboard": ("dashboards", "api.read_organisation_dashboard"),
        "themes": ("learning", "api.read_organisation_themes"),
    }
    selector = selectors.organisations

    @extend_schema(
        summary="The organisation's dashboard figures",
        description=DASHBOARD_DESCRIPTION,
        responses=DashboardSerializer,
    )
    @action(detail=True, methods=["get"])
    def dashboard(self, request, pk=None):
        organisation = self.get_object()
        with timezone.override(ZoneInfo(organisation.time_zone)):
            figures = dashboard_selectors.organisation_dashboard(organisation, user=request.user)
        return Response(dashboard_json(figures))

    @extend_schema(
        summary="The themes found across the organisation's projects",
        description=(
            "As its learning view shows them to managers: names, statuses, counts and how many "
            "contributions came from each project; each group's number only where the "
            "disclosure rule (at 5) shows it."
        ),
        responses=ThemeListSerializer,
    )
    @action(detail=True, methods=["get"])
    def themes(self, request, pk=None):
        themes = organisation_themes(self.get_object())
        shown = themes.accepted + themes.suggested + themes.set_aside
        return Response({"results": [theme_json(theme) for theme in shown]})


@extend_schema_view(
    list=extend_schema(summary="Projects past their draft, with their stages"),
    retrieve=extend_schema(summary="A project and its stages"),
)
class ProjectViewSet(ReadOnlyViewSet):
    serializer_class = ProjectSerializer
    read_permission = "api.read_project"
    scope = "projects"
    actions = {
        "dashboard": ("dashboards", "api.read_project_dashboard"),
        "themes": ("learning", "api.read_themes"),
    }
    selector = selectors.projects

    @extend_schema(
        summary="The project's dashboard figures",
        description=DASHBOARD_DESCRIPTION,
        responses=DashboardSerializer,
    )
    @action(detail=True, methods=["get"])
    def dashboard(self, request, pk=None):
        project = self.get_object()
        with timezone.override(ZoneInfo(project.organisation.time_zone)):
            figures = dashboard_selectors.project_dashboard(project)
        return Response(dashboard_json(figures))

    @extend_schema(
        summary="The project's themes, as managers see them",
        description=(
            "Names, statuses and counts, never the contributions' words; each group's number "
            "only where the disclosure rule (at 5) shows it."
        ),
        responses=ThemeListSerializer,
    )
    @action(detail=True, methods=["get"])
    def themes(self, request, pk=None):
        themes = project_themes(self.get_object(), for_managers=True)
        shown = themes.accepted + themes.suggested + themes.set_aside
        return Response({"results": [theme_json(theme) for theme in shown]})


@extend_schema_view(
    list=extend_schema(
        summary="Sessions: when, what kind and how many (nobody named)",
        parameters=[PROJECT_PARAMETER],
    ),
    retrieve=extend_schema(summary="A session"),
)
class SessionViewSet(ProjectFilterMixin, ReadOnlyViewSet):
    serializer_class = SessionSerializer
    read_permission = "api.read_session"
    scope = "sessions"
    selector = selectors.sessions


@extend_schema_view(
    list=extend_schema(
        summary="Service changes with their timelines and provenance counts",
        parameters=[PROJECT_PARAMETER],
    ),
    retrieve=extend_schema(summary="A service change"),
)
class ChangeViewSet(ProjectFilterMixin, ReadOnlyViewSet):
    serializer_class = ChangeSerializer
    read_permission = "api.read_change"
    scope = "changes"
    selector = selectors.changes


@extend_schema_view(
    list=extend_schema(
        summary="“You said, we did”: implemented and embedded changes",
        parameters=[PROJECT_PARAMETER],
    ),
    retrieve=extend_schema(summary="One “you said, we did” entry"),
)
class YouSaidWeDidViewSet(ProjectFilterMixin, ReadOnlyViewSet):
    serializer_class = YouSaidWeDidSerializer
    read_permission = "api.read_you_said"
    scope = "changes"
    selector = selectors.you_said_we_did


@extend_schema_view(
    list=extend_schema(
        summary="CMO records and what they are coded against (nobody named)",
        parameters=[PROJECT_PARAMETER],
    ),
    retrieve=extend_schema(summary="A CMO record"),
)
class CmoRecordViewSet(ProjectFilterMixin, ReadOnlyViewSet):
    serializer_class = CmoRecordSerializer
    read_permission = "api.read_cmo"
    scope = "learning"
    selector = selectors.cmo_records
    project_field = "change__project_id"
