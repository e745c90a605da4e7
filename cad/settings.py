"""Settings, all from the environment (see CONTRACT.md).

With nothing set: SQLite, an in-memory channel layer and Celery tasks run in-process.
With DATABASE_URL / REDIS_URL: PostgreSQL (psycopg 3), channels-redis and Celery on Redis.
"""

import importlib.util
import ipaddress
import math
import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CAD_VAR_DIR", BASE_DIR / "var"))


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def _raw(name: str) -> str | None:
    """The variable's value, or None when it is unset or empty (an empty value means the default)."""
    value = os.environ.get(name, "").strip()
    return value or None


def envbool(name: str, default: bool) -> bool:
    """A yes or no; anything else stops the start-up, so a typo never reads as a silent False."""
    raw = _raw(name)
    if raw is None:
        return default
    if raw.lower() in TRUE_WORDS:
        return True
    if raw.lower() in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: give one of {', '.join(TRUE_WORDS + FALSE_WORDS)}.")


def _envnumber(name: str, default, parse, fits, wanted: str):
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = parse(raw)
    except ValueError:
        value = None
    if value is None or not fits(value):
        raise ImproperlyConfigured(f"{name}={raw!r}: give {wanted}.")
    return value


def envint(name: str, default: int, *, minimum: int = 0) -> int:
    return _envnumber(name, default, int, lambda v: v >= minimum, f"a whole number from {minimum}")


def envfloat(name: str, default: float, *, above: float = 0.0) -> float:
    return _envnumber(name, default, float, lambda v: math.isfinite(v) and v > above,
                      f"a number above {above:g}")


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envtable(name: str, default: dict[str, float]) -> dict[str, float]:
    """`engine=50,medic=55` over the defaults; a malformed entry stops the start-up."""
    table = dict(default)
    for item in envlist(name, ""):
        key, sep, number = item.partition("=")
        try:
            value = float(number) if sep and key.strip() else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value <= 0:
            raise ImproperlyConfigured(f"{name}: {item!r} is not name=number (a number above 0).")
        table[key.strip()] = value
    return table


def envcounts(name: str, default: dict[str, int]) -> dict[str, int]:
    """`officer_safety=1,medical=0`: names with a whole number from 0 to 9, in place of the default."""
    raw = _raw(name)
    if raw is None:
        return dict(default)
    table = {}
    for item in raw.split(","):
        key, sep, number = item.strip().partition("=")
        if not (sep and key.strip() and number.strip().isdigit() and int(number) <= 9):
            raise ImproperlyConfigured(f"{name}: {item.strip()!r} is not name=number (whole, 0 to 9).")
        table[key.strip()] = int(number)
    return table


def envnetworks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """`10.0.0.5,10.1.0.0/16`: addresses or networks; a malformed one stops the start-up."""
    networks = []
    for item in envlist(name, ""):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {item!r} is not an address or network.") from None
    return networks


_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
HOST_NAME = re.compile(rf"(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*\.?")


def envhosts(name: str) -> list[str]:
    """`receiver.example,10.1.0.0/16,127.0.0.1`: host names, addresses or networks, in lower case;
    anything else stops the start-up."""
    hosts = []
    for item in envlist(name, ""):
        try:
            hosts.append(str(ipaddress.ip_network(item, strict=False)))
            continue
        except ValueError:
            pass
        if not HOST_NAME.fullmatch(item.lower()):
            raise ImproperlyConfigured(f"{name}: {item!r} is not a host name, an address or a network.")
        hosts.append(item.lower().rstrip("."))
    return hosts


DOTTED_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+")


def envdotted(name: str, default: str) -> list[str]:
    """`package.module.Class,other.module.Class`: dotted paths, in order; an empty value means none,
    anything that is not a dotted path stops the start-up (whether each imports is checked later)."""
    raw = os.environ.get(name)
    items = [item.strip() for item in (default if raw is None else raw).split(",") if item.strip()]
    for item in items:
        if not DOTTED_PATH.fullmatch(item):
            raise ImproperlyConfigured(f"{name}: {item!r} is not a dotted path (package.module.Class).")
    return items


