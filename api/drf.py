"""How Django REST framework meets the house: bearer tokens, the rules, throttling per token,
cursor pages and ETags."""

import hashlib

import rules
from django.conf import settings
from django.http import Http404
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, pagination, permissions, throttling

from .models import ApiToken
from .services import token_call_record, token_find


class TokenPrincipal:
    """Who is calling: a token, standing where the rules expect a person. It reads as its
    organisation's managers do (``codesign.permissions``) and holds no role elsewhere."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    is_staff = False
    pk = None

    def __init__(self, token: ApiToken):
        self.token = token
        self.api_organisation_id = token.organisation_id
        self.api_scopes = frozenset(token.scopes)

    def has_perm(self, permission, obj=None):
        return rules.has_perm(permission, self, obj)

    def __str__(self):
        return str(self.token)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <secret>``. An unknown, expired or revoked token is a 401.
    Every authenticated call is counted in the token's burst (api.services)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send one token after “Bearer”."))
        token = token_find(header[1])
        if token is None or not token.is_live:
            raise exceptions.AuthenticationFailed(_("This token is unknown, expired or revoked."))
        token_call_record(token=token, path=request.get_full_path())
        return TokenPrincipal(token), token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI document describes the tokens."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token made by one of the organisation's admins on its page.",
        }


class TokenMayRead(permissions.BasePermission):
    """A view names the rule that decides each object (``read_permission``) and the scope its
    list needs (``scope``). Without the scope: 403. An object the rule refuses: 404."""

    def has_permission(self, request, view):
        user = request.user
        if not isinstance(user, TokenPrincipal):
            return False
        scope = getattr(view, "scope", None)
        if scope is not None and scope not in user.api_scopes:
            raise exceptions.PermissionDenied(
                _("This token has no “%(scope)s” scope.") % {"scope": scope}
            )
        return True

    def has_object_permission(self, request, view, obj):
        if not request.user.has_perm(view.read_permission, obj):
            raise Http404
        return True


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """API_RATE_LIMIT calls per token, counted in the cache (Redis in production)."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class Pagination(pagination.CursorPagination):
    """Cursor pages: stable while rows are added, and cheap however deep."""

    ordering = "pk"
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        self.page_size = settings.API_PAGE_SIZE
        return super().get_page_size(request)


class ConditionalGetMixin:
    """ETags on every successful read: ``If-None-Match`` with the same one is a 304."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Authorization",))
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        conditional = get_conditional_response(request, etag=etag, response=response)
        return conditional if conditional is not None else response
