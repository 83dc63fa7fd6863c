"""Settings for GoalCascade, read from the environment only (12-factor).

Embedded default (nothing set): SQLite file in the project folder, Celery eager, DEBUG on.
Production: DATABASE_URL (PostgreSQL), REDIS_URL (Celery broker and result backend),
SECRET_KEY, DEBUG=false, ALLOWED_HOSTS. With DEBUG off the app refuses to start on the
default secret key.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from goalcascade.email_url import parse_email_url, parse_site_url

BASE_DIR = Path(__file__).resolve().parent.parent

INSECURE_DEFAULT_SECRET_KEY = "insecure-embedded-default-change-me"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number") from exc


DEBUG = env_bool("DEBUG", True)
# With DEBUG on, show Django's technical 404 and 500 pages (every URL, the traceback) instead of the site's own.
DEBUG_TECHNICAL_404 = env_bool("DEBUG_TECHNICAL_404", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or INSECURE_DEFAULT_SECRET_KEY
if not DEBUG and (SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "SECRET_KEY: with DEBUG off, set SECRET_KEY to a random value of at least 32 characters "
        "(the embedded default is refused in production)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# --- Security headers and HTTPS -----------------------------------------------------------
# Behind HTTPS in production (docs: README "HTTPS"): with SECURE_HSTS_SECONDS, SECURE_SSL_REDIRECT and
# SECURE_COOKIES set, `manage.py check --deploy` has nothing to report (tests/test_settings.py runs it).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = int(env_float("SECURE_HSTS_SECONDS", 0))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # A year of HSTS over every subdomain is what browsers' preload lists ask for: say so unless told not to.
    SECURE_HSTS_PRELOAD = env_bool(
        "SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS >= 31_536_000 and SECURE_HSTS_INCLUDE_SUBDOMAINS
    )
    # The load balancer's health check talks plain HTTP to the app: never redirect it.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Content-Security-Policy (django-csp): scripts and styles from this site only — no inline script anywhere
# (htmx, the API docs' and the pages' scripts are static files). Inline style *attributes* stay allowed for the
# width of progress bars; htmx's own indicator <style> is switched off in base.html. No frames, no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The API schema and its browsable docs need a signed-in person unless PUBLIC_API_DOCS says otherwise.
PUBLIC_API_DOCS = env_bool("PUBLIC_API_DOCS", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Sign-in: allauth carries the single sign-on round trips (see "Sign-in" below); sites is its dependency.
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    "mptt",
    "django_htmx",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "apps.core",
    "apps.org",
    "apps.cycles",
    "apps.goals",
    "apps.metrics",
    "apps.notifications",
    "apps.proposals",
    "apps.reviews",
    "apps.goal_templates",
    "apps.recognition",
    "apps.one_on_ones",
    "apps.reports",
    "apps.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Serves the collected static files in production (gunicorn does not); a no-op under runserver.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "apps.org.sso.ProviderUnreachableMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Debug mode answers a page's 404 and 500 with the site's own pages, not Django's technical ones.
    "goalcascade.error_pages.StyledErrorPagesMiddleware",
    # Last, as its documentation asks: turns a sign-in refused for a lockout into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "goalcascade.urls"
WSGI_APPLICATION = "goalcascade.wsgi.application"
ASGI_APPLICATION = "goalcascade.asgi.application"

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

DEFAULT_SQLITE_URL = f"sqlite:///{BASE_DIR / 'goalcascade.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or DEFAULT_SQLITE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: wait for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.Person"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# In the embedded mode static files come straight from the apps and static/ (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Uploaded and generated files (export jobs): never served under a public URL, only through views that check access.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": os.environ.get("FILE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Sign-in ---------------------------------------------------------------------------
# Django's auth views keep /accounts/ (the password form at /accounts/login/, logout, password change);
# django-allauth only carries the single sign-on round trips under /accounts/sso/. A provider is offered on the
# login page when its variables are set. apps/org/sso.py matches whoever signs in to an imported person by a
# verified email; docs/sso.md says why each choice was made.
# PASSWORD_LOGIN=false: the password form is gone and every password sign-in (form, admin, API token) is refused.
PASSWORD_LOGIN = env_bool("PASSWORD_LOGIN", True)
# Email domains whose people get an account by signing in alone (otherwise only imported people may sign in).
SSO_AUTO_CREATE_DOMAINS = [domain.lower().lstrip("@") for domain in env_list("SSO_AUTO_CREATE_DOMAINS", "")]


def env_list_from(env, name: str) -> list[str]:
    return [item.strip() for item in (env.get(name) or "").split(",") if item.strip()]


def sso_providers(env) -> dict:
    """allauth's SOCIALACCOUNT_PROVIDERS from the environment: an OpenID Connect and a SAML provider, when set."""
    # Emails in these domains count as verified even without the provider saying so (Entra ID and most SAML
    # providers send no email_verified): list only domains your provider's directory owns.
    trusted = [domain.lower().lstrip("@") for domain in env_list_from(env, "SSO_TRUSTED_EMAIL_DOMAINS")]
    providers: dict = {}
    if env.get("OIDC_ISSUER") and env.get("OIDC_CLIENT_ID"):
        app = {
            "provider_id": "idp",
            "name": env.get("OIDC_NAME") or "single sign-on",
            "client_id": env["OIDC_CLIENT_ID"],
            "secret": env.get("OIDC_CLIENT_SECRET", ""),
            # The authorization code flow with PKCE; the claims come from the userinfo endpoint.
            "settings": {"server_url": env["OIDC_ISSUER"].rstrip("/"), "oauth_pkce_enabled": True},
        }
        if trusted:
            app["settings"]["verified_email"] = trusted
        providers["openid_connect"] = {"OAUTH_PKCE_ENABLED": True, "APPS": [app]}
    metadata = env.get("SAML_IDP_METADATA_URL") or ""
    if not metadata and env.get("SAML_IDP_METADATA_FILE"):
        metadata = Path(env["SAML_IDP_METADATA_FILE"]).resolve().as_uri()
    if metadata:
        app = {
            # The organisation slug in the SAML addresses: /accounts/sso/saml/org/acs/, …/metadata/.
            "client_id": "org",
            "name": env.get("SAML_NAME") or "single sign-on (SAML)",
            "settings": {
                # The identity provider comes from its metadata (the first one in it, or SAML_IDP_ENTITY_ID).
                "idp": {"metadata_url": metadata, "entity_id": env.get("SAML_IDP_ENTITY_ID") or None},
                # Our entity ID, as registered with the provider; allauth's default is our metadata address.
                "sp": {"entity_id": env.get("SAML_ENTITY_ID") or None},
                # Only a signed assertion is believed (Entra ID, Okta and Keycloak sign theirs by default).
                "advanced": {"want_assertion_signed": True},
                "attribute_mapping": {
                    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id"],
                    "email": [
                        "urn:oid:0.9.2342.19200300.100.1.3",
                        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
                        "email",
                    ],
                    "name": [
                        "http://schemas.microsoft.com/identity/claims/displayname",
                        "urn:oid:2.16.840.1.113730.3.1.241",
                        "name",
                    ],
                },
            },
        }
        if trusted:
            app["settings"]["verified_email"] = trusted
        providers["saml"] = {"APPS": [app]}
    return providers


