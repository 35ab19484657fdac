"""Security headers and privacy-preserving visitor keys."""
import hashlib
import hmac
from datetime import date

from flask import current_app, request

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


def set_security_headers(response):
    """Add the headers every response carries."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def is_safe_next(target):
    """True when ?next= points to a path on this site (no scheme, host or protocol-relative form)."""
    if not target or not isinstance(target, str):
        return False
    target = target.strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    return not any(ord(ch) < 32 for ch in target)


def init_app(app):
    """Register the security headers hook."""
    app.after_request(set_security_headers)
