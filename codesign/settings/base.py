"""Settings shared by every environment; each value can be set from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

from codesign import observability

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
CODESIGN_ENVIRONMENT = env("CODESIGN_ENVIRONMENT", default="development")
# The build's release (`make` and the Docker image set it from git): logs and error reports.
RELEASE = env("CODESIGN_RELEASE", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Full-text and trigram search of the board on PostgreSQL (not used on SQLite).
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "csp",
    "accounts",
    "audit",
    "outbox",
    "projects",
    "participants",
    "sessions.apps.WorkshopsConfig",
    "contributions",
    "notifications",
    "changes",
    "dashboards",
    "reports",
    "privacy",
    "digests",
    "learning",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "sso",
    "webhooks",
]

MIDDLEWARE = [
    # First, so every log record of the request carries its id.
    "codesign.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.AccountLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
]

ROOT_URLCONF = "codesign.urls"
WSGI_APPLICATION = "codesign.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "codesign.context_processors.site",
                "codesign.context_processors.idle",
            ],
            # base.html's breadcrumb trail (codesign is the project, not an app to discover).
            # Every template has ``choice`` (the label of a field's choice).
            "builtins": ["codesign.templatetags.choices"],
            "libraries": {
                "layout": "codesign.templatetags.layout",
                "glossary": "codesign.templatetags.glossary",
                "look": "codesign.templatetags.look",
                "bilingual": "codesign.templatetags.bilingual",
                "kept": "codesign.templatetags.kept",
            },
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'codesign.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write to one file. Each transaction takes the write lock
    # when it starts (IMMEDIATE: a read that later writes cannot be refused halfway), waits
    # for it up to the timeout, and readers never wait for a writer (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        # The queries psycopg binds on the server (a project page's first, codesign.access)
        # are prepared after five runs on a connection; Django's own never are. False for a
        # connection pooler that cannot keep prepared statements (PgBouncer before 1.21).
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
        # Each is written for one plan for any values (codesign.rows), and planned once so:
        # left to choose, PostgreSQL planned a board's page afresh on every run (its plan for
        # any page, not knowing the page's size, looked five times dearer than one for
        # twenty rows: 0.8 ms of planning for a query of 0.5). Django's own, never prepared,
        # are planned each time as before.
        options = DATABASES["default"]["OPTIONS"]
        options["options"] = (
            f"{options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()
        )
    if not env.bool("DATABASE_JIT", default=False):
        # PostgreSQL compiles a query to machine code once its estimated cost passes a bound;
        # the dashboards' counts pass it, and compiling took longer than running (40 of the
        # reach figures' 75 ms on an organisation of 200,000 contributions). Sent when the
        # connection starts; DATABASE_JIT=true leaves the server's own setting (a pooler that
        # refuses startup options needs it set on the server instead).
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# Each language named in its own words (the switcher shows them so), never translated.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
# A message to someone whose language is not known, from an organisation that asks for it, is
# written in these, the first first (codesign/languages.py).
BILINGUAL_LANGUAGES = ("cy", "en-gb")
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# The switcher's choice, kept a year; read by LocaleMiddleware before the browser's own.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Without CACHE_URL (or Redis in production), a folder shared by every process of the machine:
# the web server and worker count sign-in failures together, with nothing to set up.
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}

# Sessions end after an idle period (seconds), enforced by accounts.middleware.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
CODESIGN_IDLE_TIMEOUT = env.int("CODESIGN_IDLE_TIMEOUT", default=60 * 60)
# Pages warn this many seconds before the idle sign-out, and let the person stay signed in.
CODESIGN_IDLE_WARNING = env.int("CODESIGN_IDLE_WARNING", default=120)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Email: EMAIL_URL (smtp://user:pass@host:port, consolemail://, ...); the timeout stops a
# stalled server from hanging a worker.
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
globals().update(EMAIL_CONFIG)
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    # Whole messages go to files; the log names each by subject and Message-ID (codesign/mail.py).
    EMAIL_BACKEND = "codesign.mail.SavedMailBackend"
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=15)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Codesign <no-reply@codesign.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CODESIGN_SITE_URL = env("CODESIGN_SITE_URL", default="http://127.0.0.1:8000")
# The organisation that runs this Codesign: named as data controller in the privacy notice and
# as the contact for accessibility problems in the accessibility statement.
CODESIGN_CONTROLLER_NAME = env(
    "CODESIGN_CONTROLLER_NAME", default="The organisation running Codesign"
)
CODESIGN_CONTROLLER_ADDRESS = env("CODESIGN_CONTROLLER_ADDRESS", default="")
CODESIGN_DPO_EMAIL = env("CODESIGN_DPO_EMAIL", default="dpo@codesign.localhost")
CODESIGN_CONTACT_EMAIL = env("CODESIGN_CONTACT_EMAIL", default="help@codesign.localhost")

# Content-Security-Policy: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# django-allauth
# People with a mobile number and no email sign in with a code sent by text (accounts.adapter).
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "request_login_code": "accounts.forms.RequestLoginCodeForm",
}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# A password reset sends a code to type in, not a link whose key would sit in access logs.
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Codesign] "
# Participants join by invitation; open sign-up would let anyone create an account.
CODESIGN_OPEN_SIGNUP = env.bool("CODESIGN_OPEN_SIGNUP", default=False)
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Codesign"
# Single sign-on (sso/): each organisation's OpenID Connect provider is an allauth app built
# from its settings. Client secrets are kept encrypted under a key derived from this (any long
# random string), else from SECRET_KEY: changing the one in use makes them unreadable.
SOCIALACCOUNT_ADAPTER = "sso.adapter.SocialAccountAdapter"
CODESIGN_SSO_SECRET_KEY = env("CODESIGN_SSO_SECRET_KEY", default="")
# The provider has verified the address (sso/signin.py checks it is, and in the domains).
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("SOCIALACCOUNT_REQUESTS_TIMEOUT", default=10)
# Facilitators, managers, organisation admins and superusers must set up TOTP first.
CODESIGN_REQUIRE_MFA = env.bool("CODESIGN_REQUIRE_MFA", default=False)

# Every form's "This field is required." says what to do for that field (codesign/forms.py).
FORM_RENDERER = "codesign.forms.PlainWordsRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport so `make run`
# needs no services.
REDIS_URL = env("REDIS_URL", default="")
CELERY_DATA_DIR = Path(env("CELERY_DATA_DIR", default=str(VAR_DIR / "celery")))
# Beat keeps its schedule file here with either broker.
CELERY_DATA_DIR.mkdir(parents=True, exist_ok=True)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(CELERY_DATA_DIR / "control"),
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="codesign")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_DATA_DIR / "beat-schedule")
# Publishing fails fast when the broker is down; the outbox sweep delivers later.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# After a failed publish, outbox messages wait for the beat sweep this long (outbox.publisher).
OUTBOX_PUBLISH_PAUSE_SECONDS = env.int("OUTBOX_PUBLISH_PAUSE_SECONDS", default=30)
# One person's refusals this close together are one audit entry with a count (audit.receivers).
AUDIT_REFUSAL_BURST_SECONDS = env.int("AUDIT_REFUSAL_BURST_SECONDS", default=10 * 60)
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "outbox.tasks.outbox_sweep_task",
        "schedule": env.float("OUTBOX_SWEEP_SECONDS", default=30.0),
    },
    "session-reminders": {
        "task": "sessions.tasks.session_reminders_send_task",
        "schedule": env.float("REMINDER_SWEEP_SECONDS", default=300.0),
    },
    # Daily; a check missed one day (beat down) is due the next, and each is claimed once.
    "change-follow-ups": {
        "task": "changes.tasks.change_follow_ups_remind_task",
        "schedule": crontab(minute=30, hour=8),
    },
    # Every hour from DIGEST_HOUR (local time) to the end of the day: the first run that gets
    # through sends the day's digests, the later ones find them claimed.
    "daily-digest": {
        "task": "digests.tasks.digest_send_task",
        "schedule": crontab(minute=0, hour=f"{env.int('DIGEST_HOUR', default=7)}-23"),
    },
    # Daily: what has passed its retention period is purged (see RETENTION_* below).
    "retention-purge": {
        "task": "privacy.tasks.retention_purge_task",
        "schedule": crontab(minute=45, hour=3),
    },
    "reports-expire": {
        "task": "reports.tasks.reports_expire_task",
        "schedule": crontab(minute=15),
    },
    # Report builds whose worker stopped renewing its lease are built again (or failed).
    "reports-reclaim": {
        "task": "reports.tasks.reports_reclaim_task",
        "schedule": env.float("REPORTS_RECLAIM_SECONDS", default=60.0),
    },
}

# Channels (README "Channels"): with NOTIFY_API_KEY set, email, texts and letters go through
# GOV.UK Notify, each by a template of that kind whose placeholders are ((subject)) and
# ((body)) (letters also ((address_line_1)) to ((address_line_7))). Without it, email goes by
# EMAIL_URL, texts to the worker's console and letters to each project's print queue.
NOTIFY_API_KEY = env("NOTIFY_API_KEY", default="")
# Without Notify, texts are written to the worker's console (development and the demo). When
# off (production's default) a text without Notify fails for good instead, so the person goes
# on the call list to be phoned, and nobody believes a text was sent.
TEXTS_TO_CONSOLE = env.bool("TEXTS_TO_CONSOLE", default=True)
NOTIFY_BASE_URL = env("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_TIMEOUT = env.int("NOTIFY_TIMEOUT", default=15)
NOTIFY_EMAIL_TEMPLATE_ID = env("NOTIFY_EMAIL_TEMPLATE_ID", default="")
NOTIFY_TEXT_TEMPLATE_ID = env("NOTIFY_TEXT_TEMPLATE_ID", default="")
NOTIFY_LETTER_TEMPLATE_ID = env("NOTIFY_LETTER_TEMPLATE_ID", default="")
# The bearer token Notify sends with delivery receipts and inbound texts (set the same one for
# both callbacks in Notify's API integration settings); without it every callback gets a 401.
NOTIFY_CALLBACK_TOKEN = env("NOTIFY_CALLBACK_TOKEN", default="")
CELERY_BEAT_SCHEDULE["notify-receipts-poll"] = {
    "task": "outbox.tasks.outbox_receipts_poll_task",
    "schedule": env.float("NOTIFY_POLL_SECONDS", default=600.0),
}

# Services the outbox may run as background jobs (dotted paths taking keyword arguments).
OUTBOX_JOBS: list[str] = [
    "reports.services.report_build",
    "sessions.closing.uploads.session_photo_process",
    "sessions.closing.uploads.expense_receipt_process",
    "learning.themes.tasks.theme_run_build_job",
    "webhooks.services.webhook_deliver",
]
# Outbox delivery: attempts before a message is marked failed, and the first back-off (s).
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
# A claim older than this without a result is shown as unconfirmed, never resent.
OUTBOX_CLAIM_TIMEOUT_SECONDS = env.int("OUTBOX_CLAIM_TIMEOUT_SECONDS", default=600)

# Webhooks (webhooks/): each attempt's connect and read timeout (s), and whether an endpoint
# may be on a private network or loopback (off: only public addresses are sent to).
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=5.0)
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=False)

# Reports and exports: how long a built file is kept before it expires and is deleted (days).
REPORTS_KEEP_DAYS = env.int("REPORTS_KEEP_DAYS", default=7)
# A build holds a lease (s) that it renews at most every REPORTS_HEARTBEAT_SECONDS as it writes;
# once a lease runs out (its worker was killed) the build is taken back, up to
# REPORTS_BUILD_ATTEMPTS builds in all (never more than OUTBOX_MAX_ATTEMPTS).
REPORTS_LEASE_SECONDS = env.int("REPORTS_LEASE_SECONDS", default=120)
REPORTS_HEARTBEAT_SECONDS = env.int("REPORTS_HEARTBEAT_SECONDS", default=10)
REPORTS_BUILD_ATTEMPTS = env.int("REPORTS_BUILD_ATTEMPTS", default=3)

# Retention, counted from a project's close: access needs and invitations are deleted and
# experiences anonymised after RETENTION_MONTHS, as are the bodies of sent or failed emails
# (counted from when they were written); payment records go RETENTION_FINANCE_YEARS after
# their session, audit entries RETENTION_AUDIT_YEARS after they were written.
RETENTION_MONTHS = env.int("RETENTION_MONTHS", default=12)
RETENTION_FINANCE_YEARS = env.int("RETENTION_FINANCE_YEARS", default=7)
RETENTION_AUDIT_YEARS = env.int("RETENTION_AUDIT_YEARS", default=6)

# Invitations
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)

# Uploads (bytes): photos of a session's room outputs, and receipts for expense claims.
SESSION_PHOTO_MAX_BYTES = env.int("SESSION_PHOTO_MAX_BYTES", default=8 * 1024 * 1024)
RECEIPT_MAX_BYTES = env.int("RECEIPT_MAX_BYTES", default=5 * 1024 * 1024)

# How often (seconds) an open live board's big screen asks for new contributions.
LIVE_BOARD_POLL_SECONDS = env.int("LIVE_BOARD_POLL_SECONDS", default=3)

# Errors reach someone: ADMINS ("Name <a@example.org>, Other <b@example.org>") are emailed
# server errors, and Sentry hears of them too when SENTRY_DSN is set (dev and production
# settings start it; tests never do). Log records name the request and the person by id
# (codesign/observability.py), never by email address.
ADMINS = observability.admins_from(env("ADMINS", default=""))
DEFAULT_EXCEPTION_REPORTER_FILTER = "codesign.observability.PrivateExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "codesign.observability.RequestContextFilter"},
        "redact_emails": {"()": "codesign.observability.RedactEmailsFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "request": {
            "()": "codesign.observability.RequestFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s "
            "request=%(request_id)s user=%(user_id)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context", "redact_emails"],
            "formatter": "request",
        },
        "mail_admins": {
            "class": "codesign.observability.RedactingAdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "request_context", "redact_emails"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Django's own records reach the console through the root logger, and its errors ADMINS.
    "loggers": {"django": {"handlers": ["mail_admins"], "level": "INFO"}},
}

# Dashboard figures are kept until the data they count changes (codesign.content);
# this only bounds how long an entry no one asks for stays.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=60 * 60)

# The read-only API (api/, README "The API"): tokens last at most API_TOKEN_MAX_DAYS; each
# token's calls within API_AUDIT_BURST_SECONDS of its burst's first are one audit entry with a
# count; API_RATE_LIMIT calls per token (DRF's throttle, kept in the cache: Redis in production).
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=366)
API_AUDIT_BURST_SECONDS = env.int("API_AUDIT_BURST_SECONDS", default=10 * 60)
API_RATE_LIMIT = env("API_RATE_LIMIT", default="120/minute")
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=50)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.drf.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.drf.TokenMayRead"],
    "DEFAULT_THROTTLE_CLASSES": ["api.drf.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": API_RATE_LIMIT},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.drf.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Codesign API",
    "DESCRIPTION": (
        "Read-only figures and outputs of an organisation's co-design projects. Nobody is "
        "named: sessions, themes and CMO records carry counts, never people. Authenticate with "
        "`Authorization: Bearer <token>`; an organisation's admins make tokens on its page."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.describe_refusals",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "projects.models.Project.Status",
        "SessionStatusEnum": "sessions.models.WorkshopSession.Status",
        "ChangeStatusEnum": "changes.models.ServiceChange.Status",
        "ThemeStatusEnum": ["suggested", "accepted", "rejected", "merged"],
        "ChangeScopeEnum": "changes.models.ServiceChange.Scope",
    },
}
