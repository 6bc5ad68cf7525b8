"""Production: every secret from the environment, HTTPS only, a shared cache, PostgreSQL."""

import os

from django.core.exceptions import ImproperlyConfigured

from codesign import observability

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL, RELEASE, env

CODESIGN_ENVIRONMENT = "production"
DEBUG = False
SECRET_KEY = env("SECRET_KEY")
# Django's own deploy check warns of a weak key; production refuses to start with one.
if SECRET_KEY.startswith("dev-only-") or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a long random string (50 characters or more), for example from "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the host names this site answers to.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# allauth's rate limits must hold across several web processes: a shared cache, never locmem.
if "CACHE_URL" not in os.environ:
    CACHES = {
        "default": (
            {
                # Requests go on, uncached, while Redis is down (codesign/cache.py).
                "BACKEND": "codesign.cache.ForgivingRedisCache",
                "LOCATION": REDIS_URL,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
            if REDIS_URL
            else {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "codesign_cache",
            }
        )
    }
elif CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    raise ImproperlyConfigured("CACHE_URL must name a cache shared by all processes.")

TEXTS_TO_CONSOLE = env.bool("TEXTS_TO_CONSOLE", default=False)

CODESIGN_REQUIRE_MFA = env.bool("CODESIGN_REQUIRE_MFA", default=True)
CODESIGN_IDLE_TIMEOUT = env.int("CODESIGN_IDLE_TIMEOUT", default=30 * 60)

# Errors go to Sentry too when SENTRY_DSN is set, scrubbed of personal data.
observability.sentry_init_from_env(env, environment=CODESIGN_ENVIRONMENT, release=RELEASE)
