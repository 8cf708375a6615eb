"""Django settings for Parley, read from the environment variables declared in `parley.conf`."""
import ipaddress
from pathlib import Path

import dj_database_url

from parley.conf import (
    cache_config,
    data_dir,
    email_config,
    env_bool,
    env_int,
    env_list,
    env_str,
    private_file,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "parley.core",
    "parley.outgoing",
    "parley.articles",
    "parley.sources",
    "parley.accounts",
    "parley.discussion",
    "parley.enrichment",
    "parley.markets",
    "parley.stories",
    "parley.following",
    "parley.api",
    "parley.jobs",
    "parley.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "parley.middleware.ContentSecurityPolicyMiddleware",
    "parley.middleware.UnstorableInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "parley.accounts.middleware.ReaderTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "parley.accounts.middleware.RateLimitMiddleware",
]

ROOT_URLCONF = "parley.urls"
WSGI_APPLICATION = "parley.wsgi.application"

TEMPLATES = [
    {
        # Reading pages (see parley/jinja.py for why Jinja2).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "parley.jinja.environment", "context_processors": ["parley.jinja.site", "parley.web.viewer.context"]},
    },
    {
        # The admin and Django's own pages.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

SQLITE_FILE = DATA_DIR / "parley.sqlite3"
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{SQLITE_FILE}")
if DATABASE_URL == f"sqlite:///{SQLITE_FILE}":
    private_file(SQLITE_FILE)  # created readable by its owner only, before SQLite opens it
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "parley.db.sqlite"  # writers queue on a file lock; see its docstring
    # Opening a connection and running the PRAGMAs costs more than most page queries: keep it.
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on busy_timeout
        # instead of failing with "database is locked" when a read transaction upgrades.
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("PARLEY_DB_WAIT"),  # and per transaction, as parley/db/sqlite/base.py says
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

CACHES = {
    "default": cache_config(env_str("PARLEY_CACHE_URL")),
    "shared": cache_config(env_str("PARLEY_SHARED_CACHE_URL")),
}
RATELIMIT_CACHE = "shared"
RATE_LIMITS_ENABLED = env_bool("PARLEY_RATE_LIMITS")
PARLEY_TRUSTED_PROXIES = [ipaddress.ip_network(p, strict=False) for p in env_list("PARLEY_TRUSTED_PROXIES")]
PAGE_CACHE_SECONDS = env_int("PARLEY_PAGE_CACHE_SECONDS")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # verifies (and upgrades) older hashes
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PARLEY_MAIL_TRANSPORT, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS = email_config(
    env_str("PARLEY_EMAIL_URL"))
# Every mail is queued (parley.outgoing) and sent by the worker over PARLEY_MAIL_TRANSPORT: no
# request waits on a mail server or fails because of one.
EMAIL_BACKEND = "parley.outgoing.backend.QueueBackend"
DEFAULT_FROM_EMAIL = env_str("PARLEY_FROM_EMAIL")
PARLEY_EMAIL_TIMEOUT = env_int("PARLEY_EMAIL_TIMEOUT")
EMAIL_TIMEOUT = PARLEY_EMAIL_TIMEOUT
if env_str("PARLEY_EMAIL_URL").startswith("file://"):
    EMAIL_FILE_PATH = env_str("PARLEY_EMAIL_URL").removeprefix("file://")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at every request when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Security headers are always on; the HTTPS-only ones follow PARLEY_HTTPS.
HTTPS = env_bool("PARLEY_HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

PARLEY_SITE_NAME = env_str("PARLEY_SITE_NAME")
PARLEY_SITE_URL = env_str("PARLEY_SITE_URL").rstrip("/")
PARLEY_IMPORT_MAX_BYTES = env_int("PARLEY_IMPORT_MAX_BYTES")
PARLEY_FETCH_ALLOW_HOSTS = env_list("PARLEY_FETCH_ALLOW_HOSTS")
PARLEY_WORKER_LEASE_SECONDS = env_int("PARLEY_WORKER_LEASE_SECONDS")
PARLEY_FETCH_MAX_BYTES = env_int("PARLEY_FETCH_MAX_BYTES")
PARLEY_FETCH_TIMEOUT = env_int("PARLEY_FETCH_TIMEOUT")
PARLEY_SPACY_MODEL = env_str("PARLEY_SPACY_MODEL")
PARLEY_PRICES_PROVIDER = env_str("PARLEY_PRICES_PROVIDER")
PARLEY_PRICES_URL = env_str("PARLEY_PRICES_URL")
PARLEY_PRICES_KEY = env_str("PARLEY_PRICES_KEY")
PARLEY_PRICES_PER_HOUR = env_str("PARLEY_PRICES_PER_HOUR")  # read by parley.markets.providers (empty: the provider's)
PARLEY_PRICES_PER_DAY = env_str("PARLEY_PRICES_PER_DAY")
PARLEY_DB_WAIT = env_int("PARLEY_DB_WAIT")  # web requests; see parley/db/sqlite/base.py
PARLEY_DB_WAIT_BACKGROUND = max(PARLEY_DB_WAIT, 120)  # the worker and commands: no reader waits on them

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # Django logs the address of a 404 or 400 ("Not Found: /unsubscribe/<token>/"): secrets redacted.
    "filters": {"secrets": {"()": "parley.accesslog.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["secrets"]}},
    "loggers": {
        "parley": {"handlers": ["console"], "level": env_str("PARLEY_LOG_LEVEL")},
        # Server errors with their tracebacks (django.request), and Django's own warnings.
        "django": {"handlers": ["console"], "level": "WARNING"},
    },
}
