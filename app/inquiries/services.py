"""Inquiries: validating the form, opening an inquiry with a unique reference, the workflow, surveys."""
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select, text

from app.extensions import db
from app.inquiries import attachments, notify, sla
from app.inquiries.models import (CHANNELS, PRIORITIES, STATUSES, TRANSITIONS, USER_TYPES, Attachment, Inquiry,
                                  InquiryEvent, InquiryLink, Survey)
from app.kb.models import utcnow

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9+()./ -]{5,40}$")
LIMITS = {"name": 120, "email": 254, "phone": 40, "user_ref": 80, "location": 120, "subject": 200,
          "description": 10_000}


class InquiryError(ValueError):
    """A workflow step that is not allowed; the message is for the person who tried it."""


@dataclass
class Submission:
    """A validated form: clean values, accepted files [(mime, stored name, original name, bytes)], errors."""

    values: dict = field(default_factory=dict)
    files: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)

    @property
    def ok(self):
        """True when nothing needs fixing."""
        return not self.errors


def categories():
    """{code: label} of inquiry categories (configurable)."""
    return current_app.config["INQUIRY_CATEGORIES"]


def validate(form, files=(), staff=False):
    """Check the form fields and attachments; every problem is reported against its field."""
    config = current_app.config
    values = {key: " ".join(str(form.get(key, "")).replace("\x00", "").split()) for key in LIMITS}
    values["description"] = str(form.get("description", "")).replace("\x00", "").replace("\r\n", "\n").strip()
    values["user_type"] = form.get("user_type", "")
    values["category"] = form.get("category", "")
    values["channel"] = form.get("channel", "portal") if staff else "portal"
    errors = {}
    for key in ("name", "email", "subject", "description"):
        if not values[key]:
            errors[key] = {"name": "Please tell us your name.", "email": "We need your e-mail address to reply.",
                           "subject": "Please add a short subject.",
                           "description": "Please describe what happened."}[key]
    for key, limit in LIMITS.items():
        if key not in errors and len(values[key]) > limit:
            errors[key] = f"Please keep this under {limit:,} characters (it has {len(values[key]):,})."
    if values["email"] and "email" not in errors and not EMAIL.match(values["email"]):
        errors["email"] = "That e-mail address does not look right (it should look like name@example.com)."
    if values["phone"] and "phone" not in errors and not PHONE.match(values["phone"]):
        errors["phone"] = "Use digits, spaces and + ( ) - only, or leave the phone number empty."
    if values["user_type"] not in USER_TYPES:
        errors["user_type"] = "Please choose who you are."
    if values["category"] not in categories():
        errors["category"] = "Please choose a category."
    if values["channel"] not in CHANNELS:
        errors["channel"] = "Please choose a channel."
    submission = Submission(values=values, errors=errors)
    uploads = [f for f in files if f and getattr(f, "filename", "")]
    if len(uploads) > config["INQUIRY_MAX_ATTACHMENTS"]:
        errors["attachments"] = f"You can attach at most {config['INQUIRY_MAX_ATTACHMENTS']} files."
        for upload in uploads:
            upload.close()
        return submission
    problems = []
    for upload in uploads:
        data = upload.read(config["INQUIRY_MAX_ATTACHMENT_BYTES"] + 1)
        upload.close()  # a large upload is a temporary file: give it back now
        try:
            mime, stored, original = attachments.check(upload.filename, data, config["INQUIRY_MAX_ATTACHMENT_BYTES"])
        except attachments.AttachmentError as exc:
            problems.append(str(exc))
        else:
            submission.files.append((mime, stored, original, data))
    if problems:
        errors["attachments"] = " ".join(problems) + " Please choose the files again."
    return submission


def next_reference(now=None):
    """PREFIX-YYMM-NNNN, numbered per month; one atomic upsert, so parallel requests never share a number."""
    now = now or utcnow()
    month = now.strftime("%y%m")
    number = db.session.execute(text(
        "INSERT INTO inquiry_sequences (month, last) VALUES (:month, 1) "
        "ON CONFLICT (month) DO UPDATE SET last = inquiry_sequences.last + 1 RETURNING last"),
        {"month": month}).scalar_one()
    return f"{current_app.config['INQUIRY_PREFIX']}-{month}-{number:04d}"


def status_token(inquiry):
    """The token of the inquiry's private status link: its reference, signed with a per-inquiry nonce.

    Unguessable without both the app's secret key and the nonce, and regenerated whenever an e-mail
    needs the link, so it never has to be stored.
    """
    secret = str(current_app.config["SECRET_KEY"]).encode()
    signature = hmac.new(secret, f"inquiry-link:{inquiry.reference}:{inquiry.link_nonce}".encode(),
                         hashlib.sha256).hexdigest()[:32]
    return f"{inquiry.reference}.{signature}"


