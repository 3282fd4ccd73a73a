"""The one settings module of teilhabe, read from environment variables.

Without any environment the platform runs on an embedded SQLite database under var/, so that a fresh
checkout works with one command. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY(_FILE),
ALLOWED_HOSTS and the mail settings.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TEILHABE_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def envsecret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file named by NAME_FILE (for container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
SECRET_KEY = envsecret("SECRET_KEY") or ("insecure-dev-key-only-for-debug" if DEBUG else "")
if not SECRET_KEY:
    # Without DEBUG a real key is required; tests and the demo set one explicitly.
    SECRET_KEY = "unset-" + "x" * 50
    SECRET_KEY_MISSING = True
else:
    SECRET_KEY_MISSING = False
# The audit log's key (HMAC-SHA256): kept outside the database, so that whoever can write the database cannot
# rewrite the log unnoticed. Required unless DEBUG, like SECRET_KEY; never change it (earlier entries would no
# longer verify). Tests use the fixed placeholder below.
AUDIT_KEY = envsecret("AUDIT_KEY") or ("insecure-dev-audit-key-only-for-debug" if DEBUG else "")
AUDIT_KEY_MISSING = not AUDIT_KEY
if AUDIT_KEY_MISSING:
    AUDIT_KEY = "unset-audit-key"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
# The platform's name in mails and the Site record (kept in sync with SITE_URL's host by every migrate).
SITE_NAME = env("SITE_NAME", "teilhabe")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "django_tasks",
    "django_tasks_db",
    "teilhabe.core",
    "teilhabe.accounts",
    "teilhabe.places",
    "teilhabe.processes",
    "teilhabe.stakeholders",
    "teilhabe.administration",
    "teilhabe.councils",
    "teilhabe.competitions",
    "teilhabe.contributions",
    "teilhabe.events",
    "teilhabe.plan",
    "teilhabe.profiles",
    "teilhabe.paper",
    "teilhabe.analog",
    "teilhabe.imports",
    "teilhabe.involvement",
    "teilhabe.evaluation",
    "teilhabe.monitoring",
    "teilhabe.reports",
    "teilhabe.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",  # above the page cache: its hits get it too
    "teilhabe.core.middleware.VersionMemoMiddleware",  # each cache version read once per request
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "teilhabe.core.middleware.ContentSecurityPolicyMiddleware",  # django-csp's, with the policy built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Anonymous page-cache hits are answered here, with every header above (teilhabe.core.page_cache).
    "teilhabe.core.middleware.PageCacheMiddleware",
    # Every other GET reads what the last one of the same page read, in one round trip (teilhabe.core.read_ahead).
    "teilhabe.core.middleware.CacheReadAheadMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "teilhabe.core.middleware.ApplicationErrorMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",  # a django-ratelimit block is a 429 page, not a 403
]

ROOT_URLCONF = "teilhabe.urls"
WSGI_APPLICATION = "teilhabe.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "teilhabe" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "teilhabe.core.context_processors.site",
                "teilhabe.administration.context_processors.workspace",  # the staff workspace in the navigation
            ],
        },
    },
]

# Database: embedded SQLite (WAL) unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'teilhabe.sqlite3'}"),
        # Connections are kept for a minute: a new one per request would start with an empty SQLite page cache
        # (and cost a PostgreSQL handshake); health checks drop one that broke in the meantime.
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rate limits only count reliably with a shared cache; locmem is fine for a single demo process.
# Every limit, its key and what people see: docs/rate-limits.md.
RATELIMIT_ENABLE = envbool("RATELIMIT_ENABLE", True)
# Behind our reverse proxy the client address is the X-Forwarded-For entry our proxies appended.
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 1)
RATELIMIT_IP_META_KEY = "teilhabe.core.ratelimit.client_address"
RATELIMIT_VIEW = "teilhabe.core.ratelimit.too_many_requests"
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "django_ratelimit.E003"]

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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

SITE_ID = 1
ACCOUNT_ADAPTER = "teilhabe.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_SIGNUP_FORM_CLASS = "teilhabe.accounts.forms.SignupDetailsForm"
# allauth's own defaults for the other actions; failed sign-ins count per (account, address), see the adapter.
ACCOUNT_RATE_LIMITS = False if not RATELIMIT_ENABLE else {"login_failed": "30/10m/ip,5/5m/key"}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if SITE_URL.startswith("http://") else "https"

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "teilhabe <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "de"
# German first; Leichte Sprache (easy German) is offered like a language of its own ("de-ls").
LANGUAGES = [
    ("de", _("German")),
    ("de-ls", _("Easy German")),
    ("en", _("English")),
    ("tr", _("Turkish")),
    ("ar", _("Arabic")),
    ("pl", _("Polish")),
    ("ru", _("Russian")),
    ("fa", _("Persian")),
    ("uk", _("Ukrainian")),
]
EXTRA_LANG_INFO = {
    "de-ls": {"bidi": False, "code": "de-ls", "name": "Easy German", "name_local": "Leichte Sprache"},
}
# Our catalogues; then formal ("Sie") German for django-allauth's pages and mails, whose own German is informal.
LOCALE_PATHS = [BASE_DIR / "teilhabe" / "locale", BASE_DIR / "teilhabe" / "locale_overrides"]
TIME_ZONE = env("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
FORMAT_MODULE_PATH = ["teilhabe.formats"]  # fills the gaps of some languages' formats (Arabic date and time)
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "teilhabe" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "private"}},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A strict Content-Security-Policy: no page uses inline script or style, nothing is loaded from elsewhere
# (the admin too: Django's admin passes its data in data-* attributes of external scripts).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Browser features the platform never uses are switched off for it and for anything it might embed
# (only features Chromium knows: it logs an error for every unknown one).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Optional machine translation of contributions (off by default): "libretranslate" or "deepl".
MT_BACKEND = env("MT_BACKEND")
MT_URL = env("MT_URL")
MT_API_KEY = envsecret("MT_API_KEY")
MT_TIMEOUT = envint("MT_TIMEOUT", 5)

# Demo mode marks the demo texts as written for the project in the footer.
TEILHABE_DEMO = envbool("TEILHABE_DEMO", False)
if TEILHABE_DEMO and not env("EMAIL_BACKEND"):
    # The demo's mails go to the console and to files under EMAIL_FILE_PATH, shown on /demo/postfach/.
    EMAIL_BACKEND = "teilhabe.demo.mail.MailboxBackend"
TEILHABE_PAGE_SIZE = envint("TEILHABE_PAGE_SIZE", 20)
# Counts of people from 1 to SMALL_CELL_K - 1 are shown as "< k" in every output, with complements withheld so
# that no total reveals them (teilhabe.core.disclosure; docs/metrics.md, "Small cells"). At least 3.
SMALL_CELL_K = envint("SMALL_CELL_K", 5)
# How long a dashboard's figures are kept before they are computed afresh (the page shows their age).
TEILHABE_DASHBOARD_SECONDS = envint("TEILHABE_DASHBOARD_SECONDS", 300)
# Whole public pages for anonymous readers, per language, in the cache above (teilhabe.core.page_cache; what is
# cached and what makes it stale: docs/architecture.md, "Page cache"). The lifetime is an upper bound: a change
# makes a page stale at once, and a page never outlives the phase of its process.
TEILHABE_PAGE_CACHE = envbool("TEILHABE_PAGE_CACHE", True)
TEILHABE_PAGE_CACHE_SECONDS = envint("TEILHABE_PAGE_CACHE_SECONDS", 600)

# Background work (django-tasks): a queue in the database, run by `manage.py db_worker` beside the app server,
# in production and the demo; with DEBUG alone (no worker) and in the tests, tasks run at once.
TASKS_BACKEND = env("TASKS_BACKEND", "immediate" if DEBUG and not TEILHABE_DEMO else "database")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND]
    }
}
# Housekeeping: a task that runs these jobs (dotted paths of functions without arguments) and, on a queue
# that can defer, enqueues itself again after the interval; `manage.py schedule_housekeeping` starts it.
TEILHABE_HOUSEKEEPING_JOBS = [
    "teilhabe.core.services.audit_checkpoint_job",
    "teilhabe.contributions.services.contribution_purge_unconfirmed",
    "teilhabe.administration.services.notifications_housekeeping",  # late step mails, daily digests
    "teilhabe.administration.services.consideration_exports_recover",  # exports whose worker died
    "teilhabe.events.services.registrations_housekeeping",  # reminders the day before, notices of cancellations
    "teilhabe.events.services.registrations_purge",  # registrations past TEILHABE_REGISTRATION_RETENTION_DAYS
    "teilhabe.analog.services.scans_purge",  # scans of originals past TEILHABE_SCAN_RETENTION_DAYS
    "teilhabe.stakeholders.services.contact_persons_purge",  # contact persons past TEILHABE_CONTACT_RETENTION_DAYS
    "teilhabe.imports.services.import_runs_recover",  # imports whose worker died
    "teilhabe.paper.services.print_runs_recover",  # print runs whose PDF a dead worker left unmade
]
# A daily digest goes out once the oldest step in it waited this long (checked at each housekeeping run).
TEILHABE_NOTIFICATION_DIGEST_HOURS = envint("TEILHABE_NOTIFICATION_DIGEST_HOURS", 24)
# The consideration table as PDF: WeasyPrint lays the whole document out in memory, so larger tables are refused
# with a message (filter them, or take XLSX, ODS or CSV, which stream).
TEILHABE_CONSIDERATION_PDF_MAX_ROWS = envint("TEILHABE_CONSIDERATION_PDF_MAX_ROWS", 500)
# Events: registrations (names, addresses, needs) are deleted this many days after the event ended; only counts
# remain (`manage.py purge_registrations`, also a housekeeping job). Reminders go out this many hours ahead.
TEILHABE_REGISTRATION_RETENTION_DAYS = envint("TEILHABE_REGISTRATION_RETENTION_DAYS", 90)
TEILHABE_EVENT_REMINDER_HOURS = envint("TEILHABE_EVENT_REMINDER_HOURS", 24)
TEILHABE_EVENT_ATTACHMENT_MAX_BYTES = envint("TEILHABE_EVENT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Analog input: a scan of an original (PDF, JPEG, PNG) is at most this large; its file is deleted this many days
# after the upload (`manage.py purge_scans`, also a housekeeping job), the transcribed contribution stays.
TEILHABE_SCAN_MAX_BYTES = envint("TEILHABE_SCAN_MAX_BYTES", 15 * 1024 * 1024)
TEILHABE_SCAN_RETENTION_DAYS = envint("TEILHABE_SCAN_RETENTION_DAYS", 365)
# A council member's photo as uploaded (it is stored re-encoded, a few dozen kilobytes).
TEILHABE_PHOTO_MAX_BYTES = envint("TEILHABE_PHOTO_MAX_BYTES", 8 * 1024 * 1024)
# Stakeholder registry: an organisation's contact persons (name, e-mail, phone) are deleted this many days after
# their last change (`manage.py purge_contact_persons`, also a housekeeping job).
TEILHABE_CONTACT_RETENTION_DAYS = envint("TEILHABE_CONTACT_RETENTION_DAYS", 730)
# Spreadsheet imports (docs/imports.md): the largest file and number of rows taken, and from how many rows on a
# file is checked and imported by a background task (the page shows its progress).
TEILHABE_IMPORT_MAX_BYTES = envint("TEILHABE_IMPORT_MAX_BYTES", 100 * 1024 * 1024)
TEILHABE_IMPORT_MAX_ROWS = envint("TEILHABE_IMPORT_MAX_ROWS", 200_000)
TEILHABE_IMPORT_BACKGROUND_ROWS = envint("TEILHABE_IMPORT_BACKGROUND_ROWS", 300)
TEILHABE_HOUSEKEEPING_INTERVAL = envint("TEILHABE_HOUSEKEEPING_INTERVAL", 3600)
# The audit log's outside anchor: `verify_audit --checkpoint` appends (count, head hash, time) here, one JSON
# object a line; keep it on storage the database's users cannot rewrite (or copy it off the machine).
AUDIT_CHECKPOINT_DIR = Path(env("AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit")))
# Anonymous contributions never confirmed are deleted with their e-mail address after this many days.
TEILHABE_UNCONFIRMED_DAYS = envint("TEILHABE_UNCONFIRMED_DAYS", 7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
