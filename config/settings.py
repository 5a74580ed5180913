"""Écoute settings, read from the environment (see README and .env.example).

Embedded defaults make the demo run with nothing installed: no DATABASE_URL means
a SQLite file, no REDIS_URL means Celery tasks run inline and the cache lives in memory.
Production (DEBUG off) refuses to start without a SECRET_KEY and a CREDENTIALS_KEY.
"""

import base64
import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_networks, env_str
from platforms.registry import PLATFORMS

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ECOUTE_VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), or set DEBUG=true for local use."
        )
    SECRET_KEY = "insecure-local-only-key-for-debug-use-never-in-production-0123456789"

# Fernet keys that encrypt platform credentials at rest. Comma-separated: the first
# encrypts, all decrypt, so a key can be rotated without losing stored credentials.
CREDENTIALS_KEYS = env_list("CREDENTIALS_KEY")
if not CREDENTIALS_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "CREDENTIALS_KEY is not set. Generate one with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'."
        )
    CREDENTIALS_KEYS = [base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "config.apps.EcouteAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_celery_beat",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "listening",
    "sla",
    "complaints",
    "responses",
    "integrations",
    "api",
    "pipeline",
    "benchmarks",
]

MIDDLEWARE = [
    "config.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.HtmxLoginRedirectMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "config.middleware.NulCharacterMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.user_roles",
                "responses.context_processors.unread_notifications",
                "complaints.context_processors.active_crisis_alerts",
            ],
        },
    },
]

# --- Database: Postgres in production and tests, a SQLite file when nothing is set.
# DATABASE_URL, or its parts (docker-compose.yml passes the parts: a password is then used as
# written, even with characters such as / # ? that a URL would need escaped).
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
elif env_str("POSTGRES_HOST"):
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.postgresql", "HOST": env_str("POSTGRES_HOST"),
        "PORT": env_int("POSTGRES_PORT", 5432), "NAME": env_str("POSTGRES_DB", "ecoute"),
        "USER": env_str("POSTGRES_USER", "ecoute"), "PASSWORD": os.environ.get("POSTGRES_PASSWORD", ""),
        "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True,
    }}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "ecoute.sqlite3"}}
    # The open mentions' covering index (listening.Mention, `include=`) lets Postgres answer the
    # queue by age and the report's backlog from the index alone. SQLite has no covering indexes:
    # Django builds the same index there without the included columns, which is all the demo
    # needs, and its check models.W040 only says so. Silenced for SQLite alone.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache when set; inline tasks and an in-memory cache otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ecoute"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the task to be redelivered
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_SERIALIZER = "json"
# Replies (responses/outbox.py): a queued reply's task should start within the grace time, and
# an attempt (a few requests with 35-second timeouts) ends well within the lease; past either,
# the sweeper (beat, every minute) sends the reply again, looking on the platform first.
REPLY_QUEUE_GRACE_SECONDS = env_int("REPLY_QUEUE_GRACE_SECONDS", 120)
REPLY_SEND_LEASE_SECONDS = env_int("REPLY_SEND_LEASE_SECONDS", 300)
CELERY_ACCEPT_CONTENT = ["json"]
# Four queues, so that arriving mentions never wait behind maintenance: "ingest" (webhook
# deliveries, polls, auto-assignment), "send" (replies), "train" (retraining the classifier and
# rescoring the open mentions with a new version: a minute or more of a full core) and "celery" (beat's periodic work: priorities, SLA alerts,
# crisis checks, report days). A worker started without -Q consumes all four; docker-compose.yml
# gives "ingest" a worker of its own and "train" one run at low CPU priority (nice), so that a
# retraining never slows the pages (docs/scaling.md).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue("celery"), Queue("ingest"), Queue("send"), Queue("train")]
CELERY_TASK_ROUTES = {  # by task name, wherever the task's module lives
    "*.ingest_items": {"queue": "ingest"}, "*.poll_source": {"queue": "ingest"},
    "*.auto_assign_mentions": {"queue": "ingest"}, "*.send_response": {"queue": "send"},
    "*.retrain_classifier": {"queue": "train"}, "*.reclassify_open_mentions": {"queue": "train"},
}