def by_token(token):
    """The inquiry whose private status link carries this token, or None."""
    reference, _, signature = (token or "")[:100].rpartition(".")
    inquiry = by_reference(reference) if reference and signature else None
    if inquiry is None or not hmac.compare_digest(status_token(inquiry), token):
        return None
    return inquiry


def by_reference(reference):
    """The inquiry with this reference number (any case, surrounding spaces ignored), or None."""
    return db.session.execute(select(Inquiry).where(
        Inquiry.reference == (reference or "").strip().upper()[:32])).scalar_one_or_none()


def open_inquiry(submission, context=None, visitor_key="", priority="normal", author=None):
    """Store a validated submission; returns (inquiry, status-link token). Commits."""
    context = dict(context or {})
    now = utcnow()
    first_due, resolution_due = sla.due_times(current_app.config, now, priority)
    values = submission.values
    inquiry = Inquiry(
        reference=next_reference(now), name=values["name"], email=values["email"], phone=values["phone"],
        user_type=values["user_type"], user_ref=values["user_ref"], location=values["location"],
        subject=values["subject"], category=values["category"], description=values["description"],
        channel=values["channel"], priority=priority, status="new", created_at=now,
        first_response_due=first_due, resolution_due=resolution_due, link_nonce=secrets.token_hex(16),
        visitor_key=visitor_key, source_article_id=context.pop("article_id", None),
        source_revision_id=context.pop("revision_id", None), context=context)
    for mime, stored, original, data in submission.files:
        inquiry.attachments.append(Attachment(stored_name=stored, original_name=original, mime_type=mime,
                                              size=len(data), data=data))
    inquiry.events.append(InquiryEvent(kind="created", author_id=getattr(author, "id", None),
                                       by_requester=author is None, public=True,
                                       body=f"Inquiry opened via {CHANNELS[inquiry.channel].lower()}."))
    db.session.add(inquiry)
    db.session.commit()
    return inquiry, status_token(inquiry)


# -- workflow ------------------------------------------------------------------------------------
def _event(inquiry, kind, author=None, body="", old="", new="", public=False, by_requester=False):
    event = InquiryEvent(kind=kind, author_id=getattr(author, "id", None), body=body, old_value=str(old)[:80],
                         new_value=str(new)[:80], public=public, by_requester=by_requester, created_at=utcnow())
    inquiry.events.append(event)
    return event


def change_status(inquiry, status, author=None, note="", by_requester=False):
    """Move along the workflow (TRANSITIONS); InquiryError for a step that is not allowed. Commits."""
    if status not in STATUSES:
        raise InquiryError("Unknown status.")
    if status not in TRANSITIONS[inquiry.status]:
        allowed = ", ".join(STATUSES[s] for s in sorted(TRANSITIONS[inquiry.status])) or "none"
        raise InquiryError(f"An inquiry that is {STATUSES[inquiry.status]} cannot become {STATUSES[status]} "
                           f"(possible: {allowed}).")
    now = utcnow()
    old = inquiry.status
    inquiry.status = status
    if status == "resolved":
        inquiry.resolved_at = now
    elif status == "closed":
        inquiry.closed_at = now
    elif status == "reopened":
        inquiry.reopened_count += 1
        inquiry.resolved_at = inquiry.closed_at = inquiry.confirmed_at = None
    _event(inquiry, "status", author, note, STATUSES[old], STATUSES[status], public=True, by_requester=by_requester)
    db.session.commit()
    if status == "resolved":
        notify.resolved(inquiry)


def reply(inquiry, author, body):
    """A public reply to the requester (the first one meets the first-response target). Commits."""
    body = (body or "").strip()
    if not body:
        raise InquiryError("Write the reply first.")
    if inquiry.first_response_at is None:
        inquiry.first_response_at = utcnow()
    _event(inquiry, "reply", author, body, public=True)
    db.session.commit()
    notify.reply_sent(inquiry, body)


def add_note(inquiry, author, body, kind="note"):
    """An internal note or action step (staff only). Commits."""
    body = (body or "").strip()
    if not body:
        raise InquiryError("Write the note first.")
    _event(inquiry, kind, author, body)
    db.session.commit()


def assign(inquiry, author, user):
    """Give the inquiry to a staff member (or nobody). Commits."""
    old = inquiry.assignee.display_name if inquiry.assignee else "nobody"
    inquiry.assignee_id = getattr(user, "id", None)
    inquiry.assignee = user
    _event(inquiry, "assignment", author, "", old, user.display_name if user else "nobody")
    db.session.commit()


