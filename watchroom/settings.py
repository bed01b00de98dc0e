"""Django settings for Watchroom. Every value comes from an environment variable (docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from watchroom.lib.env import (
    ConfigurationError,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_secret,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent

DATA_DIR = Path(env_str("WATCHROOM_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "uploads"  # uploaded documents; never served directly
EVIDENCE_VAULT_DIR = DATA_DIR / "vault"  # encrypted evidence copies (footage module)
BACKUP_DIR = DATA_DIR / "backups"

DEBUG = env_bool("WATCHROOM_DEBUG", False)
SECRET_KEY = env_secret(
    "WATCHROOM_SECRET_KEY", file_name="WATCHROOM_SECRET_KEY_FILE", fallback_path=DATA_DIR / "secret_key"
)
WATCHROOM_FIELD_KEY = env_str("WATCHROOM_FIELD_KEY", "")
# base64 of 32 bytes: AES-256-GCM key of the evidence vault (footage); derived from SECRET_KEY when empty
WATCHROOM_VAULT_KEY = env_str("WATCHROOM_VAULT_KEY", "")
# The address users reach Watchroom at, for links in e-mail and webhook messages
WATCHROOM_BASE_URL = env_str("WATCHROOM_BASE_URL", "http://127.0.0.1:8000")
ALLOWED_HOSTS = env_list("WATCHROOM_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("WATCHROOM_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "watchroom.audit",
    "watchroom.accounts",
    "watchroom.sites",
    "watchroom.approvals",
    "watchroom.notifications",
    "watchroom.jobs",
    "watchroom.regulations",
    "watchroom.equipment",
    "watchroom.duty",
    "watchroom.health",
    "watchroom.footage",
    "watchroom.incidents",
    "watchroom.dashboard",
    "watchroom.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "watchroom.lib.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "watchroom.accounts.middleware.AccountPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "watchroom.urls"
WSGI_APPLICATION = "watchroom.wsgi.application"
ASGI_APPLICATION = "watchroom.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "watchroom.dashboard.context.navigation",
            ]
        },
    }
]

# --- database -------------------------------------------------------------------------------
_db_url = env_str("WATCHROOM_DATABASE_URL", f"sqlite:///{DATA_DIR / 'watchroom.sqlite3'}")
try:
    _db = dj_database_url.parse(_db_url, conn_max_age=env_int("WATCHROOM_DB_CONN_MAX_AGE", 60, minimum=0))
except Exception as exc:  # dj-database-url raises several types
    raise ConfigurationError(f"WATCHROOM_DATABASE_URL is not a database URL: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialise writers at BEGIN, so the audit hash chain never forks.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
elif _db["ENGINE"] not in {"django.db.backends.postgresql"}:
    raise ConfigurationError("WATCHROOM_DATABASE_URL must be sqlite:// or postgres://")
_db.setdefault("TEST", {})
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts, login, sessions ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "watchroom.accounts.backends.RoleBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_MIN_LENGTH = env_int("WATCHROOM_PASSWORD_MIN_LENGTH", 10, minimum=8)
PASSWORD_EXPIRY_DAYS = env_int("WATCHROOM_PASSWORD_EXPIRY_DAYS", 90, minimum=0)
PASSWORD_HISTORY = 5
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "watchroom.accounts.passwords.CharacterClassValidator"},
    {"NAME": "watchroom.accounts.passwords.NotContainingUsernameValidator"},
    {"NAME": "watchroom.accounts.passwords.HistoryValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
SESSION_IDLE_TIMEOUT = env_int("WATCHROOM_SESSION_IDLE_MINUTES", 15, minimum=1) * 60
SESSION_COOKIE_AGE = 12 * 3600
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REQUIRE_2FA = env_bool("WATCHROOM_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = env_str("WATCHROOM_OTP_ISSUER", "Watchroom")
API_TOKEN_HOURS = env_int("WATCHROOM_API_TOKEN_HOURS", 12, minimum=1, maximum=24 * 30)

AXES_FAILURE_LIMIT = env_int("WATCHROOM_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("WATCHROOM_LOCKOUT_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a flat 15 minutes from the fifth failure
AXES_LOCKOUT_CALLABLE = "watchroom.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# --- security headers (production) ------------------------------------------------------------
_https = env_bool("WATCHROOM_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = _https and env_bool("WATCHROOM_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_HSTS_SECONDS = env_int("WATCHROOM_HSTS_SECONDS", 31536000 if _https else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Lockout is per username (the issue asks for it): operators share the centre's workstations, so an IP
# lockout would lock the whole monitoring room out after one person's typos.
# drf-spectacular's W001 reports how it names enum components of the OpenAPI document when several
# models have a `status` field ("Status83cEnum"); the schema is valid, only the component names are
# generated. Kept out of `check --deploy`; `watchroom spectacular --validate` still lists them.
SILENCED_SYSTEM_CHECKS: list[str] = ["axes.W006", "drf_spectacular.W001"]

# --- language and time (Chinese first, Asia/Shanghai) ----------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS: list[Path] = []  # each app keeps its own catalogue in <app>/locale (docs/architecture.md)
TIME_ZONE = env_str("WATCHROOM_TIME_ZONE", "Asia/Shanghai")
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except Exception:
    raise ConfigurationError(f"WATCHROOM_TIME_ZONE={TIME_ZONE!r} is not a time zone") from None
USE_I18N = True
USE_TZ = True

# --- static files: from npm packages installed at install time, never a CDN --------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
_NODE = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", _NODE / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", _NODE / "bootstrap-icons" / "font"),
    ("vendor/htmx", _NODE / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- e-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_choice(
    "WATCHROOM_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend",
    {
        "django.core.mail.backends.smtp.EmailBackend",
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    },
)
EMAIL_HOST = env_str("WATCHROOM_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("WATCHROOM_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("WATCHROOM_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("WATCHROOM_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("WATCHROOM_EMAIL_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("WATCHROOM_EMAIL_FROM", "watchroom@localhost")
EMAIL_FILE_PATH = str(DATA_DIR / "mail")

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "watchroom.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "watchroom.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "watchroom.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Watchroom API",
    "DESCRIPTION": "医院监控中心运行与合规系统 REST API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- timed work -------------------------------------------------------------------------------
WORKER_POLL_SECONDS = env_int("WATCHROOM_WORKER_POLL_SECONDS", 2, minimum=1)
WORKER_THREADS = env_int("WATCHROOM_WORKER_THREADS", 4, minimum=1, maximum=64)

# --- camera health (watchroom/health/conf.py reads these) ------------------------------------------
HEALTH_PROBE_TIMEOUT = env_float("WATCHROOM_HEALTH_PROBE_TIMEOUT", 5.0, minimum=0.5)
HEALTH_REACH_TIMEOUT = env_float("WATCHROOM_HEALTH_REACH_TIMEOUT", 3.0, minimum=0.2)
HEALTH_POOL_SIZE = env_int("WATCHROOM_HEALTH_POOL_SIZE", 20, minimum=1, maximum=256)
HEALTH_REACH_CONCURRENCY = env_int("WATCHROOM_HEALTH_REACH_CONCURRENCY", 200, minimum=1)
HEALTH_SWEEP_MINUTES = env_int("WATCHROOM_HEALTH_SWEEP_MINUTES", 5, minimum=1)
HEALTH_FAIL_COUNT = env_int("WATCHROOM_HEALTH_FAIL_COUNT", 2, minimum=1)
HEALTH_PASS_COUNT = env_int("WATCHROOM_HEALTH_PASS_COUNT", 2, minimum=1)
HEALTH_THUMBNAIL_DAYS = env_int("WATCHROOM_HEALTH_THUMBNAIL_DAYS", 14, minimum=1)

# Seconds each process keeps alarm-source, camera and system-actor lookups for alarm intake (0 = off);
# a rotated or retired key stops working in other processes within this time (incidents/intake_cache.py).
INCIDENTS_INTAKE_CACHE_SECONDS = env_float("WATCHROOM_INCIDENTS_INTAKE_CACHE_SECONDS", 5.0, minimum=0.0)
# single alarm POSTs arriving together are stored in one transaction, each answered after its commit
INCIDENTS_GROUP_COMMIT = env_bool("WATCHROOM_INCIDENTS_GROUP_COMMIT", True)

# --- footage export uploads (footage/uploads.py): sealed into the vault while they arrive -------------
# the largest export one upload request may carry (refused with 413 before its body is read)
FOOTAGE_MAX_EXPORT_BYTES = env_int("WATCHROOM_FOOTAGE_MAX_EXPORT_MB", 16 * 1024, minimum=1) * 1024 * 1024
# bytes the multipart parser reads at a time on the upload views (1 MiB measured best, docs/benchmarks.md)
FOOTAGE_UPLOAD_CHUNK_SIZE = (
    env_int("WATCHROOM_FOOTAGE_UPLOAD_CHUNK_KB", 1024, minimum=64, maximum=16384) * 1024
)

# --- camera-health probes on Celery + Redis (health owns this block; watchroom/celery.py) ----------
# Empty: probes run in this process. Set (redis://host:6379/0): sweeps and `watchroom runprobes` send
# each probe to queue `probes.<campus code>`, served by `celery -A watchroom worker -Q probes.<code>`
# inside that campus's camera network; results come back through the same Redis.
WATCHROOM_BROKER_URL = env_str("WATCHROOM_BROKER_URL", "")
HEALTH_REMOTE_DEADLINE = env_float("WATCHROOM_HEALTH_REMOTE_DEADLINE", 120.0, minimum=1.0)
# --- end of the Celery block -----------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("WATCHROOM_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
