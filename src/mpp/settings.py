"""MPP Digital settings: one module, read from the environment.

Every variable is listed in docs/operators.md. SQLite under var/ by default,
PostgreSQL with DATABASE_URL. DEBUG is off unless asked for.
"""

import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from mpp.core.env import EnvError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("MPP_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
DEMO_MODE = env_bool("MPP_DEMO_MODE", False)
TESTING = "pytest" in sys.modules or env_bool("MPP_TESTING", False)

if DEBUG or TESTING:
    SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-never-use-in-production")
else:
    try:
        SECRET_KEY = env_str("SECRET_KEY")
    except EnvError as exc:
        raise EnvError("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off") from exc

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG or TESTING else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    # Before django_tasks_db: its ``db_worker`` command is mpp.core's, which rides out a database restart.
    "mpp.core",
    "django_tasks",
    "django_tasks_db",
    "mpp.files",
    "mpp.identity",
    "mpp.regions",
    "mpp.catalog",
    "mpp.audit",
    "mpp.registry",
    "oauth2_provider",
    "mpp.sso",
    "mpp.forms",
    "mpp.applications",
    "mpp.notifications",
    "mpp.documents",
    "mpp.payments",
    "mpp.villages",
    "mpp.onboarding",
    "mpp.complaints",
    "mpp.surveys",
    "mpp.queueing",
    "mpp.monitoring",
    "mpp.statistics",
    "mpp.portal",
    "mpp.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mpp.core.middleware.RequestLogMiddleware",
    # Outside the public cache, so that its hits carry these headers too.
    "csp.middleware.CSPMiddleware",
    "mpp.sso.form_action.SignInForClientMiddleware",
    "mpp.core.headers.SecurityHeadersMiddleware",
    "mpp.core.public_cache.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = env_str("ROOT_URLCONF", "mpp.urls")  # bench/run.py alone sets it: bench/ceiling_urls.py
WSGI_APPLICATION = "mpp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "mpp.core.context_processors.frame",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'mpp.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Health checks probe only connections idle for this long (mpp.core.db); 0 probes before every request.
DATABASE_HEALTH_CHECK_IDLE_SECONDS = env_int("DATABASE_HEALTH_CHECK_IDLE_SECONDS", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "mpp.core.db"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker write while the web process reads; IMMEDIATE avoids
    # "database is locked" upgrades from read to write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A streaming replica (optional) for the pages that tolerate a few seconds' lag: public catalog, region, service and
# statistics pages read their reference and aggregate data there (mpp.core.db.replica); everything else, and all of
# it while the replica does not answer, goes to the primary.
if DATABASE_REPLICA_URL := env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"]["ENGINE"] = "mpp.core.db"
        # A replica that does not answer is given up on quickly: the page is read from the primary instead.
        DATABASES["replica"]["OPTIONS"] = {"connect_timeout": env_int("DATABASE_REPLICA_CONNECT_TIMEOUT", 2)}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["mpp.core.db.replica.ReplicaRouter"]
#: How long a process reads everything from the primary after the replica failed it.
DATABASE_REPLICA_RETRY_SECONDS = env_int("DATABASE_REPLICA_RETRY_SECONDS", 10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "identity.User"
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "identity:account"

AUTHENTICATION_BACKENDS = ["mpp.identity.auth.NikOrEmailBackend"]
SESSION_ENGINE = "django.contrib.sessions.backends.db"
PASSWORD_RESET_TIMEOUT = 3600

PASSWORD_HASHERS = [
    "mpp.identity.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "mpp_lang"
LANGUAGE_COOKIE_SECURE = not DEBUG and not TESTING
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not TESTING
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The worker's periodic jobs (dotted path of the task → every so many seconds), started by
# ``manage.py schedule_clock``; each job queues its next run when it ends (mpp.core.periodic).
PERIODIC_TASKS = {
    "mpp.applications.tasks.escalate_overdue_applications": 60,
    "mpp.statistics.tasks.refresh_statistics": 60,
    "mpp.surveys.tasks.refresh_surveys": 60,
    "mpp.complaints.tasks.keep_complaints_moving": 60,
    "mpp.queueing.tasks.keep_queues_current": 60,
    "mpp.payments.tasks.keep_payments_current": 60,
    "mpp.monitoring.tasks.remind_monev_deadlines": 3600,
}

REDIS_URL = env_str("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Security headers and cookies: strict unless DEBUG. TLS is terminated at the
# load balancer, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("TRUST_X_FORWARDED_PROTO", True) else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Secure cookies whenever DEBUG is off, whether or not we redirect to HTTPS ourselves: behind a proxy that
# terminates TLS the redirect is often off, and the cookies must still never travel in clear.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Every script and style is a file of ours: no inline code, no style or event-handler attributes, nothing
# from elsewhere (core/tests/test_templates_are_csp_clean.py reads every template for them). A form posts
# only here; the OIDC pages add the one client they answer to (sso.views). Violations are logged.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "report-uri": "/csp-report/",
    }
}

# --- SSO (OpenID Connect provider, django-oauth-toolkit): owned by mpp.sso ---
# Agency systems sign citizens in through our OpenID Connect provider (docs/integrators.md).
# Scopes and the claims they release: mpp/sso/claims.py. The key that signs ID tokens comes
# from OIDC_RSA_PRIVATE_KEY(_FILE); without it, development and tests generate one under
# MPP_VAR_DIR, and production refuses to start.
try:
    OIDC_RSA_PRIVATE_KEY = env_str("OIDC_RSA_PRIVATE_KEY")
except EnvError as exc:
    if not (DEBUG or TESTING):
        raise EnvError(
            "OIDC_RSA_PRIVATE_KEY (or OIDC_RSA_PRIVATE_KEY_FILE) must be set when DEBUG is off: "
            "it is the PEM RSA private key that signs the ID tokens of the single sign-on "
            "(generate one with `openssl genrsa 3072`)"
        ) from exc
    # Development and tests only: production never gets here, so it never loads the key generator.
    from mpp.sso.keys import development_signing_key

    OIDC_RSA_PRIVATE_KEY = development_signing_key(VAR_DIR / "oidc-rsa.pem")
OAUTH2_PROVIDER_APPLICATION_MODEL = "sso.AgencyClient"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": OIDC_RSA_PRIVATE_KEY,
    # The previous key, still published in the JWKS while its ID tokens are alive (key rotation).
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [key for key in [env_str("OIDC_RSA_PRIVATE_KEY_PREVIOUS", "")] if key],
    # Empty: derived from the request (https://<host>/o). Set it when agencies reach us by another name.
    "OIDC_ISS_ENDPOINT": env_str("OIDC_ISSUER", ""),
    "OAUTH2_VALIDATOR_CLASS": "mpp.sso.validators.MppOAuth2Validator",
    "SCOPES_BACKEND_CLASS": "mpp.sso.scopes.AgencyClientScopes",
    # Authorization code with PKCE (S256) for confidential clients, nothing else.
    "PKCE_REQUIRED": True,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if DEBUG or TESTING else ["https"],
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 900,
    "ID_TOKEN_EXPIRE_SECONDS": 900,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 24 * 3600,  # idle: a day after the last access token expired
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # RFC 9700 (OAuth 2.0 security best current practice): every gate on.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,  # asked only when the ID token is not the signed-in user's
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    # An expired ID token proves nothing about who is at the browser: it is refused as a logout hint.
    "OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS": False,
    # Tokens are revoked by mpp.sso.views.LogoutView: only the asking client's, and only for the signed-in person.
    "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": False,
}
# --- end SSO ---

# Outgoing e-mail over SMTP (make run starts a local SMTP sink that prints each message).
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 1025)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MPP Digital <no-reply@mpp.go.id>")

# Rate limits (django-ratelimit) count in the default cache: use Redis when there is more than one process.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY", "REMOTE_ADDR")

# The population registry (Dukcapil), real or simulated: known only by URL and API key.
DUKCAPIL_URL = env_str("DUKCAPIL_URL", "http://127.0.0.1:8100")
DUKCAPIL_API_KEY = env_str("DUKCAPIL_API_KEY", "")
DUKCAPIL_TIMEOUT_SECONDS = float(env_str("DUKCAPIL_TIMEOUT_SECONDS", "3"))

# The health-workforce registry (SISDMK / SATUSEHAT SDMK), real or simulated: known only by URL and API key.
SISDMK_URL = env_str("SISDMK_URL", "http://127.0.0.1:8200")
SISDMK_API_KEY = env_str("SISDMK_API_KEY", "")
SISDMK_TIMEOUT_SECONDS = float(env_str("SISDMK_TIMEOUT_SECONDS", "3"))

# SP4N-LAPOR!, the national complaint channel, real or simulated: complaints are forwarded to it with the API
# key, and its status changes come back signed (Standard Webhooks) with the webhook secret, or are polled.
# Without a URL, forwarding waits in its queue and the officer is told.
LAPOR_URL = env_str("LAPOR_URL", "")
LAPOR_API_KEY = env_str("LAPOR_API_KEY", "")
LAPOR_WEBHOOK_SECRET = env_str("LAPOR_WEBHOOK_SECRET", "")
LAPOR_TIMEOUT_SECONDS = float(env_str("LAPOR_TIMEOUT_SECONDS", "5"))

# The payment network (a bank or payment provider speaking Bank Indonesia's SNAP, real or simulated;
# docs/payments-snap.md). Our client key and HMAC secret there, our RSA key for its token requests, the VA prefix
# of the region's bank; and the network's client key, HMAC secret and RSA public key for its calls to us. Without
# a URL, bills are raised but get their codes once the network is configured, and only cash is taken.
PAYNET_URL = env_str("PAYNET_URL", "").rstrip("/")
PAYNET_CLIENT_KEY = env_str("PAYNET_CLIENT_KEY", "")
PAYNET_CLIENT_SECRET = env_str("PAYNET_CLIENT_SECRET", "")
PAYNET_PRIVATE_KEY_FILE = env_str("PAYNET_PRIVATE_KEY_FILE", "")
PAYNET_PARTNER_SERVICE_ID = env_str("PAYNET_PARTNER_SERVICE_ID", "88001")
PAYNET_BANK_CLIENT_KEY = env_str("PAYNET_BANK_CLIENT_KEY", "")
PAYNET_BANK_CLIENT_SECRET = env_str("PAYNET_BANK_CLIENT_SECRET", "")
PAYNET_BANK_PUBLIC_KEY_FILE = env_str("PAYNET_BANK_PUBLIC_KEY_FILE", "")
PAYNET_TIMEOUT_SECONDS = float(env_str("PAYNET_TIMEOUT_SECONDS", "5"))

# The systems whose bills the MPP collects (Kota Samarinda's PBB-P2 and its water company, real or simulated:
# simulators/billers), known by URL and API key, and the region they belong to. Without a URL, no such bill.
BILLERS_URL = env_str("BILLERS_URL", "").rstrip("/")
BILLERS_API_KEY = env_str("BILLERS_API_KEY", "")
BILLERS_REGION = env_str("BILLERS_REGION", "64.72")
BILLERS_TIMEOUT_SECONDS = float(env_str("BILLERS_TIMEOUT_SECONDS", "5"))

# The SMS/WhatsApp gateway, real or simulated: known only by URL and API key. Without a URL,
# notifications go in the app and by e-mail only.
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_API_KEY = env_str("SMS_GATEWAY_API_KEY", "")
SMS_GATEWAY_TIMEOUT_SECONDS = float(env_str("SMS_GATEWAY_TIMEOUT_SECONDS", "5"))
# How long a notifier holds the messages it claimed: one that dies leaves them to another after this.
NOTIFIER_LEASE_SECONDS = env_int("NOTIFIER_LEASE_SECONDS", 60)
# The platform's public address, for links in e-mails and SMS.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Signing of issued documents (mpp.documents.signing; docs/decisions/0008-signing.md): "file" is
# the key and certificate in DOCUMENT_SIGNING_DIR (`manage.py create_demo_ca` makes a demo one),
# "pkcs11" a region's certificate on a hardware token or HSM. A TSA URL adds a trusted timestamp.
DOCUMENT_SIGNING_BACKEND = env_str("DOCUMENT_SIGNING_BACKEND", "file")
DOCUMENT_SIGNING_DIR = Path(env_str("DOCUMENT_SIGNING_DIR", str(VAR_DIR / "signing")))
DOCUMENT_SIGNING_PKCS11_LIB = env_str("DOCUMENT_SIGNING_PKCS11_LIB", "")
DOCUMENT_SIGNING_PKCS11_TOKEN_LABEL = env_str("DOCUMENT_SIGNING_PKCS11_TOKEN_LABEL", "")
DOCUMENT_SIGNING_PKCS11_KEY_LABEL = env_str("DOCUMENT_SIGNING_PKCS11_KEY_LABEL", "")
DOCUMENT_SIGNING_PKCS11_CERT_LABEL = env_str("DOCUMENT_SIGNING_PKCS11_CERT_LABEL", "") or None
DOCUMENT_SIGNING_PKCS11_PIN = env_str("DOCUMENT_SIGNING_PKCS11_PIN", "") or None
# For tokens that only sign a digest (SoftHSM, many smart cards): hash here, sign raw on the token.
DOCUMENT_SIGNING_PKCS11_RAW_MECHANISM = env_bool("DOCUMENT_SIGNING_PKCS11_RAW_MECHANISM", False)
DOCUMENT_SIGNING_TSA_URL = env_str("DOCUMENT_SIGNING_TSA_URL", "")
DOCUMENT_SIGNING_TSA_TIMEOUT_SECONDS = float(env_str("DOCUMENT_SIGNING_TSA_TIMEOUT_SECONDS", "5"))
#: Further trust roots for upload-a-PDF verification (PEM files), beside the platform's own CA.
DOCUMENT_SIGNING_TRUST_ROOTS = env_list("DOCUMENT_SIGNING_TRUST_ROOTS", [])
# Upload-a-PDF verification parses untrusted files: bounded in size, time and memory.
VERIFY_MAX_UPLOAD_BYTES = env_int("VERIFY_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
VERIFY_TIMEOUT_SECONDS = float(env_str("VERIFY_TIMEOUT_SECONDS", "5"))
# Memory a check may use beyond what the worker already maps.
VERIFY_MEMORY_LIMIT_BYTES = env_int("VERIFY_MEMORY_LIMIT_BYTES", 512 * 1024 * 1024)

# Seconds a public catalog answer is served from the cache (0 turns the cache off).
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 0 if TESTING else 60)

# Page sizes of the public API: a client may ask for fewer, never for more.
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Our own request log replaces Django's; keep its errors.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}