SOCIALACCOUNT_PROVIDERS = sso_providers(os.environ)
if "saml" in SOCIALACCOUNT_PROVIDERS:
    # Only then: SAML needs xmlsec, whose native libxml2 must match lxml's, so a site without SAML never loads it.
    INSTALLED_APPS.append("allauth.socialaccount.providers.saml")
# django-axes first: it refuses a locked-out username and address before any password is checked.
AUTHENTICATION_BACKENDS = ["apps.org.lockout.LockoutBackend", "apps.org.sso.PasswordBackend"]
SITE_ID = 1
# allauth offers no password login, sign-up or email pages of its own: Django's auth views and the app do that.
SOCIALACCOUNT_ONLY = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "apps.org.sso.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "apps.org.sso.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # apps.org.sso matches by email itself, with the rules of docs/sso.md
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = int(env_float("SSO_REQUESTS_TIMEOUT", 10))
# Password guessing: after LOGIN_FAILURE_LIMIT failed sign-ins for one username from one address (the login page,
# the token endpoint, the admin), that pair is locked out for LOGIN_LOCKOUT_MINUTES. Attempts, sign-ins and
# lockouts are recorded (axes' logs, in the admin). The address is apps.core.clients.client_ip's.
AXES_FAILURE_LIMIT = int(env_float("LOGIN_FAILURE_LIMIT", 10))
AXES_COOLOFF_TIME = timedelta(minutes=env_float("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "apps.core.clients.client_ip"
AXES_LOCKOUT_CALLABLE = "apps.org.lockout.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False  # its records are the database logs; no banner on every command
# Proxies (addresses or networks) whose X-Forwarded-For is believed: the load balancer in front of the app.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
# --- end of Sign-in -----------------------------------------------------------------------

# --- REST API (/api/v1/) ------------------------------------------------------------
# Throttle rates are "<number>/<second|minute|hour|day>"; an empty value switches that throttle off.
API_THROTTLE_USER = os.environ.get("API_THROTTLE_USER", "5000/hour") or None
API_THROTTLE_ANON = os.environ.get("API_THROTTLE_ANON", "100/hour") or None
# Token requests (username + password) per client address: slows password guessing.
API_THROTTLE_AUTH = os.environ.get("API_THROTTLE_AUTH", "20/minute") or None

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a request without credentials answer 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.core.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.core.api.throttling.UserRateThrottle",
        "apps.core.api.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"user": API_THROTTLE_USER, "anon": API_THROTTLE_ANON, "auth": API_THROTTLE_AUTH},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["apps.core.api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "apps.core.api.negotiation.ContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "apps.core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "GoalCascade API",
    "DESCRIPTION": (
        "Carry an organisation's strategy down to every team and person, and progress back up. "
        "Authenticate with `Authorization: Token <token>` (from `POST /api/v1/auth/token/`) or with the browser "
        "session (send the CSRF token on writes). Lists are paginated (`page`, `page_size` up to 500). "
        "Errors: 400 `{field: [messages]}` for bad input, 401 without credentials, 403 when your role may not do "
        "it, 404 for what you may not see, 429 when throttled."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from the drf-spectacular-sidecar package: the docs work offline, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "GoalStatusEnum": "apps.goals.models.GoalStatus",
        "CycleStatusEnum": "apps.cycles.models.Cycle.Status",
        "LayerEnum": "apps.goals.models.Layer",
        "HealthEnum": "apps.goals.models.Health",
        "MetricUnitEnum": "apps.goals.models.Metric.Unit",
        "UnitKindEnum": "apps.org.models.Unit.Kind",
        "RoleEnum": "apps.org.models.Person.Role",
        "LinkKindEnum": "apps.goals.models.GoalLink.Kind",
    },
}

# --- Celery -------------------------------------------------------------------------
# Without REDIS_URL, tasks run eagerly inside the request (embedded mode).
REDIS_URL = os.environ.get("REDIS_URL", "")
# The cache holds the API throttle counters: shared through Redis when there is one, so that every
# web process counts the same requests; in memory in the embedded mode (one process).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "goalcascade",
        }
    }
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_RESULT_EXPIRES = 3600
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis may go away and come back: a web process that cannot send a task says so at once instead of
# holding the request (the rollup outbox keeps the work), and a worker keeps reconnecting for as long as it takes.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 5, "socket_connect_timeout": 2, "retry_on_timeout": True}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BEAT_SCHEDULE = {
    # The rollup outbox's sweep: whatever a dead worker, a lost message or a Redis outage left is rolled up.
    "rollup-sweep": {"task": "apps.goals.tasks.rollup_pending", "schedule": env_float("ROLLUP_SWEEP_SECONDS", 60.0)},
    # Repair path: the incremental rollup keeps figures right; this nightly pass proves it.
    "nightly-full-recompute": {"task": "apps.goals.tasks.recompute_all_progress", "schedule": 24 * 3600},
    # The alignment report's stored figures, counted again for the new day (staleness, health against elapsed time)
    # just after midnight; the rollup job keeps them current during the day (apps.reports.stored).
    "nightly-report-figures": {
        "task": "apps.reports.tasks.refresh_report_figures",
        "schedule": crontab(minute=5, hour=0),
    },
    # Export files are kept EXPORT_EXPIRES_HOURS; this deletes them once they have expired.
    "hourly-expired-exports": {"task": "apps.reports.tasks.delete_expired_exports", "schedule": 3600},
    # Uploaded org charts are kept IMPORT_KEEP_HOURS after their job finished; stalled jobs are failed.
    "hourly-import-tidy": {"task": "apps.org.tasks.tidy_import_jobs", "schedule": 3600},
}

