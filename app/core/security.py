"""Security headers and privacy-preserving visitor keys."""
import hashlib
import hmac
from datetime import date

from flask import current_app, g, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def visitor_key(ip, user_agent, day=None, secret=None):
    """Return HMAC(secret, ip + user agent + day): counts unique visitors without storing an IP."""
    secret = secret if secret is not None else current_app.config["SECRET_KEY"]
    day = day or date.today()
    message = f"{ip or ''}\n{user_agent or ''}\n{day.isoformat()}".encode()
    return hmac.new(str(secret).encode(), message, hashlib.sha256).hexdigest()[:32]


def request_visitor_key():
    """Visitor key of the current request."""
    return visitor_key(request.remote_addr, request.headers.get("User-Agent", ""))


def client_key():
    """Rate-limit key: a keyed hash of the client address, so no raw IP reaches the limiter store."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, (request.remote_addr or "").encode(), hashlib.sha256).hexdigest()[:24]


SECURITY_HEADERS = [
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
]
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


class SecurityHeadersMiddleware:
    """WSGI middleware adding the security headers to every response (static files and errors too).

    Done at the WSGI layer because it is the cheapest place: one list extend per response, and a
    header a view set itself is left alone.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        https = environ.get("wsgi.url_scheme") == "https"

        def start_with_headers(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            headers.extend(h for h in SECURITY_HEADERS if h[0].lower() not in present)
            if https and "strict-transport-security" not in present:
                headers.append(HSTS)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_headers)


def is_safe_next(target):
    """True when ?next= points to a path on this site (no scheme, host or protocol-relative form)."""
    if not target or not isinstance(target, str):
        return False
    target = target.strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    return not any(ord(ch) < 32 for ch in target)


class CachedSerializerSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, building the signing serializer once per secret, not per request."""

    def get_signing_serializer(self, app):
        """The serializer for the app's current secret key (and its fallbacks)."""
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = app.extensions.get("tier0_session_serializer")
        if cached is None or cached[0] != key:
            cached = (key, super().get_signing_serializer(app))
            app.extensions["tier0_session_serializer"] = cached
        return cached[1]


def init_app(app):
    """Signed sessions with a cached serializer; every response gets the security headers."""
    app.session_interface = CachedSerializerSessionInterface()
    app.wsgi_app = SecurityHeadersMiddleware(app.wsgi_app)


# Pages cached for everyone (kb/views.py) cannot carry one visitor's CSRF token: while such a page is
# rendered, csrf_token() writes this mark, and each response gets the visitor's own token in its place.
CSRF_MARK = "\ue002csrf-token\ue002"


def csrf_token_for_template():
    """Jinja ``csrf_token()``: the visitor's token, or the mark while a shared page is rendered."""
    return CSRF_MARK if g.get("rendering_shared_page") else generate_csrf()


def fill_csrf_tokens(html):
    """A shared page with this visitor's CSRF token in every form."""
    return html.replace(CSRF_MARK, generate_csrf()) if CSRF_MARK in html else html
