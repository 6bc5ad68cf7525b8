"""Settings for `make test`: fast hashing, mail kept in memory unless a test routes it elsewhere."""

from .base import *  # noqa: F403

CODESIGN_ENVIRONMENT = "test"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ACCOUNT_RATE_LIMITS = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
