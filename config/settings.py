"""Écoute settings, read from the environment (see README and .env.example).

Embedded defaults make the demo run with nothing installed: no DATABASE_URL means
a SQLite file, no REDIS_URL means Celery tasks run inline and the cache lives in memory.
Production (DEBUG off) refuses to start without a SECRET_KEY and a CREDENTIALS_KEY.
"""

import base64
import hashlib
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

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
    "accounts",
    "listening",
    "complaints",
    "responses",
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
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
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
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "ecoute.sqlite3"}}
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

# --- Language and time
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
# The address people open Écoute at, for full links in e-mails and webhooks (paths without it).
SITE_URL = env_str("SITE_URL", "").rstrip("/")
USE_I18N = True
USE_TZ = True

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
# facebook-sdk only knows long-retired Graph versions; platforms/facebook/graph.py sets this one.
FACEBOOK_GRAPH_VERSION = env_str("FACEBOOK_GRAPH_VERSION", "v23.0")
# Token Meta sends back during the webhook subscription handshake (hub.verify_token).
FACEBOOK_WEBHOOK_VERIFY_TOKEN = env_str("FACEBOOK_WEBHOOK_VERIFY_TOKEN")
# Requests per 15 minutes each platform allows this installation, shared by all workers.
PLATFORM_QUOTAS = {
    "twitter": env_int("X_REQUESTS_PER_15_MIN", 450),
    "facebook": env_int("FACEBOOK_REQUESTS_PER_15_MIN", 600),
    "blog": env_int("FEED_REQUESTS_PER_15_MIN", 3000),
}
# Engagement of stored posts on platforms whose polling never sees them again (X): every
# ENGAGEMENT_REFRESH_MINUTES per source, the counts of up to ENGAGEMENT_REFRESH_PER_POLL open
# mentions of the last ENGAGEMENT_REFRESH_HOURS are looked up (each costs X read quota; 0 = off).
ENGAGEMENT_REFRESH_PER_POLL = env_int("ENGAGEMENT_REFRESH_PER_POLL", 20)
ENGAGEMENT_REFRESH_MINUTES = env_int("ENGAGEMENT_REFRESH_MINUTES", 15)
ENGAGEMENT_REFRESH_HOURS = env_int("ENGAGEMENT_REFRESH_HOURS", 6)
# App secret signing Facebook webhook deliveries (credentials may also carry their own).
FACEBOOK_APP_SECRET = env_str("FACEBOOK_APP_SECRET")
# The sandbox platform (the demo's: replies go nowhere) is refused with production settings
# unless a test installation asks for it.
SANDBOX_ALLOWED = DEBUG or env_bool("ALLOW_SANDBOX", default=False)

# --- Classifier
# Label corrections since the active model was trained that start a retraining (a nightly one runs too).
CLASSIFIER_RETRAIN_AFTER_CORRECTIONS = env_int("CLASSIFIER_RETRAIN_AFTER_CORRECTIONS", 50)
