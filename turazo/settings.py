"""Turazo settings: everything comes from the environment (django-environ).

With no environment at all the app runs on its *embedded default*: DEBUG on,
SQLite under ``var/``, Celery on the filesystem transport, emails written to
``var/outbox`` and readable at ``/dev/outbox/``. Production sets ``DEBUG=false``
and must provide ``SECRET_KEY``, ``DATABASE_URL``, ``CELERY_BROKER_URL``...
"""

from __future__ import annotations

import re
from pathlib import Path

import environ
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from csp.constants import UNSAFE_INLINE as CSP_UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("TURAZO_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

_INSECURE_DEV_KEY = "django-insecure-turazo-embedded-default-only"
# Values people copy and forget to change (.env.example's among them) are no secret.
_PLACEHOLDER_KEY = re.compile(r"change[-_ ]?me|replace[-_ ]?me|your[-_ ]?secret|secret[-_ ]?key|django-insecure", re.I)
SECRET_KEY = env.str("SECRET_KEY", default=_INSECURE_DEV_KEY if DEBUG else "")
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or _PLACEHOLDER_KEY.search(SECRET_KEY)):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off, not a "
        "placeholder such as the one in .env.example (generate one with "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

# The public base URL of every link in emails. `make run` (bin/dev) sets it to the address
# it serves, for the web process and the worker alike; production must say it.
if not DEBUG and not env.str("SITE_URL", default=""):
    raise ImproperlyConfigured(
        "SITE_URL must be set when DEBUG is off: the public address of the site, used in the links of "
        "every email (e.g. https://mentoring.example.com)."
    )
_site_url = env.url("SITE_URL", default="http://127.0.0.1:8000")
SITE_URL = _site_url.geturl().rstrip("/")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", _site_url.hostname or "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "allauth",
    "allauth.account",
    "health_check",
    "csp",
    "turazo.core",
    "accounts",
    "mentoring",
    "matching",
    "scheduling",
    "journal",
    "insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "turazo.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.OrganizationMiddleware",
    "turazo.core.middleware.TimezoneMiddleware",
]

FORM_RENDERER = "turazo.core.forms.BootstrapRenderer"
ROOT_URLCONF = "turazo.urls"
WSGI_APPLICATION = "turazo.wsgi.application"
ASGI_APPLICATION = "turazo.asgi.application"

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
                "turazo.core.context_processors.shell",
                "accounts.context_processors.organization",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'turazo.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if not DEBUG else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default runs web, worker and beat against one file: wait on locks
    # instead of failing, and serialise writers at BEGIN so they never deadlock.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (allauth rate limits need a shared one in production) -------------
REDIS_URL = env.str("REDIS_URL", default="")
if not REDIS_URL and not DEBUG:
    # allauth's rate limits count in the cache: per-process memory would let each
    # gunicorn worker allow its own quota.
    raise ImproperlyConfigured("REDIS_URL must be set when DEBUG is off (e.g. redis://redis:6379/0).")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Turazo] "
LOGIN_REDIRECT_URL = "dashboard"
LOGIN_URL = "account_login"
CSRF_FAILURE_VIEW = "turazo.core.error_pages.csrf_failure"

# --- Internationalisation -----------------------------------------------------
# Every user-facing string goes through gettext, so a translation is a new locale/ folder
# and a line in LANGUAGES. The viewer's language comes from the browser (LocaleMiddleware);
# dates and times use the language's formats in turazo/formats/, in the viewer's zone.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["turazo.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Email ------------------------------------------------------------------------
OUTBOX_DIR = VAR_DIR / "outbox"
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
elif DEBUG:
    EMAIL_BACKEND = "turazo.core.outbox.OutboxBackend"
else:
    raise ImproperlyConfigured("EMAIL_URL must be set when DEBUG is off (e.g. smtp+tls://user:pass@host:587).")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Turazo <no-reply@turazo.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The DEBUG-only outbox page reads what OutboxBackend wrote.
OUTBOX_ENABLED = DEBUG and EMAIL_BACKEND == "turazo.core.outbox.OutboxBackend"

# --- Celery ------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _celery_dir = VAR_DIR / "celery"
    for _sub in ("queue", "processed", "control"):
        (_celery_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
        # The directory is polled: every 0.1 s instead of every second, so a task, a
        # health-check ping and a shutdown are noticed at once.
        "polling_interval": 0.1,
    }
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "heartbeat": {"task": "turazo.core.tasks.heartbeat", "schedule": 60.0},
    "invitations-expire": {"task": "mentoring.invitations_expire", "schedule": 15 * 60.0},
    "imports-purge-stale": {"task": "mentoring.imports_purge_stale", "schedule": 6 * 60 * 60.0},
    # The job outbox (turazo/core/jobs.py): publish what the broker missed, forget old rows,
    # and fail long jobs whose worker died (their lease ran out) or that nobody picked up.
    "jobs-dispatch-pending": {"task": "turazo.core.jobs_dispatch_pending", "schedule": 30.0},
    "jobs-prune": {"task": "turazo.core.jobs_prune", "schedule": 60 * 60.0},
    "imports-reap": {"task": "mentoring.imports_reap", "schedule": 60.0},
    "match-runs-reap": {"task": "matching.match_runs_reap", "schedule": 60.0},
    # Reminders and feedback requests are rows claimed every minute, never broker ETAs.
    "scheduling-reminders": {"task": "scheduling.reminders_dispatch", "schedule": 60.0},
    # Mentorship requests: one reminder to the mentor, then expiry (rows claimed, see request_services).
    "requests-sweep": {"task": "matching.requests_sweep", "schedule": 5 * 60.0},
    # Quiet-pair nudges of programs that send them automatically (at most one a week each).
    "insights-quiet-pair-nudges": {"task": "insights.quiet_pair_nudges", "schedule": 60 * 60.0},
    "action-links-purge": {"task": "turazo.core.tasks.action_links_purge", "schedule": 24 * 60 * 60.0},
}

