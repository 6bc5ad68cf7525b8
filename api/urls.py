from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import docs, endpoints, views

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("organisations", endpoints.OrganisationViewSet, basename="organisation")
router.register("projects", endpoints.ProjectViewSet, basename="project")
router.register("sessions", endpoints.SessionViewSet, basename="session")
router.register("changes", endpoints.ChangeViewSet, basename="change")
router.register("you-said-we-did", endpoints.YouSaidWeDidViewSet, basename="you-said-we-did")
router.register("cmo-records", endpoints.CmoRecordViewSet, basename="cmo-record")

urlpatterns = [
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/v1/docs/", docs.ApiDocsView.as_view(), name="docs"),
    path("api/v1/", include(router.urls)),
    path(
        "organisations/<int:organisation_pk>/api-tokens/",
        views.TokenListView.as_view(),
        name="token-list",
    ),
    path(
        "organisations/<int:organisation_pk>/api-tokens/new/",
        views.TokenCreateView.as_view(),
        name="token-create",
    ),
    path(
        "organisations/<int:organisation_pk>/api-tokens/<int:token_pk>/revoke/",
        views.TokenRevokeView.as_view(),
        name="token-revoke",
    ),
]
