"""Accounts: creating, inviting, changing and deactivating users; checking credentials."""
import hashlib
import hmac
import re

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from app.auth.models import ROLES, User
from app.authoring import audit
from app.extensions import db
from app.kb.models import utcnow

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8
# Checked when the e-mail is unknown so a wrong address costs as long as a wrong password.
_DUMMY_USER = User(password_hash="scrypt:32768:8:1$dummysaltdummys$" + "0" * 128)
LAST_ADMIN = "There must be at least one active admin."
INVITE_EXPIRED = "This invitation link has expired or was already used. Ask an admin for a new one."
INVITE_SALT = "invite"


class AccountError(ValueError):
    """A change to an account was refused; the message says why, ``field`` names the form field it is about."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class UserNotFound(AccountError):
    """No user has that id."""


class InviteError(AccountError):
    """An invitation link is forged, expired, or was already used."""


def normalize_email(email):
    """Lower-cased, trimmed e-mail."""
    return (email or "").strip().lower()


def get_user_by_email(email):
    """The user with this e-mail (case-insensitive), or None."""
    query = select(User).where(func.lower(User.email) == normalize_email(email))
    return db.session.execute(query).scalar_one_or_none()


def _check_new_account(email, role, name):
    """The normalized e-mail and name of a new account; AccountError when one of them cannot be used."""
    email = normalize_email(email)
    if not EMAIL.match(email) or len(email) > 254:
        raise AccountError(f"{email!r} is not an e-mail address", field="email")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r} (expected one of: {', '.join(ROLES)})", field="role")
    name = (name or "").strip()
    if len(name) > 120:
        raise AccountError("the name must have at most 120 characters", field="name")
    if get_user_by_email(email) is not None:
        raise AccountError(f"a user with e-mail {email} already exists", field="email")
    return email, name


def _check_password(password):
    """AccountError unless the password is long enough."""
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters", field="password")


def _add_account(user, action, by, detail):
    """Add a new user and its audit event in one transaction; a concurrent twin e-mail becomes an AccountError."""
    db.session.add(user)
    try:
        db.session.flush()  # the event needs the user's id
        audit.record(action, actor=by, user=user, detail=detail)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AccountError(f"a user with e-mail {user.email} already exists", field="email") from None
    return user


def create_user(email, password, role="writer", name="", by=None):
    """Create and commit a user with a password; AccountError on a bad e-mail, role, password or a taken e-mail."""
    email, name = _check_new_account(email, role, name)
    _check_password(password)
    user = User(email=email, name=name, role=role, active=True)
    user.set_password(password)
    return _add_account(user, "user_created", by, f"{email} as {role}")


def invite_user(email, name, role, by):
    """Create a user without a password and return (user, token) for the link that lets them choose one."""
    email, name = _check_new_account(email, role, name)
    # Active with an empty password hash: check_password is False for it, so nobody signs in until accepted.
    user = _add_account(User(email=email, name=name, role=role, active=True, password_hash=""),
                        "user_invited", by, f"{email} as {role}")
    return user, invite_token(user)


def resend_invite(user_id, by):
    """A new invitation link for a user who has not accepted theirs yet: (user, token)."""
    user = get_user(user_id)
    if user.password_hash:
        raise AccountError(f"{user.email} has already accepted the invitation and set a password.")
    if not user.active:
        raise AccountError(f"{user.email} is deactivated; reactivate the account before inviting them again.")
    audit.record("user_invited", actor=by, user=user, detail="invitation sent again")
    db.session.commit()
    return user, invite_token(user)


def is_pending(user):
    """True when the user was invited and has not chosen a password yet."""
    return not user.password_hash


def _fingerprint(user):
    """A short digest of the password hash: a link carrying it stops working once the password changes."""
    return hashlib.sha256(f"invite:{user.id}:{user.password_hash}".encode()).hexdigest()[:20]


def _invite_serializer():
    """Signs invitation tokens with the app's secret (older secrets still verify, as for sessions)."""
    config = current_app.config
    keys = [*(config.get("SECRET_KEY_FALLBACKS") or ()), config["SECRET_KEY"]]  # the last one signs
    return URLSafeTimedSerializer(keys, salt=INVITE_SALT)


