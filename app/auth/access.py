"""Server-side permission checks for staff pages."""
from functools import wraps

from flask import abort
from flask_login import current_user

from app.extensions import login_manager


def has_role(*roles):
    """True when the signed-in user has one of ``roles``."""
    return bool(current_user.is_authenticated and current_user.role in roles)


def roles_required(*roles):
    """View decorator: sign-in first (redirect), then 403 unless the user has one of ``roles``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
