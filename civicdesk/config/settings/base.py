"""Every setting lives here; local/production/test only override."""

from csp.constants import NONCE, SELF
from django.utils.translation import gettext_lazy as _

from civicdesk.config.env import PACKAGE_DIR, VAR_DIR, env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "civicdesk.core",
    "civicdesk.organisations",
    "civicdesk.audit",
    "civicdesk.notify",
    "civicdesk.cases",
    "civicdesk.queues",
    "civicdesk.workforce",
    "civicdesk.surveys",
    "civicdesk.routing",
    "civicdesk.open311",
    "civicdesk.live",
    "civicdesk.pledges",
    "civicdesk.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "civicdesk.core.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "civicdesk.organisations.middleware.TwoFactorRequiredMiddleware",
    "civicdesk.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Innermost, and sync-only like most above it: under ASGI every middleware inside the
    # innermost sync-only one runs in async mode, where Django's MiddlewareMixin hops to a
    # thread for each of its hooks (CSP's were two extra hops on every request).
    "civicdesk.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "civicdesk.config.urls"
ASGI_APPLICATION = "civicdesk.config.asgi.application"
WSGI_APPLICATION = "civicdesk.config.wsgi.application"

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
                "csp.context_processors.nonce",
                "civicdesk.core.context_processors.civicdesk",
            ],
        },
    }
]

# Database: SQLite in WAL mode under var/ unless DATABASE_URL names another.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'civicdesk.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of
        # failing with "database is locked" half-way through a transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
        ),
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "staff:login"
OTP_TOTP_ISSUER = "civicdesk"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)

