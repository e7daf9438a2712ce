"""Settings for every environment; production.py only hardens, test.py only speeds up.

Every value that differs between machines comes from the environment (see .env.example).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from tuntas.settings.env import (
    env,
    env_bool,
    env_choice,
    env_database,
    env_email,
    env_int,
    env_list,
    env_redis_url,
    env_str,
    identity_digest_key,
    identity_keys,
    secret_key,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent

if (BASE_DIR / ".env").exists():
    env.read_env(str(BASE_DIR / ".env"))

VAR_DIR = Path(env_str("TUNTAS_VAR_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", ["http://127.0.0.1:8000", "http://localhost:8000"]
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_htmx",
    "huey.contrib.djhuey",
    "tuntas.core",
    "tuntas.audit",
    "tuntas.institutions",
    "tuntas.sla",
    "tuntas.accounts",
    "tuntas.notifications",
    "tuntas.complaints",
    "tuntas.cases",
    "tuntas.ombudsman",
    "tuntas.exchange",
    "tuntas.webhooks",
    "tuntas.open311",
    "tuntas.transfer",
    "tuntas.opendata",
    "tuntas.referrals",
    "rest_framework",
    "drf_spectacular",
    "tuntas.site",
    "tuntas.staff",
    "tuntas.demo",
]

MIDDLEWARE = [
    "tuntas.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tuntas.core.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tuntas.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tuntas.accounts.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes' documented order).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tuntas.urls"
WSGI_APPLICATION = "tuntas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tuntas.core.context_processors.site",
            ],
        },
    }
]
# Django's built-in widget templates render through Jinja2 (the same markup, a fraction of the
# cost per widget); the admin's and the apps' own widget templates as before.
FORM_RENDERER = "tuntas.core.rendering.WidgetRenderer"

# --- Database -----------------------------------------------------------------------------
# SQLite is the embedded default: WAL so that readers never block the writer, synchronous=FULL
# so that an acknowledged commit survives power loss, IMMEDIATE so that a writing transaction
# takes the write lock at BEGIN instead of failing half-way with "database is locked", and
# Tuntas's subclass of the backend queues those writers on a file lock so that the next one
# starts as soon as the last commits (tuntas/core/sqlite_backend).
VAR_DIR.mkdir(parents=True, exist_ok=True)
_database = env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tuntas.sqlite3'}")
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["ENGINE"] = "tuntas.core.sqlite_backend"
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 20, minimum=1),
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        ),
    }
# PostgreSQL: server-side parameters and prepared statements, so that a query run a few times
# on a connection is parsed once, and planned once when it has no parameters (planning the
# directory's fingerprint cost twice its execution). A query with parameters is still planned
# for its values each time (plan_cache_mode=force_custom_plan): a generic plan made while a
# table was small (a bulk load, a new deployment) would keep scanning it once it is large.
# DATABASE_PLAN_CACHE_MODE=auto lets PostgreSQL keep a generic plan when it costs no more,
# which saved a quarter of the database server's CPU per submission (docs/benchmarks.md,
# ninth round) at that risk. Django turns prepared statements off by default for transaction
# poolers such as PgBouncer before 1.21; such a deployment sets DATABASE_PREPARED_STATEMENTS=false.
elif _database["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    _options = _database.get("OPTIONS", {})
    _plan_cache_mode = env_choice(
        "DATABASE_PLAN_CACHE_MODE",
        "force_custom_plan",
        ("force_custom_plan", "auto"),
    )
    _database["OPTIONS"] = {
        **_options,
        "server_side_binding": True,
        "prepare_threshold": env_int("DATABASE_PREPARE_THRESHOLD", 5, minimum=1),
        "options": f"{_options.get('options', '')} -c plan_cache_mode={_plan_cache_mode}".strip(),
    }
# Reuse connections on both engines: opening one per request costs ~12 % of a tracking look-up.
_database["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
_database["CONN_HEALTH_CHECKS"] = True
_database["ATOMIC_REQUESTS"] = False
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, queue -------------------------------------------------------------------------
REDIS_URL = env_redis_url("REDIS_URL")
if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    HUEY = {"huey_class": "huey.RedisHuey", "name": "tuntas", "url": REDIS_URL, "immediate": False}
else:
    # diskcache (SQLite files under var/) is shared by every worker process of one machine,
    # unlike locmem, and unlike Django's file cache its incr() is atomic (no rate-limit hit
    # lost between two workers), it evicts by size instead of dropping a random third of the
    # keys past 300 entries (every counter of a crowd), and a write costs one small SQLite
    # commit instead of a temporary file, a rename and a directory listing.
    CACHES = {
        "default": {
            "BACKEND": "tuntas.core.cache.PersistentDiskCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "TIMEOUT": 300,
            "SHARDS": 4,
            # Seconds a worker waits for a shard's lock before retrying (diskcache's own 10 ms
            # default turns a busy moment into retries).
            "DATABASE_TIMEOUT": 0.25,
            "OPTIONS": {
                "size_limit": env_int("CACHE_SIZE_LIMIT_BYTES", 256 * 2**20, minimum=2**20)
            },
        }
    }
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "tuntas",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }
# The page frame's fixed fragments ({% cache %} in base.html): derived from the code and the
# translations alone, so each worker process keeps its own copy in memory (a shared cache would
# cost a round trip per fragment, more than rendering some of them).
TEMPLATE_FRAGMENTS_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "tuntas-template-fragments",
    "TIMEOUT": None,
    "OPTIONS": {"MAX_ENTRIES": 2000},
}
CACHES["template_fragments"] = TEMPLATE_FRAGMENTS_CACHE

# --- Accounts and security ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tuntas.accounts.backends.EmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "tuntas.accounts.passwords.RoleAwareMinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# BSSN 4/2021 asks ≥ 12 characters for officials; citizens get NIST's 8.
STAFF_PASSWORD_MIN_LENGTH = env_int("STAFF_PASSWORD_MIN_LENGTH", 12, minimum=12)
CITIZEN_PASSWORD_MIN_LENGTH = env_int("CITIZEN_PASSWORD_MIN_LENGTH", 8, minimum=8)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "site:home"

# Staff sessions: absolute lifetime and idle timeout (ASVS V3.3).
STAFF_SESSION_MAX_AGE = env_int("STAFF_SESSION_MAX_AGE_SECONDS", 8 * 3600, minimum=300)
STAFF_SESSION_IDLE_TIMEOUT = env_int("STAFF_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
# Django's database sessions, minus a redundant look-up per new session (core/sessions.py).
SESSION_ENGINE = "tuntas.core.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE_SECONDS", 14 * 24 * 3600, minimum=300)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "tuntas.core.views.csrf_failure"

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tuntas.accounts.views.lockout_response"
AXES_VERBOSE = False

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")
LANGUAGE_COOKIE_NAME = "tuntas_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "files")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
# Uploaded files live outside the web root; there is deliberately no MEDIA_URL route.
MEDIA_ROOT = VAR_DIR / "files"

# --- E-mail -------------------------------------------------------------------------------
vars().update(env_email("EMAIL_URL", "consolemail://"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tuntas <tuntas@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tuntas.core.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- Reporter identity protection ---------------------------------------------------------
IDENTITY_ENCRYPTION_KEYS = identity_keys(VAR_DIR)
IDENTITY_DIGEST_KEY = identity_digest_key(VAR_DIR)
# Shown with the consent checkbox; bump when the privacy notice changes (UU 27/2022 Pasal 20).
PRIVACY_NOTICE_VERSION = "2026-12"
# How long reporter identities are kept after a report is closed (UU 27/2022 Pasal 43).
IDENTITY_RETENTION_YEARS = env_int("IDENTITY_RETENTION_YEARS", 5, minimum=1)

# --- Attachments --------------------------------------------------------------------------
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 10, minimum=1) * 2**20
ATTACHMENT_MAX_COUNT = env_int("ATTACHMENT_MAX_COUNT", 5, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 2**20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 2**20

# --- Outgoing messages --------------------------------------------------------------------
# tuntas.notifications.gateways.FileGateway writes var/outbox-messages.jsonl;
# HttpGateway posts JSON to MESSAGE_GATEWAY_URL with MESSAGE_GATEWAY_TOKEN.
MESSAGE_GATEWAY = env_str("MESSAGE_GATEWAY", "tuntas.notifications.gateways.FileGateway")
MESSAGE_GATEWAY_URL = env_str("MESSAGE_GATEWAY_URL", "")
MESSAGE_GATEWAY_TOKEN = env_str("MESSAGE_GATEWAY_TOKEN", "")
# Shared secret of the inbound SMS/WhatsApp webhook (HMAC-SHA256 of the body).
MESSAGE_WEBHOOK_SECRET = env_str("MESSAGE_WEBHOOK_SECRET", "")

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "tuntas.exchange.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tuntas API",
    "DESCRIPTION": "Reports about public services: intake and exchange between institutions.",
    "VERSION": "1",
}
API_CLIENT_RATE = env_str("API_CLIENT_RATE", "120/min")
# Kept ≥ 72 h: mobile reporters and channel systems retry late (targets.md #13).
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", 72, minimum=24)

# --- Inbound channels ---------------------------------------------------------------------
# Institution (slug) that receives SMS/WhatsApp reports without a leading #slug.
MESSAGE_INTAKE_INSTITUTION = env_str("MESSAGE_INTAKE_INSTITUTION", "")
# E-mail intake over IMAP (direct TLS); empty IMAP_HOST turns the periodic intake off.
IMAP_HOST = env_str("IMAP_HOST", "")
IMAP_PORT = env_int("IMAP_PORT", 993, minimum=1)
IMAP_USER = env_str("IMAP_USER", "")
IMAP_PASSWORD = env_str("IMAP_PASSWORD", "")
IMAP_FOLDER = env_str("IMAP_FOLDER", "INBOX")
IMAP_CAFILE = env_str("IMAP_CAFILE", "")

# --- Abuse resistance on the public pages (per client address) ----------------------------
# Behind a proxy, REMOTE_ADDR must carry the client's address, or every visitor shares a counter.
REPORT_SUBMISSIONS_PER_WINDOW = env_int("REPORT_SUBMISSIONS_PER_WINDOW", 5, minimum=1)
REPORT_SUBMISSION_WINDOW_SECONDS = env_int("REPORT_SUBMISSION_WINDOW_SECONDS", 600, minimum=1)
TRACKING_FAILURES_PER_WINDOW = env_int("TRACKING_FAILURES_PER_WINDOW", 10, minimum=1)
TRACKING_FAILURE_WINDOW_SECONDS = env_int("TRACKING_FAILURE_WINDOW_SECONDS", 600, minimum=1)
REPORT_STAGED_FILES_PER_WINDOW = 40
REPORT_STAGED_FILES_WINDOW_SECONDS = 3600
CITIZEN_SIGNUPS_PER_WINDOW = 5
CITIZEN_SIGNUP_WINDOW_SECONDS = 3600
REPORT_CHALLENGE_MAX_NUMBER = 100_000
STAGING_DIR = VAR_DIR / "staging"
# Virus scanning of attachments: tcp://127.0.0.1:3310 or unix:///run/clamav/clamd.ctl (empty: off).
CLAMAV_URL = env_str("CLAMAV_URL", "")
# Shown to reporters who cannot use the web form (Ombudsman RI call centre).
TUNTAS_CONTACT_PHONE = env_str("TUNTAS_CONTACT_PHONE", "137")
TUNTAS_PRIVACY_CONTACT_EMAIL = env_str("TUNTAS_PRIVACY_CONTACT_EMAIL", "")

# --- Tuntas -------------------------------------------------------------------------------
TUNTAS_SITE_NAME = "Tuntas"
# Demo accounts (tuntas demo load) may sign in only where DEBUG is on.
TUNTAS_ALLOW_DEMO_LOGIN = DEBUG

# --- Export, import and open data (tuntas.transfer, tuntas.opendata; engineer D2) ---------
# Export and import files live here, outside the web root; finished exports expire.
TRANSFER_DIR = VAR_DIR / "transfer"
# Exports up to this many rows stream straight to the browser; larger ones run as a job.
EXPORT_SYNC_MAX_ROWS = env_int("EXPORT_SYNC_MAX_ROWS", 5000, minimum=0)
EXPORT_RETENTION_HOURS = env_int("EXPORT_RETENTION_HOURS", 48, minimum=1)
IMPORT_MAX_UPLOAD_MB = env_int("IMPORT_MAX_UPLOAD_MB", 200, minimum=1)
# Open data: the licence named on every dataset, and how long computed datasets are cached.
OPENDATA_LICENCE = env_str("OPENDATA_LICENCE", "CC BY 4.0")
OPENDATA_LICENCE_URL = env_str(
    "OPENDATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)
# The worker recomputes every hour; two hours of cache means visitors never wait for it.
OPENDATA_CACHE_SECONDS = env_int("OPENDATA_CACHE_SECONDS", 7200, minimum=0)
# Counts below this are suppressed (with complementary suppression) in open data.
OPENDATA_MIN_COUNT = env_int("OPENDATA_MIN_COUNT", 5, minimum=2)

# --- Webhooks and referrals between instances (tuntas.webhooks, tuntas.referrals) ---------
# Attempts before a webhook or peer message becomes a dead letter; back-off doubles from the
# base up to the cap, with jitter; each request times out after WEBHOOK_TIMEOUT_SECONDS.
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30, minimum=0)
WEBHOOK_RETRY_MAX_SECONDS = env_int("WEBHOOK_RETRY_MAX_SECONDS", 3600, minimum=0)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
# A claim older than this is a worker that died mid-send; the message is sent again.
WEBHOOK_SENDING_LEASE_SECONDS = env_int("WEBHOOK_SENDING_LEASE_SECONDS", 120, minimum=1)
# Receivers on loopback/private/link-local addresses are refused unless this is on (it is on in
# DEBUG, for a receiver on the developer's machine): a subscription must not reach the intranet.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", DEBUG)
# Signed requests from peer instances older or newer than this are refused (clock skew).
REFERRAL_SIGNATURE_WINDOW_SECONDS = env_int("REFERRAL_SIGNATURE_WINDOW_SECONDS", 300, minimum=5)

# --- Open311 GeoReport v2 (tuntas.open311, /open311/v2/) ----------------------------------
# realtime: POST requests answers with the service_request_id; batch: with a token that
# GET tokens/{token} resolves. Requests per GET requests answer without page_size: the spec's
# "first 1000" by default (lower it to make a poll cheaper; clients page with page/page_size).
OPEN311_SERVICE_TYPE = env_str("OPEN311_SERVICE_TYPE", "realtime")
if OPEN311_SERVICE_TYPE not in ("realtime", "batch"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("OPEN311_SERVICE_TYPE must be realtime or batch.")
OPEN311_DEFAULT_PAGE_SIZE = min(env_int("OPEN311_DEFAULT_PAGE_SIZE", 1000, minimum=1), 1000)
