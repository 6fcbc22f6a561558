"""
Newsroom settings, read from the environment.

With nothing set the site runs on the embedded default: a SQLite file, a SQLite-backed
cache in the var folder shared by every process, and media on disk. DATABASE_URL and
REDIS_URL switch to PostgreSQL and Redis.
NEWSROOM_PRODUCTION=1 turns on the hardened production mode, which refuses to start
without a real SECRET_KEY and passes ``check --deploy``.
"""

import os
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from newsroom.env import env_bool, env_list
from newsroom.headers import FEATURES_OFF, static_file_headers
from newsroom.secret_key import installation_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NEWSROOM_VAR_DIR", BASE_DIR / "var"))
# django-ninja's Swagger UI files, found without loading it (see public/api/urls.py).
NINJA_FILES = Path(find_spec("ninja").origin).parent  # type: ignore[arg-type,union-attr]

PRODUCTION = env_bool("NEWSROOM_PRODUCTION")
DEBUG = env_bool("DEBUG") and not PRODUCTION

INSECURE_KEY_PREFIX = "django-insecure-"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if PRODUCTION and (
    len(SECRET_KEY) < 50
    or SECRET_KEY.startswith(INSECURE_KEY_PREFIX)
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "Production mode needs a real SECRET_KEY: at least 50 random characters, for "
        "example from `python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
    )
if not SECRET_KEY:
    # Outside production: this installation's own key, made on first start.
    SECRET_KEY = installation_secret_key(VAR_DIR)

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production mode needs ALLOWED_HOSTS.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_ckeditor_5",
    "reversion",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "accounts",
    "articles",
]

MIDDLEWARE = [
    # Outermost: counts story reads whether the page came from the cache or not.
    "articles.public.reads.ReadCountMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves cached pages to anonymous readers before any other work is done.
    "articles.public.page_cache.CachedPageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsroom.headers.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "articles.public.edition.LatinEditionMiddleware",
    "articles.public.bad_requests.RefuseBadAddressesMiddleware",  # NUL bytes: 400
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.IdleSessionMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees a 404 first: old (WordPress) addresses of imported stories.
    "articles.public.redirects.OldAddressRedirectMiddleware",
    "axes.middleware.AxesMiddleware",  # a locked-out sign-in: the lockout page
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates", NINJA_FILES / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # The readers' pages (templates/jinja2/), several times faster in Jinja2.
        "BACKEND": "articles.public.jinja.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "OPTIONS": {"environment": "articles.public.jinja.environment"},
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "newsroom.postgresql"  # health checks spaced
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while an editor saves; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    if "DATABASE_URL" not in os.environ:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_SQLITE_NAME")}

REDIS_URL = os.environ.get("REDIS_URL", "")
# One cache for every process of the site (web workers, commands, the scheduler), so
# a withdrawal or an import reaches every reader at once. Both backends fail open: a
# cache that is down costs speed, never a page.
if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "articles.core.cache_backends.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
        }
    }