def envdays_at_least(name: str, minimum: int) -> int | None:
    """A number of days, at least `minimum`; unset means forever (None)."""
    if _raw(name) is None:
        return None
    return envint(name, minimum, minimum=minimum)


def _dev_secret_key() -> str:
    # Never committed: generated once into an ignored file for the embedded default.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _dev_secret_key()
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "pgtrigger",
    "cad",
    "premises",
    "units",
    "calls",
    "records",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cad.audit.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
    "cad.middleware.NoStoreMiddleware",
    "cad.middleware.RejectNulBytesMiddleware",
]

ROOT_URLCONF = "cad.urls"
ASGI_APPLICATION = "cad.asgi.application"
WSGI_APPLICATION = "cad.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Connections each server or worker process keeps open to PostgreSQL and shares among its threads
# (0: a connection opened and closed per request, as on SQLite).
CAD_DB_POOL_SIZE = envint("CAD_DB_POOL_SIZE", 8)
if DATABASE_URL:
    # No persistent connection per thread: under daphne each worker thread would keep its own and
    # exhaust PostgreSQL's connection slots (seen at 16 concurrent clients in review). On PostgreSQL
    # the process keeps a pool instead (psycopg_pool): a request borrows a connection already open
    # (opening one cost a new call's POST a fifth of its time) and gives it back when it ends.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and CAD_DB_POOL_SIZE:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1, "max_size": CAD_DB_POOL_SIZE, "timeout": 10, "max_idle": 60,
        }
        # Each connection is checked as it is lent: one broken by a restarted server is replaced.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "cad.sqlite3",
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of failing.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "cad.layers.RedisChannelLayer",
            # Sites sharing one Redis (staging beside production, test servers) keep apart by prefix.
            # Each server process is one member of the consoles' group (cad/hub.py); its channel holds
            # a burst of events while it writes the one before to its consoles.
            "CONFIG": {"hosts": [REDIS_URL], "prefix": os.environ.get("CHANNEL_LAYER_PREFIX", "asgi"),
                       # A hub joins again every minute, so a process that died leaves the group soon.
                       "capacity": 2000, "group_expiry": 300},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer",
                                  "CONFIG": {"capacity": 2000}}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
# How often goal and status-check timers are looked at.
CAD_TIMERS_SECONDS = envfloat("CAD_TIMERS_SECONDS", 5.0)
# How often partners' webhooks are looked at for events not yet delivered and retries now due.
CAD_WEBHOOK_SWEEP_SECONDS = envfloat("CAD_WEBHOOK_SWEEP_SECONDS", 10.0)
CELERY_BEAT_SCHEDULE: dict = {
    "events-prune": {"task": "cad.tasks.events_prune", "schedule": 3600.0},
    # Goal timers and officer-safety status checks; each run is idempotent.
    "timers-check": {"task": "calls.tasks.timers_check", "schedule": CAD_TIMERS_SECONDS},
    "audit-prune": {"task": "records.tasks.audit_prune", "schedule": 86400.0},
    # Last month's compliance and yesterday's workload, each made once (a hourly look is enough).
    "reports-scheduled": {"task": "records.tasks.reports_scheduled", "schedule": 3600.0},
    # False-alarm billing: the month's bills on the 1st (through the day before), overdue ones daily.
    "billing-run": {"task": "records.tasks.billing_run",
                    "schedule": crontab(minute=0, hour=6, day_of_month=1)},
    "bills-overdue": {"task": "records.tasks.bills_overdue", "schedule": crontab(minute=30, hour=6)},
    # Partners' webhooks: events not yet turned into deliveries, and deliveries due (retries, or a
    # task lost with its worker).
    "webhooks-sweep": {"task": "calls.tasks.webhooks_sweep", "schedule": CAD_WEBHOOK_SWEEP_SECONDS},
}
# An officer-safety check nobody acknowledged within this goes louder, to the supervisors' board.
CAD_STATUS_CHECK_ESCALATE_SECONDS = envint("CAD_STATUS_CHECK_ESCALATE_SECONDS", 60, minimum=1)
# Mail (false-alarm notices): printed to the server's output unless a backend is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "false-alarms@demo-city.example")
# Who false-alarm notices come from, printed in the envelope's return window.
CAD_BILLING_SENDER_NAME = os.environ.get("CAD_BILLING_SENDER_NAME", "Demo City Police Department")
# Its address: lines separated by "\n" (written as a backslash and n in the environment).
CAD_BILLING_SENDER_ADDRESS = os.environ.get(
    "CAD_BILLING_SENDER_ADDRESS", r"False Alarm Billing\n1100 MAIN ST\nDEMO CITY MO 64015",
).replace(r"\n", "\n")
# Without Redis there is no beat process: the server runs the same schedule in a thread.
CAD_INPROCESS_SCHEDULER = envbool("CAD_INPROCESS_SCHEDULER", not REDIS_URL)

