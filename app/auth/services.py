"""Accounts: creating users and checking credentials."""
import re

from sqlalchemy import func, select

from app.auth.models import ROLES, User
from app.extensions import db
from app.kb.models import utcnow

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8
# Checked when the e-mail is unknown so a wrong address costs as long as a wrong password.
_DUMMY_USER = User(password_hash="scrypt:32768:8:1$dummysaltdummys$" + "0" * 128)


class AccountError(ValueError):
    """A user could not be created; the message says why."""


def normalize_email(email):
    """Lower-cased, trimmed e-mail."""
    return (email or "").strip().lower()


def get_user_by_email(email):
    """The user with this e-mail (case-insensitive), or None."""
    query = select(User).where(func.lower(User.email) == normalize_email(email))
    return db.session.execute(query).scalar_one_or_none()


def create_user(email, password, role="writer", name=""):
    """Create and commit a user; AccountError on a bad e-mail, role, password or a taken e-mail."""
    email = normalize_email(email)
    if not EMAIL.match(email):
        raise AccountError(f"{email!r} is not an e-mail address")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r} (expected one of: {', '.join(ROLES)})")
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    if get_user_by_email(email) is not None:
        raise AccountError(f"a user with e-mail {email} already exists")
    user = User(email=email, name=name.strip(), role=role, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email, password):
    """The active user with these credentials, or None."""
    user = get_user_by_email(email)
    if user is None:
        _DUMMY_USER.check_password(password or "")
        return None
    if not user.check_password(password or "") or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def load_user(user_id):
    """Flask-Login loader: the active user with this id, or None (deactivated users are signed out)."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    return user if user is not None and user.active else None