# --- Mail -----------------------------------------------------------------------------
# Where mail goes, from EMAIL_URL (goalcascade/email_url.py parses it; a malformed one refuses to start):
# smtp://user:password@host:587?tls=1, smtps://user:password@host, or console: (the embedded default, which prints
# every mail to the log). Mail is sent by Celery tasks (apps.org.tasks), never inside a web request's own work.
EMAIL_URL = os.environ.get("EMAIL_URL") or "console:"
_email = parse_email_url(EMAIL_URL)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _email.get("EMAIL_TIMEOUT", 10.0)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "GoalCascade <goalcascade@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people reach the app at: every link a mail carries starts with it. Set it in production.
SITE_URL = parse_site_url(os.environ.get("SITE_URL") or "http://127.0.0.1:8000")
# An invitation link (apps.org.invitations) works once, for this many days; a password reset link for these hours.
INVITATION_DAYS = env_float("INVITATION_DAYS", 7)
PASSWORD_RESET_TIMEOUT = int(env_float("PASSWORD_RESET_HOURS", 24) * 3600)
# Reset mails one address receives per hour at most, whoever asks (requests beyond it are answered alike, unsent).
PASSWORD_RESET_MAILS_PER_HOUR = int(env_float("PASSWORD_RESET_MAILS_PER_HOUR", 5))
# Invitations and reset mails whose task was lost (Redis away, a worker killed) are sent by this sweep.
CELERY_BEAT_SCHEDULE["mail-sweep"] = {"task": "apps.org.tasks.send_due_mails", "schedule": 300}
# Notification digests (apps.notifications.digests): the hourly job finds whose local morning it is — from
# DIGEST_HOUR for DIGEST_WINDOW_HOURS, outside their quiet hours — and mails each one digest per period.
DIGEST_HOUR = int(env_float("DIGEST_HOUR", 8))
DIGEST_WINDOW_HOURS = env_float("DIGEST_WINDOW_HOURS", 4)
if not (0 <= DIGEST_HOUR <= 23 and 1 <= DIGEST_WINDOW_HOURS <= 24):
    raise ImproperlyConfigured("DIGEST_HOUR must be 0-23 and DIGEST_WINDOW_HOURS 1-24")