# A call's received time (the console stamps it when call taking starts; an API client may send
# it) may be at most this old: older than that it is a report, not a call for service.
CAD_RECEIVED_AT_MAX_AGE_HOURS = envint("CAD_RECEIVED_AT_MAX_AGE_HOURS", 168, minimum=1)

# The call type a 9-1-1 line's call gets from its ANI/ALI until the call taker knows its nature
# (POST /api/v1/ali/); the demo city's is 911UNK.
CAD_ALI_CALL_TYPE = os.environ.get("CAD_ALI_CALL_TYPE", "911UNK").strip().upper() or "911UNK"

# The live stream (/ws/console/).
CAD_EVENT_RETENTION_HOURS = envint("CAD_EVENT_RETENTION_HOURS", 24, minimum=1)
CAD_STREAM_POLL_SECONDS = envfloat("CAD_STREAM_POLL_SECONDS", 1.0)
CAD_STREAM_HEARTBEAT_SECONDS = envfloat("CAD_STREAM_HEARTBEAT_SECONDS", 15.0)
CAD_STREAM_REPLAY_LIMIT = envint("CAD_STREAM_REPLAY_LIMIT", 5000, minimum=1)
# Partners' webhooks (calls/webhooks/). A delivery goes only to a public address: loopback, private,
# link-local and other non-public addresses are refused unless their host name, address or network
# is listed here (e.g. `127.0.0.1` for a receiver on this machine, `10.20.0.0/16` for a partner's
# link over a private network).
CAD_WEBHOOK_ALLOW_HOSTS = envhosts("CAD_WEBHOOK_ALLOW_HOSTS")
# How long a delivery waits to connect, to send and for each part of the answer.
CAD_WEBHOOK_TIMEOUT_SECONDS = envfloat("CAD_WEBHOOK_TIMEOUT_SECONDS", 5.0)
# How many daphne processes `manage.py serve` starts behind its one address.
CAD_SERVER_PROCESSES = envint("CAD_SERVER_PROCESSES", 1, minimum=1)

# EIDO (NENA-STA-021) and its conveyance (STA-024, /ws/eido/). The domain ends every id this center
# gives an incident, a call or a note (urn:emergency:uid:incidentid:2026-000123:DOMAIN): set it to
# the center's own, so that ids from two centers never meet. An incident type that maps to none of
# ours arrives as the general type. A subscription's keepalive comes at least every minRate seconds
# and it lasts CAD_EIDO_EXPIRES_SECONDS unless the subscriber asks for less.
CAD_EIDO_DOMAIN = os.environ.get("CAD_EIDO_DOMAIN", "cad.invalid").strip().lower()
if not re.fullmatch(r"[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?", CAD_EIDO_DOMAIN):
    raise ImproperlyConfigured(f"CAD_EIDO_DOMAIN: give a domain name (e.g. psap.example.gov), not "
                               f"{CAD_EIDO_DOMAIN!r}.")
