"""Settings of the Huis van het Kind portal.

One file for every environment: whatever differs between a laptop and production is read from the
environment (documented in .env.example). Without any variable the portal runs on SQLite with Celery
eager and a local-memory cache, so `make run` needs no service.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from .env import check_redis_url, envbool, envint, envlist, envstr, parse_database_url, redis_url_with_db

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)

SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment (or DEBUG=1 for local development)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# Absolute base for links in e-mails (manage links, invitations, pickup of answers).
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_filters",
    "import_export",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "partners",
    "aanbod",
    "aanbod.uitwisseling",
    "aanbod.spelotheek",
    "vragen",
]

MIDDLEWARE = [
    "huisvanhetkind.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "huisvanhetkind.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every request runs inside the scope its URL space and user allow (huisvanhetkind/scopes.py).
    "huisvanhetkind.scopes.ScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "huisvanhetkind.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "partners.middleware.RequiresMFAMiddleware",
]

ROOT_URLCONF = "huisvanhetkind.urls"
WSGI_APPLICATION = "huisvanhetkind.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partners.context_processors.netwerk",
            ],
            "libraries": {"error_summary": "huisvanhetkind.lib.error_summary"},
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = {
    "default": parse_database_url(envstr("DATABASE_URL", "sqlite:///db.sqlite3"), base_dir=BASE_DIR),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The wegwijzer's covering index (aanbod_wegwijzer_idx) carries INCLUDE columns for PostgreSQL; SQLite (a
# laptop's `make run`) builds it as a plain partial index, which is all it needs there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Redis: Celery broker and cache, on separate databases -------------------------------------------
# REDIS_URL names the broker's database (redis://redis:6379/0); the cache uses the next database on the
# same server (…/1) unless REDIS_CACHE_URL names another. No cache entry lives longer than
# CACHE_MAX_SECONDS, so whatever a client can make the portal cache (an API query) expires soon.
REDIS_URL = check_redis_url(envstr("REDIS_URL")) if envstr("REDIS_URL") else ""
REDIS_CACHE_URL = (
    check_redis_url(envstr("REDIS_CACHE_URL"))
    if envstr("REDIS_CACHE_URL")
    else (redis_url_with_db(REDIS_URL, 1) if REDIS_URL else "")
)
if REDIS_URL and REDIS_CACHE_URL == REDIS_URL:
    raise ImproperlyConfigured("REDIS_CACHE_URL must not be the broker's database (REDIS_URL).")
CACHE_MAX_SECONDS = envint("CACHE_MAX_SECONDS", 86400, minimum=60)

if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            # Fails open: with Redis down pages still serve (see huisvanhetkind/cache.py).
            "BACKEND": "huisvanhetkind.cache.FailOpenRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "hvhk",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "max_timeout": CACHE_MAX_SECONDS},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "huisvanhetkind.cache.LocalMemoryCache",
            "LOCATION": "hvhk",
            # Room for the wegwijzer's fragments (a card, a feed's event each): the default 300 culls them.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# "memory://localhost/" rather than "memory://": with a hostname kombu does not warn at every start.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
# Without a broker every task runs in-process, at once: `make run` needs no Redis.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = envbool("CELERY_TASK_EAGER_PROPAGATES", False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2, "max_retries": 1}
# Enqueueing must not hang a request when Redis is down: one quick retry, then the caller's except
# clause logs it and the periodic scan picks the work up (state lives in the database).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = "Europe/Brussels"
CELERY_BEAT_SCHEDULE = {
    "send-due-reminders": {"task": "aanbod.send_due_reminders", "schedule": 600.0},
    "erase-expired-inschrijvingen": {"task": "aanbod.erase_expired_inschrijvingen", "schedule": 86400.0},
    "delete-expired-gesprekken": {"task": "vragen.delete_expired_gesprekken", "schedule": 86400.0},
    "remind-niet-nagekeken-aanbod": {"task": "aanbod.remind_niet_nagekeken_aanbod", "schedule": 30 * 86400.0},
    # The wegwijzer's stored next start of each aanbod, once that activity has started (PostgreSQL).
    "refresh-volgende-start": {"task": "aanbod.refresh_volgende_start", "schedule": 600.0},
    # The UiTdatabank outbox: send what is due (also what a lost message or an outage left), and
    # notice changes made where no service wrote an outbox row (the admin).
    "uitdatabank-send-due": {"task": "uitwisseling.send_due", "schedule": 60.0},
    "uitdatabank-reconcile": {"task": "uitwisseling.reconcile", "schedule": 900.0},
    "spelotheek-send-due-mails": {"task": "spelotheek.send_due_mails", "schedule": 900.0},
    "spelotheek-lapse-reservations": {"task": "spelotheek.lapse_reservations", "schedule": 900.0},
    "spelotheek-erase-idle-members": {"task": "spelotheek.erase_idle_members", "schedule": 86400.0},
}

# --- Authentication (django-allauth; invite-only) --------------------------------------------------
AUTH_USER_MODEL = "partners.User"
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "partner_dashboard"
ACCOUNT_ADAPTER = "partners.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# One address per account; a new one replaces the old only once it is confirmed from its inbox.
ACCOUNT_CHANGE_EMAIL = True
# Invite-only: a password reset for an unknown address sends nothing (and says nothing).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Two-step verification (partners.mfa): an app (TOTP) or a passkey, backed by recovery codes. A passkey
# (WebAuthn with user verification) is itself two factors, so it may also log in without a password.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
# The set-up in plain words (partners.forms).
MFA_FORMS = {
    "activate_totp": "partners.forms.TweestapsAppForm",
    "add_webauthn": "partners.forms.TweestapsSleutelForm",
}
# WebAuthn needs https; http://127.0.0.1 is allowed only while developing.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = envstr("MFA_TOTP_ISSUER", "Huis van het Kind")

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", _("Dutch")), ("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": envstr("MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if envbool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail (Django 6 MAILERS) ---------------------------------------------------------------------
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Huis van het Kind <noreply@huisvanhetkind.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_MAIL_BACKENDS = {
    "console": "huisvanhetkind.devmail.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
MAIL_BACKEND = envstr("MAIL_BACKEND", "smtp" if envstr("SMTP_HOST") else "console")
if MAIL_BACKEND not in _MAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"MAIL_BACKEND must be one of {', '.join(_MAIL_BACKENDS)}, not {MAIL_BACKEND!r}."
    )
_mail_options: dict = {}
if MAIL_BACKEND == "smtp":
    _mail_options = {
        "host": envstr("SMTP_HOST", "localhost"),
        "port": envint("SMTP_PORT", 587),
        "username": envstr("SMTP_USER"),
        "password": envstr("SMTP_PASSWORD"),
        "use_tls": envbool("SMTP_TLS", True),
        "timeout": envint("SMTP_TIMEOUT", 10),
    }
elif MAIL_BACKEND == "file":
    _mail_options = {"file_path": envstr("MAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))}
MAILERS = {"default": {"BACKEND": _MAIL_BACKENDS[MAIL_BACKEND], "OPTIONS": _mail_options}}
# What every mail template gets besides its own context (huisvanhetkind.lib.mail imports no app): context
# processors, called with request=None.
MAIL_CONTEXT_PROCESSORS = ["partners.context_processors.netwerk"]

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The language choice (/i18n/setlang/) follows the session cookie: Secure behind https, never sent along
# by another site's forms.
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Rate limits (huisvanhetkind/lib/ratelimit.py): cache-backed, failing open -----------------------
RATELIMIT_ENABLED = envbool("RATELIMIT_ENABLED", True)
# How many reverse proxies stand in front of Django; the client is then read from X-Forwarded-For.
RATELIMIT_TRUSTED_PROXIES = envint("RATELIMIT_TRUSTED_PROXIES", 0, minimum=0)

# --- The portal's own rules -----------------------------------------------------------------------
REMINDER_HOURS_BEFORE = envint("REMINDER_HOURS_BEFORE", 24, minimum=1)
REGISTRATION_RETENTION_DAYS = envint("REGISTRATION_RETENTION_DAYS", 30, minimum=0)
GESPREK_RETENTION_DAYS = envint("GESPREK_RETENTION_DAYS", 60, minimum=1)
REPORT_MIN_CELL = envint("REPORT_MIN_CELL", 5, minimum=1)
# Days after a quarter's end before its figures are published: partners may register a question up to 90
# days back (vragen.forms.MAX_DAYS_BACK), and a quarter that changes after publication could be subtracted
# from itself (vragen/THREAT_MODEL.md).
REPORT_PUBLICATION_DAYS = envint("REPORT_PUBLICATION_DAYS", 90, minimum=0)
INVITATION_DAYS = envint("INVITATION_DAYS", 7, minimum=1)
AANBOD_NAGEKEKEN_MONTHS = envint("AANBOD_NAGEKEKEN_MONTHS", 6, minimum=1)
# The spelotheek (aanbod.spelotheek): loan period, renewals, items at a time, how long a ready
# reservation waits, when reminders go, how long a member link works, and when an idle member is erased.
SPELOTHEEK_UITLEENDAGEN = envint("SPELOTHEEK_UITLEENDAGEN", 21, minimum=1)
SPELOTHEEK_MAX_VERLENGINGEN = envint("SPELOTHEEK_MAX_VERLENGINGEN", 2, minimum=0)
SPELOTHEEK_MAX_UITLENINGEN = envint("SPELOTHEEK_MAX_UITLENINGEN", 4, minimum=1)
SPELOTHEEK_OPHAALDAGEN = envint("SPELOTHEEK_OPHAALDAGEN", 7, minimum=1)
SPELOTHEEK_HERINNERING_DAGEN = envint("SPELOTHEEK_HERINNERING_DAGEN", 2, minimum=1)
SPELOTHEEK_LIDMAATSCHAP_HERINNERING_DAGEN = envint("SPELOTHEEK_LIDMAATSCHAP_HERINNERING_DAGEN", 30, minimum=1)
SPELOTHEEK_LINK_UREN = envint("SPELOTHEEK_LINK_UREN", 24, minimum=1)
SPELOTHEEK_LID_BEWAARDAGEN = envint("SPELOTHEEK_LID_BEWAARDAGEN", 730, minimum=30)

# --- UiTdatabank (publiq's Entry API; aanbod/uitwisseling) ------------------------------------------
# Client credentials from publiq platform (https://platform.publiq.be): one set for the test
# environment, another for production. Without a client id nothing is sent (the outbox waits).
_UITDATABANK_ENVIRONMENTS = {
    "test": (
        "https://io-test.uitdatabank.be",
        "https://search-test.uitdatabank.be",
        "https://account-test.uitid.be/realms/uitid/protocol/openid-connect/token",
    ),
    "production": (
        "https://io.uitdatabank.be",
        "https://search.uitdatabank.be",
        "https://account.uitid.be/realms/uitid/protocol/openid-connect/token",
    ),
}
UITDATABANK_ENVIRONMENT = envstr("UITDATABANK_ENVIRONMENT", "test")
if UITDATABANK_ENVIRONMENT not in _UITDATABANK_ENVIRONMENTS:
    raise ImproperlyConfigured(
        f"UITDATABANK_ENVIRONMENT must be test or production, not {UITDATABANK_ENVIRONMENT!r}."
    )
_uit_entry, _uit_search, _uit_token = _UITDATABANK_ENVIRONMENTS[UITDATABANK_ENVIRONMENT]
UITDATABANK_ENTRY_URL = envstr("UITDATABANK_ENTRY_URL", _uit_entry).rstrip("/")
UITDATABANK_SEARCH_URL = envstr("UITDATABANK_SEARCH_URL", _uit_search).rstrip("/")
UITDATABANK_TOKEN_URL = envstr("UITDATABANK_TOKEN_URL", _uit_token)
UITDATABANK_CLIENT_ID = envstr("UITDATABANK_CLIENT_ID")
UITDATABANK_CLIENT_SECRET = envstr("UITDATABANK_CLIENT_SECRET")
UITDATABANK_TIMEOUT = envint("UITDATABANK_TIMEOUT", 10, minimum=1)

# --- Logging --------------------------------------------------------------------------------------
# One line per record, with the request id; e-mail addresses, tokens and IPs masked. JSON in production,
# plain text while developing (LOG_FORMAT=text|json). Django's own loggers (its DEBUG-only console handler
# and runserver's request lines) go through the same one handler, so nothing is printed twice.
SECURITY_CONTACT = envstr("SECURITY_CONTACT")
LOG_FORMAT = envstr("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "huisvanhetkind.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "huisvanhetkind.logs.JsonFormatter"},
        "text": {"()": "huisvanhetkind.logs.TextFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
    },
}
