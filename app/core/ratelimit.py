"""Rate limits on the views that need them, stored in memory or in Redis (shared by all workers).

Only decorated views pay for a check: public pages, which have no limit, run no rate-limit code.
"""
import time
from functools import wraps

from flask import abort, current_app, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from app.core.security import client_key


class RateLimiter:
    """Unbound extension: ``init_app`` picks the storage from RATELIMIT_STORAGE_URI."""

    def init_app(self, app):
        """Give the app its own limiter and storage (memory:// or redis://...)."""
        storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        app.extensions["tier0_ratelimit"] = FixedWindowRateLimiter(storage)

    def limit(self, setting, scope, methods=("POST",)):
        """Decorate a view: at most ``app.config[setting]`` (e.g. "10 per minute") requests per client."""

        def decorator(view):
            @wraps(view)
            def wrapper(*args, **kwargs):
                if request.method in methods:
                    self.hit(setting, scope)
                return view(*args, **kwargs)

            return wrapper

        return decorator

    def hit(self, setting, scope, key=None, rate=None):
        """Count one request against a limit; a 429 with Retry-After when it is exceeded.

        The limit is ``app.config[setting]``, or ``rate`` itself (e.g. a plugin setting) when given.
        """
        if not current_app.config["RATELIMIT_ENABLED"]:
            return
        limiter = current_app.extensions["tier0_ratelimit"]
        item = parse(rate or current_app.config[setting])
        identity = (current_app.config["RATELIMIT_KEY_PREFIX"], scope, key or client_key())
        if not limiter.hit(item, *identity):
            stats = limiter.get_window_stats(item, *identity)
            retry_after = max(1, int(stats.reset_time - time.time()))
            abort(429, retry_after=retry_after)
