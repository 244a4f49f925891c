"""The one settings module. Every value comes from the environment (or a `.env` file beside
manage.py); `.env.example` lists them all. It fails closed: DEBUG is off unless set (`make run` and
`make test` set DEBUG=true), and with DEBUG off the platform refuses to start with the development
secret key or the console SMS backend, and refuses to load the demo town (docs/security.md)."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"  # noqa: S105 - refused in production

DEBUG = env.bool("DEBUG", default=False)
FRIENDLY_404 = env.bool("FRIENDLY_404", default=True)  # the platform's 404 page under DEBUG too
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a private value of at least 32 characters when DEBUG is off "
        "(for development on this machine, set DEBUG=true as `make run` does)."
    )
# The audit chain's key (HMAC-SHA256, gongzhi.core.audit), kept outside the database: whoever can
# write to the database cannot re-seal a rewritten history without it. Keep it as safe as
# SECRET_KEY and never change it once entries exist (they would no longer verify).
DEVELOPMENT_AUDIT_KEY = "development-only-audit-key-do-not-use-in-production"  # noqa: S105 - refused in production
AUDIT_KEY = env.str("AUDIT_KEY", default=DEVELOPMENT_AUDIT_KEY)
if not DEBUG and (AUDIT_KEY == DEVELOPMENT_AUDIT_KEY or len(AUDIT_KEY) < 32 or AUDIT_KEY == SECRET_KEY):
    raise ImproperlyConfigured(
        "AUDIT_KEY must be set to a private value of at least 32 characters, other than SECRET_KEY, when DEBUG is off."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "axes",
    "django_prometheus",
    "gongzhi.core",
    "gongzhi.places",
    "gongzhi.orgs",
    "gongzhi.accounts",
    "gongzhi.onboarding",
    "gongzhi.notifications",
    "gongzhi.exports",
    "gongzhi.cases",
    "gongzhi.meetings",
    "gongzhi.notices",
    "gongzhi.api",
    "gongzhi.surveys",
    "gongzhi.inspections",
    "gongzhi.evaluations",
    "gongzhi.credit",
    "gongzhi.assessments",
    "gongzhi.warning_letters",
    "gongzhi.awards",
    "gongzhi.supervision",
    "gongzhi.dashboard",
    "gongzhi.evaluation_reports",
    "gongzhi.leadership",
    "gongzhi.demo",  # last: the demo town plays every other app's story
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # requests and latency (/metrics)
    "gongzhi.core.middleware.RequestIdMiddleware",  # X-Request-ID on the response and in every log line
    "django.middleware.security.SecurityMiddleware",
    "gongzhi.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gongzhi.core.middleware.NotFoundPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "gongzhi.urls"
ADMIN_PATH = env.str("ADMIN_PATH", default="admin/")
WSGI_APPLICATION = "gongzhi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gongzhi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongzhi.core.context_processors.platform",
                "gongzhi.notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite (embedded, zero set-up) by default; PostgreSQL in production and CI via DATABASE_URL.
DATABASE_URL = env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'gongzhi.sqlite3'}")
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so the web server and the worker queue
    # up instead of failing with "database is locked"; WAL lets readers run beside one writer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): lock a username from an address after repeated failures.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "gongzhi.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# Behind a reverse proxy: how many proxies append to X-Forwarded-For (1 for the documented nginx).
# Every limit reads the client's address through this one function (gongzhi.core.client).
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "gongzhi.core.client.client_address"

CSRF_FAILURE_VIEW = "gongzhi.core.views.csrf_failure"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
# Sessions in the database by default. With Redis as the cache (CACHE_URL) either
# django.contrib.sessions.backends.cached_db (read from Redis, written to both: a Redis loss signs
# nobody out) or django.contrib.sessions.backends.cache (Redis alone: faster writes, and a Redis
# restart signs everyone out). docs/deployment.md.
SESSION_ENGINE = env.str("SESSION_ENGINE", default="django.contrib.sessions.backends.db")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The proxy's or the monitoring's plain-HTTP checks and the metrics scraped from the machine itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- One-time codes by SMS ------------------------------------------------------------------
# gongzhi.accounts.sms.ConsoleBackend writes the message to the log (development);
# gongzhi.accounts.sms.HttpBackend posts it to the SMS gateway of your provider (production).
SMS_BACKEND = env.str("SMS_BACKEND", default="gongzhi.accounts.sms.ConsoleBackend")
if not DEBUG and SMS_BACKEND.endswith(".ConsoleBackend"):
    raise ImproperlyConfigured(
        "SMS_BACKEND is the console (codes written to the log) while DEBUG is off: set your SMS gateway "
        "(gongzhi.accounts.sms.HttpBackend with SMS_HTTP_URL and SMS_HTTP_TOKEN)."
    )
# A resident's claims to units by invite code that wait for confirmation, at most (one person, one
# household: several open claims are what a person posing as several residents needs).
OPEN_CLAIMS_PER_ACCOUNT = env.int("OPEN_CLAIMS_PER_ACCOUNT", default=2)
# Wrong invite codes per account and per address in 10 minutes before the form stops checking.
INVITE_CODE_ATTEMPTS = env.int("INVITE_CODE_ATTEMPTS", default=10)
# The demo town (manage.py seed_demo, with its known passwords) loads only where this is on.
ALLOW_DEMO = env.bool("ALLOW_DEMO", default=DEBUG)
SMS_HTTP_URL = env.str("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = env.str("SMS_HTTP_TOKEN", default="")
SMS_HTTP_TIMEOUT = env.float("SMS_HTTP_TIMEOUT", default=10.0)
SMS_SIGNATURE = env.str("SMS_SIGNATURE", default="共治")
# The site's public address, put in front of links sent by SMS (e.g. https://gongzhi.example.gov.cn).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Email (meeting invitations with their .ics file). Development prints them on the console.
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
globals().update(env.email_url_config(EMAIL_URL))  # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, …
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="gongzhi@localhost")
OTP_TTL_SECONDS = env.int("OTP_TTL_SECONDS", default=300)
OTP_MAX_ATTEMPTS = env.int("OTP_MAX_ATTEMPTS", default=5)
OTP_RESEND_SECONDS = env.int("OTP_RESEND_SECONDS", default=60)
OTP_MAX_PER_PHONE_PER_HOUR = env.int("OTP_MAX_PER_PHONE_PER_HOUR", default=5)
OTP_MAX_PER_ADDRESS_PER_HOUR = env.int("OTP_MAX_PER_ADDRESS_PER_HOUR", default=20)
OTP_MAX_FAILURES_PER_PHONE_PER_DAY = env.int("OTP_MAX_FAILURES_PER_PHONE_PER_DAY", default=15)

# --- Keeping personal data only as long as needed (PIPL) ------------------------------------
# Days each kind is kept; the periodic command then removes it (gongzhi.core.retention; each app's
# retention.py). Whole days, Shanghai time: due at the first run after midnight once the period has
# passed since the day the row was made. `manage.py purge_expired --dry-run` counts what is due.
# One-time codes (mobile number, client address): the limits on codes count those of the last hour
# and the last 24 hours (gongzhi.accounts.services), so at least 2 days: a shorter period would
# forget codes those limits still read and let a number or an address start afresh.
RETENTION_PHONE_CODES_DAYS = env.int("RETENTION_PHONE_CODES_DAYS", default=30)
# Notifications (text, SMS number): read or unread, in the platform or by SMS, the same period.
RETENTION_NOTIFICATIONS_DAYS = env.int("RETENTION_NOTIFICATIONS_DAYS", default=365)
# A hotline call's details (caller's name and number) and its error messages, counted from when it
# was processed; the intake row stays, as the record of its Idempotency-Key.
RETENTION_INTAKE_PAYLOADS_DAYS = env.int("RETENTION_INTAKE_PAYLOADS_DAYS", default=90)
# A public report's client address, read only by the public form's limit per address and hour.
RETENTION_SUBMITTED_FROM_DAYS = env.int("RETENTION_SUBMITTED_FROM_DAYS", default=30)
# An exported list's file (and its job), counted from the day the export was started: the file is
# to be downloaded, not kept on the platform.
RETENTION_EXPORTS_DAYS = env.int("RETENTION_EXPORTS_DAYS", default=7)
for _name, _least in (
    ("RETENTION_PHONE_CODES_DAYS", 2),
    ("RETENTION_NOTIFICATIONS_DAYS", 1),
    ("RETENTION_INTAKE_PAYLOADS_DAYS", 1),
    ("RETENTION_SUBMITTED_FROM_DAYS", 1),
    ("RETENTION_EXPORTS_DAYS", 1),
):
    if globals()[_name] < _least:
        raise ImproperlyConfigured(f"{_name} must be at least {_least} (days).")
del _name, _least

# --- Background jobs ------------------------------------------------------------------------
# The database queue by default (`manage.py db_worker`); on Redis with RQ in production
# (TASKS_BACKEND=django_tasks_rq.RQBackend, RQ_URL; workers: `manage.py rqworker --with-scheduler
# --job-class django_tasks_rq.Job default`, as many as you like). docs/deployment.md.
TASKS_BACKEND = env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": ["default"]}}
RQ_URL = env.str("RQ_URL", default="redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": RQ_URL, "DEFAULT_TIMEOUT": env.int("RQ_JOB_TIMEOUT", default=3600)}}
RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
if TASKS_BACKEND.startswith("django_tasks_rq."):
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "gongzhi" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "gongzhi" / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ONBOARDING_MAX_UPLOAD_BYTES = env.int("ONBOARDING_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)

# --- Cache ----------------------------------------------------------------------------------
# Local memory by default (one process); redis://host:6379/1 with several processes or machines,
# through Django's own Redis backend, where a Redis that does not answer is a miss, not an error
# (gongzhi.core.cache: pages are still served, the per-address limits count nothing meanwhile).
CACHE_URL = env.str("CACHE_URL", default="locmemcache://")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "gongzhi.core.cache.TolerantRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "gongzhi",
            # Seconds to wait for Redis before counting a miss: a Redis that is down must not hold pages up.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": env.cache_url_config(CACHE_URL)}

# --- Logging --------------------------------------------------------------------------------
# LOG_FORMAT=json writes one JSON object per line (for a log collector); plain text by default.
# Each line of a request carries its request id (X-Request-ID, gongzhi.core.logs).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "gongzhi.core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {"()": "gongzhi.core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "gongzhi": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django_tasks": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- Operations -----------------------------------------------------------------------------
# /metrics (Prometheus) answers the clients at these addresses (as gongzhi.core.client reads them:
# behind nginx set TRUSTED_PROXIES), or anyone sending `Authorization: Bearer <METRICS_TOKEN>`.
METRICS_ALLOWED_ADDRESSES = env.list("METRICS_ALLOWED_ADDRESSES", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
PROMETHEUS_EXPORT_MIGRATIONS = False

# --- Platform -------------------------------------------------------------------------------
PLATFORM_NAME = _("Gongzhi")
