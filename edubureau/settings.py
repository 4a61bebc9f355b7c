"""EduBureau settings. Every value comes from the environment, with the safe value as default.

Documented variables (see README): EDUBUREAU_SECRET_KEY, EDUBUREAU_DEBUG, EDUBUREAU_ALLOWED_HOSTS,
DATABASE_URL, EDUBUREAU_SECURE, EDUBUREAU_SESSION_IDLE_MINUTES, EDUBUREAU_MEDIA_ROOT, ...
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# Debug is off unless asked for; the run script turns it on for the local demo.
DEBUG = env_bool("EDUBUREAU_DEBUG", False)

# The secret key: set EDUBUREAU_SECRET_KEY in production. Without it, a random key is generated once
# and kept in var/secret_key (readable by the owner only), so a fresh clone runs with no set-up.
SECRET_KEY = env("EDUBUREAU_SECRET_KEY", "")
if not SECRET_KEY:
    _key_file = BASE_DIR / "var" / "secret_key"
    if not _key_file.exists():
        import secrets

        _key_file.parent.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(secrets.token_urlsafe(64))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

# Host names this site answers to, comma-separated.
ALLOWED_HOSTS = env_list("EDUBUREAU_ALLOWED_HOSTS", "127.0.0.1,localhost")
# Origins trusted for CSRF (needed behind an HTTPS proxy), comma-separated, with scheme.
CSRF_TRUSTED_ORIGINS = env_list("EDUBUREAU_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "edubureau.common",
    "edubureau.org",
    "edubureau.accounts",
    "edubureau.audit",
    "edubureau.calendar",
    "edubureau.web",
    "edubureau.safety",
    "edubureau.inspections",
    "edubureau.incidents",
    "edubureau.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "edubureau.common.middleware.RequestContextMiddleware",
    "edubureau.web.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "edubureau.accounts.middleware.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "edubureau.urls"
WSGI_APPLICATION = "edubureau.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "edubureau.web.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite in the project folder by default; set DATABASE_URL=postgres://... in production.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("EDUBUREAU_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Passwords: argon2 first; the policy of DOMAIN.md §7 lives in accounts.passwords.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "edubureau.accounts.passwords.LengthAndClassesValidator"},
    {"NAME": "edubureau.accounts.passwords.NotSimilarToUsernameValidator"},
    {"NAME": "edubureau.accounts.passwords.HistoryValidator"},
]
AUTHENTICATION_BACKENDS = ["edubureau.accounts.backends.ScopedModelBackend"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Login security (等保 defaults, see DOMAIN.md §7).
EDUBUREAU_LOCKOUT_FAILURES = env_int("EDUBUREAU_LOCKOUT_FAILURES", 5)
EDUBUREAU_LOCKOUT_MINUTES = env_int("EDUBUREAU_LOCKOUT_MINUTES", 30)
EDUBUREAU_PASSWORD_MAX_AGE_DAYS = env_int("EDUBUREAU_PASSWORD_MAX_AGE_DAYS", 90)
EDUBUREAU_PASSWORD_HISTORY = env_int("EDUBUREAU_PASSWORD_HISTORY", 5)
# Idle time after which a signed-in session ends (minutes).
EDUBUREAU_SESSION_IDLE_MINUTES = env_int("EDUBUREAU_SESSION_IDLE_MINUTES", 30)
# Default lifetime of a personal API token (days).
EDUBUREAU_API_TOKEN_DAYS = env_int("EDUBUREAU_API_TOKEN_DAYS", 90)
# Audit events are kept at least this long; the application never deletes them (days, minimum 180).
EDUBUREAU_AUDIT_RETENTION_DAYS = max(180, env_int("EDUBUREAU_AUDIT_RETENTION_DAYS", 365))

SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_NAME = "edubureau_session"
CSRF_COOKIE_NAME = "edubureau_csrftoken"
# A Chinese page for CSRF failures (a form left open too long, or a post from another site).
CSRF_FAILURE_VIEW = "edubureau.web.views.csrf_failure"

# Set EDUBUREAU_SECURE=1 when the site is served over HTTPS (production). Turns on secure cookies,
# HSTS and the redirect to HTTPS; a proxy in front must set X-Forwarded-Proto.
SECURE = env_bool("EDUBUREAU_SECURE", False)
if SECURE:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("EDUBUREAU_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("EDUBUREAU_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("EDUBUREAU_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = env("EDUBUREAU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("EDUBUREAU_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
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
# In development whitenoise serves straight from the finders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded files live outside the static root and are served only through scoped views.
MEDIA_ROOT = Path(env("EDUBUREAU_MEDIA_ROOT", str(BASE_DIR / "var" / "uploads")))
# Never routed: uploads are served only through scoped views (the value is required by Django).
MEDIA_URL = "/media/"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}
        if env("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("EDUBUREAU_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Take the client address from X-Forwarded-For, the last entry (the one your own reverse proxy appends).
EDUBUREAU_TRUST_X_FORWARDED_FOR = env_bool("EDUBUREAU_TRUST_X_FORWARDED_FOR", False)

# The name shown in the header, the title bar and generated documents.
EDUBUREAU_SITE_NAME = env("EDUBUREAU_SITE_NAME", "教育局工作平台")

SILENCED_SYSTEM_CHECKS = []
