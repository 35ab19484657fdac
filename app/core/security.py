"""Security headers and privacy-preserving visitor keys."""
import hashlib
import hmac
import secrets
from datetime import datetime, timezone

from flask import current_app, g, request
from flask.sessions import SecureCookieSessionInterface

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
    day = day or datetime.now(timezone.utc).date()  # the UTC day, under which analytics rows are filed
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
    """Signed sessions with a cached serializer, the visitor cookie, and the security headers."""
    app.session_interface = CachedSerializerSessionInterface()
    app.wsgi_app = SecurityHeadersMiddleware(app.wsgi_app)
    app.after_request(set_visitor_cookie)
    app.jinja_env.globals["public_form_token"] = public_form_token


# Public forms on pages cached for everyone (kb/views.py), such as the feedback widget, use a
# "signed double-submit" token instead of the session's: the visitor cookie holds a random id and
# its HMAC, and the form token is another HMAC of that id. A cross-site page can neither read the
# cookie nor compute the token. No session is needed, so a cached page costs a few microseconds
# more, not a session per reader. While a shared page renders, the token is written as a mark;
# each response gets its reader's token in its place.
VISITOR_COOKIE = "tier0_visitor"
VISITOR_COOKIE_DAYS = 365
FORM_TOKEN_MARK = "\ue002form-token\ue002"


def _sign(purpose, value, secret=None):
    secret = secret or str(current_app.config["SECRET_KEY"]).encode()
    return hmac.digest(secret, f"{purpose}:{value}".encode(), "sha256").hex()[:32]  # one C call: every page pays it


def visitor_id():
    """The random id in this browser's signed visitor cookie; a new one (set on the response) if absent."""
    state = g._get_current_object()  # one proxy lookup: this runs for every reader of a cached page
    vid = getattr(state, "visitor_id", None)
    if vid is not None:
        return vid
    secret = str(current_app.config["SECRET_KEY"]).encode()
    vid, _, signature = request.cookies.get(VISITOR_COOKIE, "").partition(".")
    if not (vid and hmac.compare_digest(signature, _sign("visitor", vid, secret))):
        vid = secrets.token_urlsafe(16)
        state.new_visitor_cookie = f"{vid}.{_sign('visitor', vid, secret)}"
    state.visitor_id = vid
    return vid


def public_form_token():
    """Jinja ``public_form_token()``: the token for public forms, or the mark while a shared page renders."""
    return FORM_TOKEN_MARK if g.get("rendering_shared_page") else _sign("form", visitor_id())


def fill_public_form_tokens(html):
    """A shared page with its reader's public form token."""
    return html.replace(FORM_TOKEN_MARK, _sign("form", visitor_id())) if FORM_TOKEN_MARK in html else html


def valid_public_form_token(token):
    """True when the request carries a visitor cookie and the form token made for it."""
    vid = visitor_id()
    return "new_visitor_cookie" not in g and hmac.compare_digest(str(token or ""), _sign("form", vid))


def set_visitor_cookie(response):
    """after_request: store a newly created visitor id (HttpOnly, SameSite=Lax, Secure on HTTPS).

    The header is written directly: the value is URL-safe already, and Max-Age needs no Expires date,
    which spares every new reader of a cached page werkzeug's general cookie formatting.
    """
    if "new_visitor_cookie" in g:
        secure = "; Secure" if request.is_secure else ""
        response.headers.add("Set-Cookie", f"{VISITOR_COOKIE}={g.new_visitor_cookie}; Max-Age="
                                           f"{VISITOR_COOKIE_DAYS * 86400}; Path=/; HttpOnly; SameSite=Lax{secure}")
    return response
