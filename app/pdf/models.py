"""Drawn PDFs, kept in the database so every app server shares them and a PDF is drawn once per content."""
from datetime import datetime

from sqlalchemy import JSON, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.kb.models import utcnow


class PdfExport(db.Model):
    """One drawn PDF; ``key`` hashes everything drawn into it (revision ids, titles, template version, settings)."""

    __tablename__ = "pdf_exports"
    __table_args__ = (Index("ix_pdf_exports_subject", "kind", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # article | summary | category | handbook
    subject: Mapped[str] = mapped_column(String(200))  # the article or category slug; "" for the handbook
    filename: Mapped[str] = mapped_column(String(200))
    revision_ids: Mapped[list] = mapped_column(JSON, default=list)  # the revisions drawn into it
    pages: Mapped[int] = mapped_column(default=0)
    size: Mapped[int] = mapped_column(default=0)
    render_ms: Mapped[int] = mapped_column(default=0)  # time WeasyPrint took in the child
    peak_memory_kb: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