FORMS_URLFIELD_ASSUME_HTTPS = True
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hant", _("Traditional Chinese")),
    ("zh-hans", _("Simplified Chinese")),
    ("ms", _("Malay")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Dates per language: Chinese pages read 2026年12月14日 (see civicdesk/config/formats).
FORMAT_MODULE_PATH = ["civicdesk.config.formats"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Hong_Kong")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="civicdesk <no-reply@civicdesk.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CIVICDESK_SMS_BACKEND = env.str("CIVICDESK_SMS_BACKEND", default="console")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# WhiteNoise hands Django a synchronous file iterator; under ASGI Django consumes it in a
# thread and warns each time. The behaviour is correct, so the warning is noise.
import warnings  # noqa: E402

warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous")
# --- cases ---------------------------------------------------------------------------------
# Where citizens' links in emails point, and the domain of outgoing Message-IDs.
CIVICDESK_CASE_MAIL_DOMAIN = env.str("CIVICDESK_CASE_MAIL_DOMAIN", default="cases.civicdesk.local")
CIVICDESK_CASE_ATTACHMENT_MAX_BYTES = env.int(
    "CIVICDESK_CASE_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024
)
CIVICDESK_CASE_ATTACHMENT_MAX_COUNT = 5
CIVICDESK_CASE_REOPEN_DAYS = env.int("CIVICDESK_CASE_REOPEN_DAYS", default=30)
# Citizen tracking: failed look-ups allowed per client address per hour.
CIVICDESK_CASE_TRACK_ATTEMPTS_PER_HOUR = env.int(
    "CIVICDESK_CASE_TRACK_ATTEMPTS_PER_HOUR", default=10
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 40 * 1024 * 1024  # base64 attachments in JSON, raw emails
# --- queues (civicdesk/queues) ---------------------------------------------------------------
# Priority lanes offered at the kiosk and on the join page (code -> label). Checked-in
# appointments form one more priority lane. See civicdesk/queues/lanes.py for the call rule.
CIVICDESK_QUEUE_PRIORITY_LANES = {
    "elderly": _("Aged 65 or over"),
    "disabled": _("Disability or reduced mobility"),
    "pregnant": _("Pregnant or with a baby"),
}

# --- open311 -------------------------------------------------------------------------------
# The jurisdiction_id clients send for the whole city (an agency code narrows it to one agency),
# and the contact published in /open311/v2/discovery.
CIVICDESK_OPEN311_JURISDICTION = env.str("CIVICDESK_OPEN311_JURISDICTION", default="civicdesk")
CIVICDESK_OPEN311_CONTACT = env.str("CIVICDESK_OPEN311_CONTACT", default="")
# --- routing (civicdesk/routing, docs/routing.md) -------------------------------------------
# Train with sentence embeddings beside the TF-IDF features: "" (the default model),
# "use-multilingual-v3" (pip install 'civicdesk[embeddings]'; 4.6 ms CPU per case at intake,
# against 0.4 ms) or "wordllama-256" (English; 'civicdesk[embeddings-wordllama]'; 0.7 ms). Every
# process that trains or serves the model needs the extra; docs/routing.md, routing/embeddings.py.
CIVICDESK_ROUTING_EMBEDDINGS = env.str("CIVICDESK_ROUTING_EMBEDDINGS", default="")
# --- live (civicdesk/live): Server-Sent Events for boards, ticket pages, the overview ----------
CIVICDESK_LIVE_KEEP_SECONDS = env.int("CIVICDESK_LIVE_KEEP_SECONDS", default=3600)  # replayable
CIVICDESK_LIVE_HEARTBEAT_SECONDS = env.float("CIVICDESK_LIVE_HEARTBEAT_SECONDS", default=15)
CIVICDESK_LIVE_RETRY_MS = env.int("CIVICDESK_LIVE_RETRY_MS", default=3000)  # SSE reconnect hint
CIVICDESK_LIVE_NOJS_REFRESH_SECONDS = 30  # meta refresh when JavaScript is off
CIVICDESK_LIVE_ORDER_LIMIT = 300  # waiting tickets per service sent to live pages
# a live ticket page further back than that list asks for its own place at most this often
CIVICDESK_LIVE_RECOUNT_SECONDS = env.float("CIVICDESK_LIVE_RECOUNT_SECONDS", default=15)
# every wait shown (live pages, the ticket page, the API, "your turn is near") re-reads the
# estimator's history (service times, abandonment) at most this often (queues/state_cache.py)
CIVICDESK_LIVE_HISTORY_SECONDS = env.int("CIVICDESK_LIVE_HISTORY_SECONDS", default=30)
# public joins over the API reuse the estimator's history that long (queues/state_cache.py)
CIVICDESK_QUEUES_JOIN_HISTORY_SECONDS = env.int("CIVICDESK_QUEUES_JOIN_HISTORY_SECONDS", default=30)
# at a busy site the estimator runs at most this often per site (ticket pages and the ticket API)
# and per service and lane (joins between runs are placed from the last one): state_cache.py
CIVICDESK_QUEUES_ESTIMATE_SECONDS = env.float("CIVICDESK_QUEUES_ESTIMATE_SECONDS", default=2)
# the estimator plays out the wait of this many people per service; those further back are
# placed one call per place behind the last (queues/estimation.py `predict`; 0: everyone)
CIVICDESK_QUEUES_ESTIMATE_HORIZON = env.int("CIVICDESK_QUEUES_ESTIMATE_HORIZON", default=300)
# --- shared: where citizens reach this site ---------------------------------------------------
# The public address links in emails, SMS and QR codes start with. Default: https:// and the
# first real host in ALLOWED_HOSTS, else this machine (`check --deploy` warns about that).
_PUBLIC_HOST = next(
    (h for h in ALLOWED_HOSTS if h not in ("127.0.0.1", "localhost", "[::1]", "*") and h[0] != "."),
    None,
)
CIVICDESK_PUBLIC_URL = env.str(
    "CIVICDESK_PUBLIC_URL",
    default=f"https://{_PUBLIC_HOST}" if _PUBLIC_HOST else "http://127.0.0.1:8000",
)

# --- database connection pool (added with `civicdesk bench intake`) -------------------------
# PostgreSQL under ASGI runs each request's view in its own thread, so persistent connections
# (CONN_MAX_AGE) pile up past max_connections under load; a psycopg pool bounds and reuses
# them. DATABASE_POOL_MAX_SIZE=N (per process) turns it on; `civicdesk bench intake` sets 10.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.int(
    "DATABASE_POOL_MAX_SIZE", default=0
):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Django's backend, but a connection handed out again within 0.5 s skips the pool's
    # health-check round trip (civicdesk/core/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "civicdesk.core.postgresql"
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": env.int("DATABASE_POOL_MAX_SIZE"),
        "timeout": 30,
    }
# PostgreSQL: the statements run at every citizen's request (civicdesk/core/inserts.py,
# `bound_cursor`) are prepared once per connection after this many runs; empty: never (behind
# a connection pooler that does not keep prepared statements, e.g. PgBouncer before 1.21 in
# transaction mode). Django's own statements are never prepared (client-side binding).
if DATABASES["default"]["ENGINE"] in (
    "django.db.backends.postgresql",
    "civicdesk.core.postgresql",
):
    _threshold = env.str("DATABASE_PREPARE_THRESHOLD", default="5").strip()
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        int(_threshold) if _threshold else None
    )
# Django requests run at once per server process (0: no limit); see civicdesk/config/asgi.py.
CIVICDESK_MAX_REQUESTS = env.int("CIVICDESK_MAX_REQUESTS", default=0)
# Changes within this many ms are published as one snapshot per site (0: publish each at once).
CIVICDESK_LIVE_COALESCE_MS = env.int("CIVICDESK_LIVE_COALESCE_MS", default=50)
# Under a stream of changes, at most this share of the time goes on building snapshots (the next
# one waits until the last one's wall time is this share of the time since it began).
CIVICDESK_LIVE_PUBLISH_SHARE = env.float("CIVICDESK_LIVE_PUBLISH_SHARE", default=0.25)
