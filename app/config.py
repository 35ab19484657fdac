"""Configuration defaults; environment variables prefixed TIER0_ override them."""
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Config:
    """Defaults that run anywhere: SQLite and in-process limits in the instance folder."""

    ENV = "development"
    SITE_NAME = "Bazaarly Help Center"
    SITE_TAGLINE = "Answers for buyers and sellers, any time."
    CONTACT_URL = "/contact"  # where every "Contact support" link goes
    PUBLIC_URL = "http://localhost:5000"  # the site's address, for links in e-mails sent outside a request
    CONTENT_DIR = str(PROJECT_ROOT / "content")
    PLUGINS: list[str] = ["feedback"]  # enabled plugins (see docs/plugins.md); [] turns them all off
    PLUGIN_SETTINGS: dict = {}

    SQLALCHEMY_DATABASE_URI: str | None = None  # default: SQLite file in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session, so a slow login never fails

    REDIS_URL: str | None = None  # TIER0_REDIS_URL moves rate limits to Redis
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_KEY_PREFIX = "tier0"
    LOGIN_RATE_LIMIT = "10 per minute"

    SEARCH_BACKEND = "sqlite"  # SQLite FTS5 file; or "whoosh" (pure Python), "postgres" (needs a PostgreSQL database)
    SEARCH_INDEX_DIR = ""  # where the index lives: default <instance>/search.sqlite3 (sqlite), <instance>/search-index (whoosh)
    SEARCH_LOCK_TIMEOUT = 10.0  # seconds a writer waits for the index lock before leaving the job queued

    # Inquiries (escalations): reference PREFIX-YYMM-NNNN, categories, SLA targets in hours per priority.
    INQUIRY_PREFIX = "INQ"
    INQUIRY_CATEGORIES: dict = {
        "technical": "Technical issue",
        "ad_posting": "Ad posting",
        "billing": "Payment / billing",
        "moderation": "Ad moderation / approval",
        "removal_expiry": "Ad removal or expiry",
        "feature_request": "Feature request",
        "policy": "Policy / terms clarification",
        "feedback": "General feedback",
        "other": "Other",
    }
    INQUIRY_SLA_HOURS: dict = {  # priority: [first response, resolution]
        "urgent": [4, 24], "high": [24, 48], "normal": [48, 120], "low": [48, 120],
    }
    INQUIRY_RATE_LIMIT = "5 per hour"  # inquiries per visitor (browser) and address
    INQUIRY_CLIENT_RATE_LIMIT = "60 per hour"  # per address, for all visitors behind it
    INQUIRY_MAX_ATTACHMENTS = 3
    INQUIRY_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
    RESOLVED_WITHIN_HOURS_TARGET = 0.8  # share resolved within 24 h the team aims for
    CSAT_TARGET = 0.9

    # Uploads. A request body past MAX_CONTENT_LENGTH is refused with 413 before it is read: room for an
    # inquiry's attachments (3 × 10 MB above) plus its text; each image a writer uploads has its own limit.
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    UPLOAD_MAX_PIXELS = 40_000_000  # width × height; larger images are refused before they are decoded

    # E-mail: SMTP when MAIL_SERVER is set, otherwise .eml files in <instance>/outbox/.
    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_FROM = "Bazaarly Support <support@bazaarly.example>"

    # PDF guides: page size A4 or Letter; each PDF is drawn in a child process with these limits.
    PDF_PAGE_SIZE = "A4"
    PDF_RENDER_TIMEOUT = 90.0  # seconds; past it the render is stopped and the reader gets an error page
    PDF_MEMORY_LIMIT_MB = 2048  # address space of the rendering process
    PDF_WORKER_IDLE_SECONDS = 600  # the render process of a web worker exits after this long without a PDF
    PDF_RATE_LIMIT = "30 per minute"  # PDF downloads per client

    INVITE_MAX_AGE_DAYS = 7  # how long an invitation link to set a password works

    # Scheduled publishing and archiving are applied by the app: before a request, at most this often per process
    # (and by `flask kb tick`), so no external scheduler is needed.
    SCHEDULE_CHECK_SECONDS = 30

    # `flask kb check-links --external`: each outside address is asked once, this many at a time.
    LINK_CHECK_TIMEOUT = 10  # seconds per request
    LINK_CHECK_CONCURRENCY = 8
    LINK_CHECK_USER_AGENT = "Tier0-LinkChecker/1.0 (help center link check)"

    # Analytics: raw events (page views, searches, clicks, troubleshooter runs) are rolled up into daily
    # aggregates, which the dashboard reads; the raw rows are deleted after the retention period.
    ANALYTICS_RETENTION_DAYS = 90
    ANALYTICS_TODAY_SECONDS = 60  # today's aggregates are rolled up again on a dashboard visit after this long
    ANALYTICS_MAINTENANCE_SECONDS = 3600  # each process rolls up finished days and purges at most this often
    DIGEST_DAYS = 7  # `flask dashboard digest` reports on this many days, compared with as many before

    PROXY_FIX = 0  # number of trusted proxies in front of the app (X-Forwarded-*)
    PAGEVIEW_FLUSH_SIZE = 50  # buffered page views written in one short transaction
    PAGEVIEW_FLUSH_SECONDS = 5.0
    PAGE_CACHE_CHECK_SECONDS = 1.0  # how often a worker re-reads the shared content version
    PAGE_CACHE_SIZE = 2000
    PAGE_CACHE_TTL_SECONDS = 300.0  # lists such as "popular" change without a content edit


def load_config(app, overrides=None):
    """Fill app.config from defaults, TIER0_* environment variables and explicit overrides."""
    app.config.from_object(Config)
    app.config.from_prefixed_env("TIER0")
    if os.environ.get("DATABASE_URL") and not os.environ.get("TIER0_SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("TIER0_DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["TIER0_DATABASE_URL"]
    if overrides:
        app.config.update(overrides)

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri:
        uri = "sqlite:///" + os.path.join(app.instance_path, "tier0.db")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(uri)

    if app.config.get("REDIS_URL") and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]

    production = app.config["ENV"] == "production"
    if not app.config.get("SECRET_KEY"):
        if production:
            raise RuntimeError("TIER0_SECRET_KEY must be set when TIER0_ENV=production.")
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
    if production:
        app.config["DEBUG"] = False
        for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
            if "TIER0_" + key not in os.environ:
                app.config[key] = True


def normalize_database_url(uri):
    """Accept the common postgres:// spellings and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            return "postgresql+psycopg://" + uri[len(prefix):]
    return uri


def _instance_secret(instance_path):
    """Return the development secret stored in the instance folder, creating it once."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker created it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