CAD_EIDO_GENERAL_CALL_TYPE = os.environ.get("CAD_EIDO_GENERAL_CALL_TYPE", "ASSIST").strip().upper()
CAD_EIDO_MIN_RATE_SECONDS = envint("CAD_EIDO_MIN_RATE_SECONDS", 30, minimum=1)
CAD_EIDO_EXPIRES_SECONDS = envint("CAD_EIDO_EXPIRES_SECONDS", 3600, minimum=10)

# An address (or intersection) sent with coordinates must agree with them to within this; further
# apart the call is refused naming both, never saved at one with the other dropped.
CAD_LOCATION_AGREE_METRES = envint("CAD_LOCATION_AGREE_METRES", 300, minimum=1)

# Recommendations: travel time is the straight-line distance x the road factor / the unit type's
# speed (km/h), from the unit's last location while it is fresher than CAD_LOCATION_STALE_SECONDS.
CAD_ROAD_FACTOR = envfloat("CAD_ROAD_FACTOR", 1.4)
CAD_LOCATION_STALE_SECONDS = envint("CAD_LOCATION_STALE_SECONDS", 300, minimum=1)
# Urban averages with lights and sirens where the unit runs them; `engine=50,medic=55` overrides.
CAD_UNIT_SPEEDS_KMH = envtable("CAD_UNIT_SPEEDS_KMH", {
    "patrol": 60, "supervisor": 60, "k9": 60, "traffic": 60, "deputy": 60, "engine": 50, "ladder": 45,
    "medic": 55, "chief": 60, "animal_control": 45, "water_crew": 40, "streets_crew": 40,
    "parks_crew": 40, "behavioral_health": 45,
})
CAD_DEFAULT_SPEED_KMH = envfloat("CAD_DEFAULT_SPEED_KMH", 45.0)
# Premise flags that add cover to any call's recommendation: flag kind = police units more. A
# center-wide policy, so a setting reviewed like the others; kinds are checked at start-up
# (calls/checks.py).
CAD_COVER_FOR_FLAGS = envcounts("CAD_COVER_FOR_FLAGS", {"officer_safety": 1})