CELERY_BEAT_SCHEDULE["hourly-digests"] = {"task": "apps.notifications.tasks.run_digests", "schedule": 3600}
CELERY_BEAT_SCHEDULE["digest-sweep"] = {"task": "apps.notifications.tasks.send_due_digests", "schedule": 300}
# 1:1s (apps.one_on_ones.reminders): both people hear of their 1:1 the day before; series recur. Hourly, idempotent.
CELERY_BEAT_SCHEDULE["one-on-one-reminders"] = {"task": "apps.one_on_ones.tasks.remind_one_on_ones", "schedule": 3600}
# --- end of Mail ----------------------------------------------------------------------

# --- Domain knobs ---------------------------------------------------------------------
# Changes to one cascade within this window are rolled up in one pass.
ROLLUP_COALESCE_SECONDS = env_float("ROLLUP_COALESCE_SECONDS", 2.0)
# A goal with no check-in for this many days is stale and never shown as on track.
STALE_AFTER_DAYS = int(env_float("STALE_AFTER_DAYS", 14))
# The alignment report lists goals whose measured and rolled-up progress differ by more than this.
ALIGNMENT_GAP_THRESHOLD = env_float("ALIGNMENT_GAP_THRESHOLD", 0.25)
# Reports of up to this many people download at once; larger ones are built by an export job.
EXPORT_INLINE_MAX_PEOPLE = int(env_float("EXPORT_INLINE_MAX_PEOPLE", 5000))
# How long an uploaded org chart is kept after its check or import finished (to import it after the check).
IMPORT_KEEP_HOURS = env_float("IMPORT_KEEP_HOURS", 24)
# Org charts of up to this many rows import within the API request; larger ones answer 202 with a job.
IMPORT_INLINE_MAX_ROWS = int(env_float("IMPORT_INLINE_MAX_ROWS", 5000))
# How long an export job's file can be downloaded before it is deleted.
EXPORT_EXPIRES_HOURS = env_float("EXPORT_EXPIRES_HOURS", 24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # One line per task in eager mode is noise; the worker logs its own tasks.
    "loggers": {"celery.app.trace": {"level": os.environ.get("CELERY_TRACE_LOG_LEVEL", "WARNING")}},
}
