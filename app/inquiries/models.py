"""Support inquiries: the form's fields, captured context, timeline, attachments, surveys, deflections."""
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.kb.models import utcnow

USER_TYPES = {
    "public": "General public",
    "registered": "Registered user",
    "advertiser": "Advertiser",
    "organization": "Organization",
    "partner": "Partner",
}
CHANNELS = {
    "portal": "Support portal",
    "email": "E-mail",
    "phone": "Phone",
    "chat": "Live chat",
    "social": "Social media",
    "in_person": "In person",
}
PRIORITIES = {"low": "Low", "normal": "Normal", "high": "High", "urgent": "Urgent"}
STATUSES = {
    "new": "New",
    "in_progress": "In progress",
    "escalated": "Escalated",
    "resolved": "Resolved",
    "closed": "Closed",
    "reopened": "Reopened",
}
# Which status may follow which (anything else is refused with a message).
TRANSITIONS = {
    "new": {"in_progress", "escalated", "resolved", "closed"},
    "in_progress": {"escalated", "resolved"},
    "escalated": {"in_progress", "resolved"},
    "resolved": {"closed", "reopened"},
    "closed": {"reopened"},
    "reopened": {"in_progress", "escalated", "resolved"},
}
OPEN_STATUSES = ("new", "in_progress", "escalated", "reopened")


class Inquiry(db.Model):
    """One support inquiry, from the public form or logged by staff, with its context and workflow state."""

    __tablename__ = "inquiries"
    __table_args__ = (Index("ix_inquiries_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)  # PREFIX-YYMM-NNNN
    # the requester, as the team's inquiry template asks
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    user_type: Mapped[str] = mapped_column(String(20))
    user_ref: Mapped[str] = mapped_column(String(80), default="")  # their user ID with us, if any
    location: Mapped[str] = mapped_column(String(120), default="")
    subject: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40), index=True)
    description: Mapped[str] = mapped_column(Text)
    # workflow
    channel: Mapped[str] = mapped_column(String(20), default="portal")
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    status: Mapped[str] = mapped_column(String(20), default="new")
    tier: Mapped[int] = mapped_column(Integer, default=1)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    resolution: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    first_response_due: Mapped[datetime | None] = mapped_column()
    resolution_due: Mapped[datetime | None] = mapped_column()
    first_response_at: Mapped[datetime | None] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    confirmed_at: Mapped[datetime | None] = mapped_column()  # the requester confirmed the resolution
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    # the private status link is <reference>.<HMAC of reference and this random nonce> (see services)
    link_nonce: Mapped[str] = mapped_column(String(32))
    # context captured when the visitor came from self-service
    visitor_key: Mapped[str] = mapped_column(String(64), default="")
    source_article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    source_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id", ondelete="SET NULL"))
    context: Mapped[dict] = mapped_column(JSON, default=dict)  # searches, tree path, vote, ...

    source_article = relationship("Article", lazy="joined")
    assignee = relationship("User", lazy="joined")
    attachments = relationship("Attachment", back_populates="inquiry", cascade="all, delete-orphan",
                               order_by="Attachment.id")
    events = relationship("InquiryEvent", back_populates="inquiry", cascade="all, delete-orphan",
                          order_by="InquiryEvent.id")
    survey = relationship("Survey", back_populates="inquiry", uselist=False, cascade="all, delete-orphan")

    @property
    def is_open(self):
        """True until the inquiry is resolved or closed."""
        return self.status in OPEN_STATUSES


class InquirySequence(db.Model):
    """The last reference number handed out in a month (one row per YYMM)."""

    __tablename__ = "inquiry_sequences"

    month: Mapped[str] = mapped_column(String(4), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Attachment(db.Model):
    """A file sent with an inquiry, kept in the database under a generated name."""

    __tablename__ = "inquiry_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    mime_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    inquiry = relationship("Inquiry", back_populates="attachments")


class InquiryEvent(db.Model):
    """One line of the append-only timeline: note, reply, status, assignment, priority, tier, link, message."""

    __tablename__ = "inquiry_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    by_requester: Mapped[bool] = mapped_column(Boolean, default=False)
    public: Mapped[bool] = mapped_column(Boolean, default=False)  # shown on the requester's status page
    body: Mapped[str] = mapped_column(Text, default="")
    old_value: Mapped[str] = mapped_column(String(80), default="")
    new_value: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    inquiry = relationship("Inquiry", back_populates="events")
    author = relationship("User", lazy="joined")


class InquiryLink(db.Model):
    """Two inquiries about the same thing (stored once, smaller id first)."""

    __tablename__ = "inquiry_links"
    __table_args__ = (UniqueConstraint("inquiry_id", "linked_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), index=True)
    linked_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), index=True)


class Survey(db.Model):
    """The requester's answer after resolution: CSAT 1-5, resolved?, comment, optional NPS 0-10 and effort 1-7."""

    __tablename__ = "inquiry_surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"), unique=True)
    csat: Mapped[int] = mapped_column(Integer)
    resolved: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    nps: Mapped[int | None] = mapped_column(Integer)
    effort: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    inquiry = relationship("Inquiry", back_populates="survey")


class Deflection(db.Model):
    """A help article suggested on the contact form and opened; ``submitted`` tells whether the visitor went on."""

    __tablename__ = "inquiry_deflections"

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_key: Mapped[str] = mapped_column(String(64), index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    query: Mapped[str] = mapped_column(String(200), default="")
    submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