# The console's map: a tile URL template (empty: no tiles, markers and beats on a blank background).
CAD_MAP_TILE_URL = os.environ.get("CAD_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
CAD_MAP_ATTRIBUTION = os.environ.get(
    "CAD_MAP_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# The audit trail (records/): kept forever unless this says otherwise; CJIS asks for at least a year.
# Pruning archives a signed digest of what it removes, and the chain is verified from it.
CAD_AUDIT_RETENTION_DAYS = envdays_at_least("CAD_AUDIT_RETENTION_DAYS", 365)
# The reverse proxies in front of the server: only from these is X-Forwarded-For believed, for the
# source address an audit entry records.
CAD_TRUSTED_PROXIES = envnetworks("CAD_TRUSTED_PROXIES")
# The center's name at the head of a call's printed record; empty: the center's own agency's name.
CAD_CENTER_NAME = os.environ.get("CAD_CENTER_NAME", "")
# The state and national systems an inquiry asks after the local records (records/inquiries/adapters.py),
# in order, as dotted paths of InquiryAdapter classes; empty: local records only. The default is the
# demo's SIMULATED state system, which connects to nothing.
CAD_INQUIRY_ADAPTERS = envdotted("CAD_INQUIRY_ADAPTERS", "records.inquiries.adapters.SimulatedStateSystem")
# Uploaded files (missing persons' photos).
MEDIA_ROOT = Path(os.environ.get("CAD_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# The longest range of days one calls export (GET calls/export.csv) may cover.
CAD_EXPORT_MAX_DAYS = envint("CAD_EXPORT_MAX_DAYS", 366, minimum=1)

# Reports (records/reports/): the longest range one report covers; the call types (code or APCO common
# type) whose calls are line and radio tests, left out of the figures; where finished report files
# are kept (each with its SHA-256, never rewritten).
CAD_REPORTS_MAX_DAYS = envint("CAD_REPORTS_MAX_DAYS", 366, minimum=1)
CAD_REPORTS_TEST_CALL_TYPES = envlist("CAD_REPORTS_TEST_CALL_TYPES", "TEST,NCRTESTF")
CAD_REPORTS_DIR = Path(os.environ.get("CAD_REPORTS_DIR", VAR_DIR / "reports"))
# PostgreSQL's work_mem for a report's own transaction: its percentiles and running counts sort in memory.
CAD_REPORTS_WORK_MEM = os.environ.get("CAD_REPORTS_WORK_MEM", "256MB")

# CJIS: lock an account after 5 failed logons for at least 10 minutes; 30 minutes idle ends a session.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 10, minimum=10))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Consoles in one center share an address: locking by IP would lock the whole floor out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", 1800, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
# The load balancer and the container's health checks ask over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
BEHIND_HTTPS_PROXY = envbool("BEHIND_HTTPS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_HTTPS_PROXY else None
USE_X_FORWARDED_HOST = BEHIND_HTTPS_PROXY

# Content-Security-Policy (django-csp): only this site's own scripts and styles run, none inline; the
# map's tiles come from CAD_MAP_TILE_URL's host. CSP_REPORT_ONLY=1 reports instead of blocking.
_TILES = urlsplit(CAD_MAP_TILE_URL)
_CSP = {"DIRECTIVES": {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:", *([f"{_TILES.scheme}://{_TILES.netloc}"] if _TILES.netloc else [])],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}}
if envbool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

LOGIN_URL = "/accounts/login/"
# Where dispatchers and supervisors land after signing in; records clerks go home (cad.views.SignInView).
LOGIN_REDIRECT_URL = "/console/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Leaflet for the console's map, served from the django-leaflet package as installed (nothing copied
# in). Not in INSTALLED_APPS: its admin module imports GeoDjango, which needs the GDAL library.
STATICFILES_DIRS = [BASE_DIR / "static", Path(importlib.util.find_spec("leaflet").origin).parent / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cad.authentication.AgencyTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["cad.permissions.IsCenterStaff"],
    "DEFAULT_PAGINATION_CLASS": "cad.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "cad.schema.AutoSchema",
    "EXCEPTION_HANDLER": "cad.exceptions.exception_handler",
    "DEFAULT_PARSER_CLASSES": ["cad.parsers.SafeJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "CAD API",
    "DESCRIPTION": (
        "Computer-aided dispatch: calls for service, units and dispatch. "
        "Authenticate with a session or `Authorization: Token <key>` "
        "(`make token AGENCY=NFPD`, or `.venv/bin/python manage.py agency_token NFPD`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the installed sidecar package: no CDN, works on a closed network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "UnitStatusEnum": "units.choices.UnitStatus",
        "CallStatusEnum": "calls.choices.CallStatus",
        "ChronologyKindEnum": "calls.choices.ChronologyKind",
        "PremiseFlagKindEnum": "premises.choices.FlagKind",
        "PermitStatusEnum": "premises.choices.PermitStatus",
        "AppealOutcomeEnum": "records.billing.choices.AppealOutcome",
        "BillStatusEnum": "records.billing.choices.BillStatus",
        "PaymentMethodEnum": "records.billing.choices.PaymentMethod",
        "InquiryKindEnum": "records.inquiries.choices.InquiryKind",
        "InquiryPurposeEnum": "records.inquiries.choices.Purpose",
        "HitTypeEnum": "records.inquiries.choices.HitType",
    },
}

CAD_DEMO_PASSWORD = os.environ.get("CAD_DEMO_PASSWORD", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}
