"""Writers' workspace: stored uploads, the audit log, editor autosaves and link-check findings."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.kb.models import utcnow


class Upload(db.Model):
    """A file a writer uploaded (an image), stored in the database so every app server can serve it."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)  # random, so drafts' images cannot be guessed
    filename: Mapped[str] = mapped_column(String(200))  # cleaned; part of the URL
    media_type: Mapped[str] = mapped_column(String(60))  # what the bytes are, never what the browser claimed
    size: Mapped[int] = mapped_column(default=0)
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    uploaded_by: Mapped["User | None"] = relationship()  # noqa: F821  (app.auth.models)

    @property
    def path(self):
        """The site path the file is served at."""
        return f"/uploads/{self.key}/{self.filename}"


class AuditEvent(db.Model):
    """Who did what and when: workflow steps on articles, and user and role changes."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_article", "article_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40), index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # the user acted on
    detail: Mapped[str] = mapped_column(Text, default="")  # a reviewer's comment, or what changed

    actor: Mapped["User | None"] = relationship(foreign_keys=[actor_id])  # noqa: F821
    user: Mapped["User | None"] = relationship(foreign_keys=[user_id])  # noqa: F821
    article: Mapped["Article | None"] = relationship()  # noqa: F821  (app.kb.models)


class Autosave(db.Model):
    """The editor's unsaved form of one writer for one article (or a new one), kept until they save."""

    __tablename__ = "autosaves"
    __table_args__ = (UniqueConstraint("user_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    slot: Mapped[str] = mapped_column(String(40))  # "article:<id>" or "new:<kind>"
    base_revision_id: Mapped[int | None]  # the revision the writer started from
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)


class LinkProblem(db.Model):
    """A broken link or image found by `flask kb check-links` in an article's published revision."""

    __tablename__ = "link_problems"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(String(2000))
    element: Mapped[str] = mapped_column(String(10), default="link")  # link | image
    external: Mapped[bool] = mapped_column(default=False)
    problem: Mapped[str] = mapped_column(String(300))  # e.g. "no article with this address", "HTTP 404"
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped["Article"] = relationship()  # noqa: F821


class LinkCheckRun(db.Model):
    """One run of `flask kb check-links`, so "checked, nothing broken" differs from "never checked"."""

    __tablename__ = "link_check_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    finished_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    articles: Mapped[int] = mapped_column(default=0)
    links: Mapped[int] = mapped_column(default=0)
    broken: Mapped[int] = mapped_column(default=0)
    external: Mapped[bool] = mapped_column(default=False)  # outside addresses were asked too