# --- REST API ----------------------------------------------------------------------
# Set when a proxy in front terminates TLS: it sends X-Forwarded-Proto and X-Forwarded-For.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: DRF answers with the first class's challenge (WWW-Authenticate:
        # Token), so a missing or invalid token gets 401, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "turazo.core.api.exception_handler",
    # Counted in the shared cache (Redis in production), per user, and per address for
    # requests without credentials.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_RATE_LIMIT", default="600/min"),
        "anon": env.str("API_ANONYMOUS_RATE_LIMIT", default="60/min"),
    },
    # The client's address: the proxy's last X-Forwarded-For entry behind one, else the
    # connection's (never a header the client could set).
    "NUM_PROXIES": 1 if BEHIND_PROXY else 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Turazo API",
    "DESCRIPTION": (
        "Mentoring programs for HR integrations. Every request acts within the caller's current "
        "organization; send `X-Organization: <id>` to choose one when you belong to several."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The ".json" suffix routes DRF adds are not separate operations.
    "PREPROCESSING_HOOKS": ["drf_spectacular.hooks.preprocess_exclude_path_format"],
    # The error shape on every operation (400/401/403/404/409/429); see turazo/core/schema.py.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "turazo.core.schema.document_errors",
    ],
    # Several models have a "status"; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "ProgramStatusEnum": "mentoring.models.Program.Status",
        "ParticipantStatusEnum": "mentoring.models.Participant.Status",
        "InvitationStatusEnum": "mentoring.models.Invitation.Status",
        "ParticipantInvitationStatusEnum": "mentoring.models.Participant.InvitationStatus",
        "ImportJobStatusEnum": "mentoring.models.ImportJob.Status",
        "MentorshipStatusEnum": "mentoring.models.Mentorship.Status",
        "NudgeKindEnum": "insights.models.Nudge.Kind",
        "GoalStatusEnum": "journal.models.Goal.Status",
        "MentorshipRequestStatusEnum": "matching.models.MentorshipRequest.Status",
    },
}

# --- Security (production) -------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts and stylesheets come from this site only: no inline <script>, no event-handler
# attributes (onclick=...), no <style> elements; JavaScript lives in static/js/ and
# reads data attributes. style="" attributes stay allowed (a progress bar's width,
# third-party templates); browsers without CSP 3 fall back to style-src and drop them.
# The API docs pages relax styles for ReDoc (turazo/core/api_docs.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "style-src-attr": [CSP_UNSAFE_INLINE],
        "img-src": [CSP_SELF, "data:"],  # Bootstrap draws form controls with data: SVGs
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_NONE],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    },
}
# Browser features this site never uses, denied to it and to anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
        "magnetometer", "microphone", "midi", "payment", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip
SILENCED_SYSTEM_CHECKS: list[str] = []
if not SECURE_SSL_REDIRECT:
    # A proxy in front terminates TLS and redirects; say so explicitly.
    SILENCED_SYSTEM_CHECKS.append("security.W008")

# --- Product settings ---------------------------------------------------------------
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=14)
# Sessions get a room on this Jitsi Meet server unless the organization or the mentor sets a link.
VIDEO_JITSI_URL = env.url("VIDEO_JITSI_URL", default="https://meet.jit.si").geturl().rstrip("/")
CSV_IMPORT_MAX_BYTES = env.int("CSV_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
CSV_IMPORT_MAX_ROWS = env.int("CSV_IMPORT_MAX_ROWS", default=20_000)
# Files up to this size are checked within the upload request; larger ones by a worker.
CSV_IMPORT_INLINE_MAX_BYTES = env.int("CSV_IMPORT_INLINE_MAX_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = CSV_IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = CSV_IMPORT_MAX_BYTES + 1024 * 1024

# Every handler that writes log lines redacts the secrets in URLs (invitation tokens,
# password-reset and email-confirmation keys): see turazo/core/redaction.py. gunicorn's
# access and error logs get the same filter from turazo/gunicorn.conf.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "turazo.core.redaction.RedactSecretsFilter"}},
    "formatters": {
        # runserver's request lines, as Django formats them by default
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default handlers on "django" (console in DEBUG, mail_admins) would print
        # unfiltered copies: its records go to the root handler instead.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
