"""Local development (`make run`): SQLite and the filesystem broker unless the environment
says otherwise."""

from codesign import observability

from .base import *  # noqa: F403
from .base import RELEASE, env

CODESIGN_ENVIRONMENT = "development"
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# Errors go to Sentry too when SENTRY_DSN is set, scrubbed of personal data.
observability.sentry_init_from_env(env, environment=CODESIGN_ENVIRONMENT, release=RELEASE)
