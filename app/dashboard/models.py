"""The content backlog: search gaps a support lead turned into things to write."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.kb.models import utcnow

BACKLOG_STATUSES = {"open": "Open", "planned": "Planned", "writing": "Writing", "done": "Done",
                    "wont_do": "Won’t do"}
CLOSED_STATUSES = ("done", "wont_do")


class BacklogItem(db.Model):
    """Something to write (or fix) because visitors searched for it and did not find it."""

    __tablename__ = "backlog_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)  # BACKLOG_STATUSES
    gap_key: Mapped[str] = mapped_column(String(200), index=True)  # the normalized query the gap is grouped by
    queries: Mapped[list] = mapped_column(JSON, default=list)  # every spelling grouped into the gap
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()

    article: Mapped["Article | None"] = relationship()  # noqa: F821  (app.kb.models)
    created_by: Mapped["User | None"] = relationship()  # noqa: F821  (app.auth.models)

    @property
    def status_label(self):
        """"Won’t do" for "wont_do"."""
        return BACKLOG_STATUSES.get(self.status, self.status)