def set_priority(inquiry, author, priority):
    """Change the priority; the SLA due times follow it. Commits."""
    if priority not in PRIORITIES:
        raise InquiryError("Unknown priority.")
    old = inquiry.priority
    inquiry.priority = priority
    inquiry.first_response_due, inquiry.resolution_due = sla.due_times(current_app.config, inquiry.created_at, priority)
    _event(inquiry, "priority", author, "", PRIORITIES[old], PRIORITIES[priority])
    db.session.commit()


def set_tier(inquiry, author, tier):
    """Escalation tier 1-3. Commits."""
    if tier not in (1, 2, 3):
        raise InquiryError("The tier is 1, 2 or 3.")
    old = inquiry.tier
    inquiry.tier = tier
    _event(inquiry, "tier", author, "", f"Tier {old}", f"Tier {tier}")
    db.session.commit()


def set_resolution(inquiry, author, resolution):
    """The resolution text shown to the requester once resolved. Commits."""
    inquiry.resolution = (resolution or "").strip()[:10_000]
    _event(inquiry, "resolution", author, inquiry.resolution)
    db.session.commit()


def link(inquiry, author, other):
    """Link two inquiries about the same thing. Commits."""
    if other is None or other.id == inquiry.id:
        raise InquiryError("Choose another inquiry's reference number.")
    first, second = sorted((inquiry.id, other.id))
    exists = db.session.execute(select(InquiryLink).where(InquiryLink.inquiry_id == first,
                                                          InquiryLink.linked_id == second)).first()
    if not exists:
        db.session.add(InquiryLink(inquiry_id=first, linked_id=second))
        _event(inquiry, "link", author, "", "", other.reference)
        _event(other, "link", author, "", "", inquiry.reference)
    db.session.commit()


def linked(inquiry):
    """Inquiries linked to this one."""
    rows = db.session.execute(select(InquiryLink).where(
        (InquiryLink.inquiry_id == inquiry.id) | (InquiryLink.linked_id == inquiry.id))).scalars()
    ids = [r.linked_id if r.inquiry_id == inquiry.id else r.inquiry_id for r in rows]
    return db.session.execute(select(Inquiry).where(Inquiry.id.in_(ids)).order_by(Inquiry.id)).scalars().all() if ids else []


# -- the requester ---------------------------------------------------------------------------------
def requester_message(inquiry, body):
    """More information from the requester; a resolved inquiry they write to is reopened. Commits."""
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise InquiryError("Please write your message first.")
    if len(body) > 10_000:
        raise InquiryError(f"Please keep your message under 10,000 characters (it has {len(body):,}).")
    _event(inquiry, "message", None, body, public=True, by_requester=True)
    db.session.commit()


def confirm(inquiry):
    """The requester confirms the resolution. Commits."""
    if inquiry.status not in ("resolved", "closed"):
        raise InquiryError("You can confirm once we have marked the inquiry resolved.")
    if inquiry.confirmed_at is None:
        inquiry.confirmed_at = utcnow()
        _event(inquiry, "confirmed", None, "The requester confirmed the resolution.", public=True, by_requester=True)
        db.session.commit()


def reopen(inquiry, reason=""):
    """The requester says it is not solved after all."""
    if inquiry.status not in ("resolved", "closed"):
        raise InquiryError("This inquiry is still open; add a message instead.")
    change_status(inquiry, "reopened", None, (reason or "").strip()[:2000], by_requester=True)


SURVEY_RANGES = {"csat": (1, 5), "nps": (0, 10), "effort": (1, 7)}


def record_survey(inquiry, form):
    """Store the one survey answer of a resolved inquiry; InquiryError explains what is wrong. Commits."""
    if inquiry.status not in ("resolved", "closed"):
        raise InquiryError("The survey opens once the inquiry is resolved.")
    if inquiry.survey is not None:
        raise InquiryError("You already answered the survey for this inquiry — thank you!")
    answers = {}
    for key, (low, high) in SURVEY_RANGES.items():
        raw = str(form.get(key, "")).strip()
        if not raw:
            if key == "csat":
                raise InquiryError("Please rate how satisfied you are (1 to 5).")
            answers[key] = None
            continue
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise InquiryError(f"Please choose a number from {low} to {high}.")
        answers[key] = int(raw)
    if form.get("resolved") not in ("yes", "no"):
        raise InquiryError("Please tell us whether your issue was resolved.")
    comment = str(form.get("comment", "")).replace("\x00", "").strip()
    if len(comment) > 2000:
        raise InquiryError(f"Please keep your comment under 2,000 characters (it has {len(comment):,}).")
    inquiry.survey = Survey(csat=answers["csat"], nps=answers["nps"], effort=answers["effort"],
                            resolved=form.get("resolved") == "yes", comment=comment)
    _event(inquiry, "survey", None, f"Survey answered: satisfaction {answers['csat']}/5.", by_requester=True)
    db.session.commit()
