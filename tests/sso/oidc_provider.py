"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit in a Django
site of its own, run by tests/sso/conftest.py in a process of its own on 127.0.0.1.

It signs ID tokens with the RSA key the test made (OIDC_TEST_KEY) and keeps its data in a
SQLite file (OIDC_TEST_DB). The test tells it, by POST /mode/ (JSON), which client to register
and how to behave: who is signed in at the provider, the email claims, the ``amr`` claim, and a
wrong issuer, a wrong audience or an expired token. It prints "PORT <n>" once it listens.
"""

import json
import os
import sys
import time
from wsgiref.simple_server import WSGIRequestHandler, make_server

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="oidc-test-provider-" + "x" * 40,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    USE_TZ=True,
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "oauth2_provider",
    ],
    MIDDLEWARE=[
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        f"{__name__}.signed_in_as_mode",
    ],
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
    DATABASES={
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["OIDC_TEST_DB"]}
    },
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    OAUTH2_PROVIDER={
        "OIDC_ENABLED": True,
        "OIDC_RSA_PRIVATE_KEY": os.environ["OIDC_TEST_KEY"],
        "OAUTH2_VALIDATOR_CLASS": f"{__name__}.Validator",
        "PKCE_REQUIRED": True,
        "SCOPES": {"openid": "OpenID Connect", "profile": "Profile", "email": "Email"},
    },
)
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from oauth2_provider.models import get_application_model  # noqa: E402
from oauth2_provider.oauth2_validators import OAuth2Validator  # noqa: E402

MODE: dict = {}


class Validator(OAuth2Validator):
    oidc_claim_scope = None  # every claim, amr included

    def get_additional_claims(self, request):
        claims = {"email": request.user.email, "name": "Sam Staff"}
        if MODE.get("email_verified") is not None:
            claims["email_verified"] = MODE["email_verified"]
        return claims

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        if MODE.get("amr"):
            claims["amr"] = MODE["amr"]
        if MODE.get("issuer"):
            claims["iss"] = MODE["issuer"]
        if MODE.get("audience"):
            claims["aud"] = MODE["audience"]
        if MODE.get("expired"):
            claims["iat"] = int(time.time()) - 3600
            claims["exp"] = int(time.time()) - 1800
        return claims, expiration


def signed_in_as_mode(get_response):
    """Whoever the test says is signed in at the provider (its own login page is not tested)."""

    def middleware(request):
        if MODE.get("email"):
            request.user, _ = get_user_model().objects.get_or_create(
                username=MODE.get("subject") or MODE["email"], defaults={"email": MODE["email"]}
            )
        return get_response(request)

    return middleware


@csrf_exempt
def mode(request):
    wanted = json.loads(request.body)
    MODE.clear()
    MODE.update(wanted.get("mode", {}))
    client = wanted.get("client")
    if client:
        Application = get_application_model()
        Application.objects.filter(client_id=client["client_id"]).delete()
        Application.objects.create(
            name="Codesign",
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=client["redirect_uri"],
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
    return JsonResponse({"ok": True})


urlpatterns = [
    path("mode/", mode),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


if __name__ == "__main__":
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0)
    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietHandler)
    print(f"PORT {server.server_port}", flush=True)
    sys.stdout.close()
    server.serve_forever()
