"""Staff accounts: writers, editors, leads and admins."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.kb.models import utcnow

ROLES = ("writer", "editor", "lead", "admin")


class User(UserMixin, db.Model):
    """A staff member who signs in; end users never need an account."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(256), default="")
    role: Mapped[str] = mapped_column(String(20), default="writer")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    @property
    def is_active(self):
        """Flask-Login refuses sessions of deactivated users."""
        return self.active

    def set_password(self, password):
        """Store a salted hash of password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        """True when password matches the stored hash."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def display_name(self):
        """Name, or the e-mail when no name was given."""
        return self.name or self.email

    def __repr__(self):
        return f"<User {self.email} {self.role}>"