# --- Auth
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "complaints:queue"
LOGOUT_REDIRECT_URL = "login"
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
# Addresses or networks of the reverse proxies in front of the web app: only from them is
# X-Forwarded-For believed (the login lock counts failures per client address).
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

# --- Language and time
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
# The address people open Écoute at, for full links in e-mails and webhooks (paths without it).
SITE_URL = env_str("SITE_URL", "").rstrip("/")
USE_I18N = True
USE_TZ = True
# Dates with the month in words in every language (config/formats): "6 Dec 2026", "6 déc. 2026".
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static files, served by whitenoise in production.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- E-mail: SMTP when EMAIL_HOST is set, printed to the console otherwise.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ecoute@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers. The Content-Security-Policy comes from config.middleware.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
    # Only behind a reverse proxy that sets this header itself (see docker-compose.yml).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Platforms
# Each platform package declares its settings (platforms/<name>/settings.py: Graph version,
# webhook secrets, request quotas...); they are read here, strictly, like every other one.
_ENV_READERS = {str: env_str, int: env_int, bool: env_bool}
for _platform in PLATFORMS.values():
    for _setting in _platform.settings:
        globals()[_setting.name] = _ENV_READERS[_setting.type](_setting.name, _setting.default)
# Requests per 15 minutes each platform allows this installation, shared by all workers.
PLATFORM_QUOTAS = {p.key: globals()[p.quota_setting] for p in PLATFORMS.values() if p.quota_setting}
# Engagement of stored posts on platforms whose polling never sees them again (X): every
# ENGAGEMENT_REFRESH_MINUTES per source, the counts of up to ENGAGEMENT_REFRESH_PER_POLL open
# mentions of the last ENGAGEMENT_REFRESH_HOURS are looked up (each costs X read quota; 0 = off).
ENGAGEMENT_REFRESH_PER_POLL = env_int("ENGAGEMENT_REFRESH_PER_POLL", 20)
ENGAGEMENT_REFRESH_MINUTES = env_int("ENGAGEMENT_REFRESH_MINUTES", 15)
ENGAGEMENT_REFRESH_HOURS = env_int("ENGAGEMENT_REFRESH_HOURS", 6)
# The sandbox platform (the demo's: replies go nowhere) is refused with production settings
# unless a test installation asks for it.
SANDBOX_ALLOWED = DEBUG or env_bool("ALLOW_SANDBOX", default=False)

# --- Classifier
# Label corrections since the active model was trained that start a retraining (a nightly one runs too).
CLASSIFIER_RETRAIN_AFTER_CORRECTIONS = env_int("CLASSIFIER_RETRAIN_AFTER_CORRECTIONS", 50)

# --- API (Django REST framework): personal tokens or the browser session, JSON errors,
# a request budget per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication",
                                       "rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer",
                                 "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_REQUESTS_PER_MINUTE", "120") + "/min"},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Écoute API",
    "DESCRIPTION": "Mentions, triage, replies, canned responses, sources' health and report figures. "
                   "Authenticate with a personal token: Authorization: Bearer <token>.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"LabelEnum": "listening.choices.Label", "MentionStatusEnum": "listening.choices.Status",
                            "ResponseStatusEnum": "responses.models.ResponseStatus"},
}

# --- Single sign-on (OpenID Connect), on when OIDC_RP_CLIENT_ID is set. Local accounts keep working.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_ROLES_CLAIM = env_str("OIDC_ROLES_CLAIM", "ecoute_roles")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "SSO")
OIDC_USERNAME_ALGO = "accounts.oidc.username_from"
OIDC_TIMEOUT = 10
if OIDC_ENABLED:
    missing = [name for name in ("OIDC_RP_CLIENT_SECRET", "OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT",
                                 "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT") if not globals()[name]]
    if missing:
        raise ImproperlyConfigured("OIDC_RP_CLIENT_ID is set, so single sign-on needs " + ", ".join(missing) + ".")
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"] + (
    ["accounts.oidc.EcouteOIDCBackend"] if OIDC_ENABLED else [])