else:
    # SQLite in the var folder, no server to run; room for a week of story pages.
    megabytes = int(os.environ.get("NEWSROOM_CACHE_MB", "4096"))
    CACHES = {
        "default": {
            "BACKEND": "articles.core.cache_backends.FailOpenDiskCache",
            "LOCATION": os.environ.get("NEWSROOM_CACHE_DIR", str(VAR_DIR / "cache")),
            "SHARDS": 4,
            "OPTIONS": {"disk_min_file_size": 2**20, "size_limit": megabytes << 20},
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
]
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username + address is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "admin:login"

LANGUAGE_CODE = "kk"
LANGUAGES = [
    ("kk", _("Kazakh")),
    ("ru", _("Russian")),
    ("en", _("English")),
    # The Kazakh edition again in the Latin alphabet, spelled from the Cyrillic.
    ("kk-latn", "Qazaqşa"),
]
LOCALE_PATHS = [
    BASE_DIR / "newsroom" / "locale",
    BASE_DIR / "newsroom" / "locale_django",
]
FORMAT_MODULE_PATH = ["newsroom.formats"]
USE_I18N = True
TIME_ZONE = "Asia/Almaty"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static", NINJA_FILES / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Without a web server in front (the embedded default), Django serves uploads itself.
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=not PRODUCTION)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers
if not PRODUCTION:
    # WhiteNoise serves straight from the finders here; it only wants the folder.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=bool(os.environ.get("EMAIL_HOST")))
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Accounts and headers. Sign-in: five wrong passwords for one username from one
# address lock that pair out for a while (each further try restarts the wait).
AXES_FAILURE_LIMIT = int(os.environ.get("NEWSROOM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("NEWSROOM_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # commands run from cron print nothing unless something failed
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_IPWARE_META_PRECEDENCE_ORDER: tuple[str, ...] = ("REMOTE_ADDR",)
if PRODUCTION:
    # Behind the web server the client's address is the one it appends to
    # X-Forwarded-For; a client cannot choose it. Only trusted in production, where
    # the app is reached through NEWSROOM_PROXY_COUNT proxies (1: one web server).
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = max(
        int(os.environ.get("NEWSROOM_PROXY_COUNT", "1")) - 1, 0
    )
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", 2 * 3600))
OTP_TOTP_ISSUER = os.environ.get("NEWSROOM_SITE_NAME", "TuraNews")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # no one reads another person's key in the admin
# Sessions belong to the staff: they end when the browser closes or after this long
# without a request (refreshed at most once a minute, see accounts.middleware).
SESSION_COOKIE_AGE = int(os.environ.get("NEWSROOM_SESSION_IDLE_SECONDS", 2 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Nothing from other origins, no inline script without this response's nonce, no
# plugins, no framing. Public pages carry no inline script at all, so a cached page
# never holds a stale nonce. Static files get theirs from newsroom.headers.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# CKEditor 5 needs style attributes and data: pictures (uploading), in the admin.
NEWSROOM_ADMIN_PREFIX = "/admin/"
NEWSROOM_CSP_ADMIN_UPDATE = {"style-src-attr": [UNSAFE_INLINE], "img-src": ["data:"]}
PERMISSIONS_POLICY = FEATURES_OFF

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Lockouts are warnings; every successful sign-in need not be in the log.
        "axes": {"level": "WARNING"},
    },
}

NEWSROOM_SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "TuraNews")
NEWSROOM_SITE_URL = os.environ.get("NEWSROOM_SITE_URL", "http://127.0.0.1:8000")
# Whole public pages are cached for anonymous readers; off only to measure or debug.
# Each process also keeps the pages it served last in memory, up to this many MiB.
NEWSROOM_PAGE_CACHE = env_bool("NEWSROOM_PAGE_CACHE", default=True)
NEWSROOM_PAGE_MEMO_BYTES = int(os.environ.get("NEWSROOM_PAGE_MEMO_MB", "2")) << 20
NEWSROOM_SHARE_LINK_SECONDS = 3 * 24 * 3600  # a draft's signed share link: 3 days

# Read API: requests a minute per client address without a key (partners' keys carry
# their own limit), and the header a trusted proxy puts the reader's address in
# (e.g. HTTP_X_REAL_IP; empty: the connection's address).
NEWSROOM_API_RATE = int(os.environ.get("NEWSROOM_API_RATE", "120"))
NEWSROOM_API_CLIENT_IP_HEADER = os.environ.get("NEWSROOM_API_CLIENT_IP_HEADER", "")
# Reads gathered a second in each process, then sent on (off in tests: counted at once).
NEWSROOM_READS_GATHERED = env_bool("NEWSROOM_READS_GATHERED", default=True)
# How long a public page may be kept (here and, as s-maxage, at the edge); a story
# page for days here, the edge until the day's end (see articles.core.cache). Each
# release (NEWSROOM_RELEASE; by default the files' fingerprint) has its own pages.
NEWSROOM_PUBLIC_TTL = int(os.environ.get("NEWSROOM_PUBLIC_TTL", "300"))
NEWSROOM_STORY_TTL = int(os.environ.get("NEWSROOM_STORY_TTL", 7 * 24 * 3600))
NEWSROOM_RELEASE = os.environ.get("NEWSROOM_RELEASE", "")
# Varnish servers to purge by key when something readers see changes (none: none).
NEWSROOM_VARNISH_PURGE_URLS = env_list("VARNISH_PURGE_URLS", [])

# Images: what an upload may be. Checked with Pillow before anything is stored.
IMAGE_ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
IMAGE_MAX_BYTES = int(os.environ.get("IMAGE_MAX_BYTES", 10 * 1024 * 1024))
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", 40_000_000))
IMAGE_MIN_SIDE = 16

CKEDITOR_5_FILE_UPLOAD_PERMISSION = "staff"
CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME = "editor_image_upload"
CKEDITOR_5_UPLOAD_FILE_TYPES = ["jpeg", "png", "webp", "gif"]
CKEDITOR_5_USER_LANGUAGE = True
CKEDITOR_5_CONFIGS = {
    "default": {
        # Loads the editor's kk and ru interface; each page then uses its own language.
        "language": ["kk", "ru", "en"],
        "toolbar": {
            "items": [  # a line per group of buttons, "|" between them
                *("heading", "|", "bold", "italic", "link", "|"),
                *("bulletedList", "numberedList", "blockQuote", "|"),
                *("insertImage", "mediaEmbed", "insertTable", "|", "undo", "redo"),
            ],
        },
        "heading": {
            "options": [
                {
                    "model": "paragraph",
                    "title": _("Paragraph"),
                    "class": "ck-heading_paragraph",
                },
                {
                    "model": "heading2",
                    "view": "h2",
                    "title": _("Heading"),
                    "class": "ck-heading_heading2",
                },
                {
                    "model": "heading3",
                    "view": "h3",
                    "title": _("Subheading"),
                    "class": "ck-heading_heading3",
                },
            ]
        },
        "image": {
            "toolbar": [
                "imageTextAlternative",
                "toggleImageCaption",
                "|",
                "imageStyle:inline",
                "imageStyle:block",
                "imageStyle:side",
            ],
        },
        "table": {"contentToolbar": ["tableColumn", "tableRow", "mergeTableCells"]},
        "mediaEmbed": {"previewsInData": False},
        "link": {"defaultProtocol": "https://"},
    },
}