def invite_max_age():
    """How long an invitation link works, in seconds (INVITE_MAX_AGE_DAYS, 7 days by default)."""
    return int(float(current_app.config.get("INVITE_MAX_AGE_DAYS", 7)) * 86400)


def invite_token(user):
    """The signed, expiring token of the invitation link of a user."""
    return _invite_serializer().dumps({"user": user.id, "fp": _fingerprint(user)})


def invited_user(token):
    """The pending user an invitation token belongs to, or None when it is forged, expired or used."""
    try:
        data = _invite_serializer().loads(token or "", max_age=invite_max_age())
    except BadData:
        return None
    if not isinstance(data, dict) or type(data.get("user")) is not int or not isinstance(data.get("fp"), str):
        return None
    user = db.session.get(User, data["user"])
    if user is None or not user.active or not is_pending(user):
        return None
    return user if hmac.compare_digest(data["fp"], _fingerprint(user)) else None


def accept_invite(token, name, password):
    """Set the name and password of an invited user; InviteError when the link no longer works."""
    user = invited_user(token)
    if user is None:
        raise InviteError(INVITE_EXPIRED)
    _check_password(password)
    name = (name or "").strip()
    if len(name) > 120:
        raise AccountError("the name must have at most 120 characters", field="name")
    # Only while the hash is still empty, so two tabs accepting the same link cannot both set a password.
    claimed = db.session.execute(
        update(User).where(User.id == user.id, User.password_hash == "")
        .values(name=name, password_hash=generate_password_hash(password), last_login_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise InviteError(INVITE_EXPIRED)
    db.session.commit()
    db.session.refresh(user)
    return user


def get_user(user_id):
    """The user with this id; UserNotFound otherwise."""
    user = db.session.get(User, user_id)
    if user is None:
        raise UserNotFound("There is no such user.")
    return user


def list_users():
    """Every user, newest first."""
    return db.session.execute(select(User).order_by(User.created_at.desc(), User.id.desc())).scalars().all()


def _counts_as_admin(user):
    """An admin who can sign in: active, with a password (a pending invitation keeps nobody in charge)."""
    return user.role == "admin" and user.active and bool(user.password_hash)


def _lock_admins():
    """On PostgreSQL, lock the admin rows so two admins demoting each other at once are serialized."""
    db.session.execute(select(User.id).where(User.role == "admin", User.active.is_(True)).with_for_update()).all()


def _refuse_without_admin():
    """After the change is flushed: roll it back and refuse it when no admin could sign in any more."""
    db.session.flush()
    query = select(func.count()).select_from(User).where(
        User.role == "admin", User.active.is_(True), User.password_hash != ""
    )
    if db.session.execute(query).scalar_one() == 0:
        db.session.rollback()
        raise AccountError(LAST_ADMIN)


def change_role(user_id, role, by):
    """Give a user another role; refuses unknown roles, dropping one's own admin role and the last admin."""
    if role not in ROLES:
        raise AccountError(f"Choose one of the roles: {', '.join(ROLES)}.", field="role")
    user = get_user(user_id)
    if user.role == role:
        return user
    if by is not None and by.id == user.id and user.role == "admin":
        raise AccountError("You cannot remove your own admin role; ask another admin to do it.")
    guarded = _counts_as_admin(user)
    if guarded:
        _lock_admins()
    audit.record("role_changed", actor=by, user=user, detail=f"{user.role} → {role}")
    user.role = role
    if guarded:
        _refuse_without_admin()
    db.session.commit()
    return user


def set_active(user_id, active, by):
    """Deactivate (signed out at once) or reactivate a user; refuses deactivating oneself and the last admin."""
    user = get_user(user_id)
    if user.active == bool(active):
        return user
    if not active and by is not None and by.id == user.id:
        raise AccountError("You cannot deactivate your own account; ask another admin to do it.")
    guarded = not active and _counts_as_admin(user)
    if guarded:
        _lock_admins()
    user.active = bool(active)
    audit.record("user_reactivated" if active else "user_deactivated", actor=by, user=user)
    if guarded:
        _refuse_without_admin()
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
