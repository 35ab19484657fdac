"""Help-center content: categories, articles, immutable revisions, tags, redirects, page views."""
from datetime import date, datetime, timezone

from sqlalchemy import JSON, Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

KINDS = ("article", "faq", "tutorial", "troubleshooter")
STATUSES = ("draft", "in_review", "published", "archived")


def utcnow():
    """Timezone-aware now in UTC (stored naive-UTC by SQLite, aware by PostgreSQL)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


article_tags = Table(
    "article_tags",
    db.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)

# Related articles a writer picked by hand; shown before the ones that merely share tags.
article_related = Table(
    "article_related",
    db.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("related_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class Category(db.Model):
    """A group of articles shown on the home page; may sit under a parent category."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    icon: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[int] = mapped_column(default=0)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    parent: Mapped["Category | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Category"]] = relationship(back_populates="parent", order_by="Category.position")
    articles: Mapped[list["Article"]] = relationship(back_populates="category")

    def __repr__(self):
        return f"<Category {self.slug}>"


class Tag(db.Model):
    """A free label shared by articles; shared tags make articles related."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)


class Article(db.Model):
    """A piece of help content of one kind; its text lives in revisions."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="article", index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # The revision shown to the public, and the newest revision (they differ while an edit is staged).
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, ondelete="SET NULL")
    )
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]
    # Writers' workspace: who looks after it, when it must be checked again, and the staged edit's state
    # (None, "draft" or "in_review") while a published article has a newer revision than the public one.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    review_by: Mapped[date | None] = mapped_column(Date)
    staged_status: Mapped[str | None] = mapped_column(String(20))
    # Scheduled changes, applied by the app (on requests and by `flask kb tick`) once their time has come.
    publish_at: Mapped[datetime | None]
    publish_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, ondelete="SET NULL")
    )
    archive_at: Mapped[datetime | None]

    category: Mapped[Category] = relationship(back_populates="articles")
    tags: Mapped[list[Tag]] = relationship(secondary=article_tags, order_by=Tag.name)
    revisions: Mapped[list["Revision"]] = relationship(
        back_populates="article", foreign_keys="Revision.article_id", order_by="Revision.id",
        cascade="all, delete-orphan", passive_deletes=True,
    )
    published_revision: Mapped["Revision | None"] = relationship(foreign_keys=[published_revision_id], post_update=True)
    current_revision: Mapped["Revision | None"] = relationship(foreign_keys=[current_revision_id], post_update=True)
    redirects: Mapped[list["Redirect"]] = relationship(back_populates="article", cascade="all, delete-orphan")
    owner: Mapped["User | None"] = relationship(foreign_keys=[owner_id])  # noqa: F821  (app.auth.models)
    publish_revision: Mapped["Revision | None"] = relationship(foreign_keys=[publish_revision_id], post_update=True)
    related: Mapped[list["Article"]] = relationship(
        secondary=article_related,
        primaryjoin=lambda: Article.id == article_related.c.article_id,
        secondaryjoin=lambda: Article.id == article_related.c.related_id,
        order_by=lambda: article_related.c.position,
    )

    @property
    def is_public(self):
        """True when anonymous visitors may see it."""
        return self.status == "published" and self.published_revision_id is not None

    @property
    def has_staged_edit(self):
        """True when a published article has a newer revision than the public one."""
        return self.is_public and self.current_revision_id not in (None, self.published_revision_id)

    @property
    def edit_status(self):
        """The workflow state of the newest revision: the staged edit's while one exists, else the article's."""
        return (self.staged_status or "draft") if self.has_staged_edit else self.status

    @property
    def title(self):
        """The title readers see (the published revision's, else the newest), or the slug."""
        revision = self.published_revision or self.current_revision
        return revision.title if revision else self.slug

    def __repr__(self):
        return f"<Article {self.slug}>"


class Revision(db.Model):
    """An immutable snapshot of an article's text; edits always add a new one."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # Kind-specific settings, e.g. a tutorial's time, difficulty and prerequisites ({} for most).
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="revisions", foreign_keys=[article_id])
    author: Mapped["User | None"] = relationship()  # noqa: F821  (app.auth.models)

    def same_text(self, title, summary, body, meta=None):
        """True when the given text (and settings) equal this revision's."""
        return (self.title, self.summary, self.body, self.meta or {}) == (title, summary, body, meta or {})


@event.listens_for(Revision, "before_update")
def _revisions_are_immutable(mapper, connection, target):
    raise ValueError("Revisions are immutable: create a new revision instead of editing one.")


class Redirect(db.Model):
    """An old article slug that now points to an article (301)."""

    __tablename__ = "redirects"

    id: Mapped[int] = mapped_column(primary_key=True)
    old_slug: Mapped[str] = mapped_column(String(160), unique=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="redirects")


class PageView(db.Model):
    """Views of an article revision by one visitor on one day (visitor = keyed hash, never an IP)."""

    __tablename__ = "page_views"
    __table_args__ = (UniqueConstraint("article_id", "revision_id", "day", "visitor_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id", ondelete="SET NULL"))
    day: Mapped[date] = mapped_column(Date, index=True)
    visitor_key: Mapped[str] = mapped_column(String(32))
    views: Mapped[int] = mapped_column(Integer, default=1)


class ContentVersion(db.Model):
    """A single counter bumped by every content change; app workers compare it to drop cached pages."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
