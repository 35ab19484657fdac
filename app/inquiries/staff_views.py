"""Staff pages (leads and admins only): the queue, one inquiry with its workflow forms, downloads, logging by hand."""
import io
import smtplib
import unicodedata
from dataclasses import dataclass, field

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import roles_required
from app.core.mail import send_mail
from app.core.plugins import add_feature_dashboard_source, add_feature_panel
from app.extensions import db
from app.inquiries import bp, dashboard, queue, services, sla
from app.inquiries.models import CHANNELS, PRIORITIES, STATUSES, TRANSITIONS, USER_TYPES, Attachment
from app.kb.models import Article, Revision, utcnow

STAFF = queue.STAFF_ROLES
# Served with their own type; anything else is downloaded as bytes (the upload check never lets HTML or SVG in).
DOWNLOAD_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain")
HAND_CHANNELS = {code: label for code, label in CHANNELS.items() if code != "portal"}
MAX_TEXT = 10_000
STEP_ANCHORS = {"status": "status-form", "reply": "reply-form", "note": "note-form", "action": "note-form",
                "assign": "workflow", "priority": "workflow", "tier": "workflow", "resolution": "resolution-form",
                "link": "links"}


@bp.record_once
def _setup(state):
    """Per app: the dashboard panel and the leads' dashboard figures."""
    add_feature_panel(state.app, "inquiries", "queue", "Inquiries", render_panel, roles=STAFF,
                      url=lambda: url_for("inquiries.staff_queue"), order=5)
    add_feature_dashboard_source(state.app, "inquiries", "figures", overview=dashboard.overview,
                                 article=dashboard.article)


@bp.app_template_global()
def inquiries_citing(article_id):
    """Jinja global: how many inquiries were sent from this article (call it only for leads and admins)."""
    return queue.citing_count(article_id)


@bp.after_request
def _never_cache_staff_pages(response):
    """Staff pages show personal data: no shared or browser cache keeps them."""
    if request.endpoint and request.endpoint.startswith("inquiries.staff_"):
        response.headers["Cache-Control"] = "private, no-store"
    return response


def render_panel():
    """Dashboard panel: open inquiries, SLA breaches among them, the oldest one still waiting for a reply."""
    now = utcnow()
    return render_template("inquiries/staff/_panel.html", summary=queue.summary(now), now=now,
                           duration=queue.duration_text)


# -- the queue ---------------------------------------------------------------------------------------------
@bp.get("/staff/inquiries")
@roles_required(*STAFF)
def staff_queue():
    """Every inquiry, newest first, 50 a page; filters; an exact reference number opens that inquiry."""
    lookup = request.args.get("q", "").strip()
    if lookup:
        found = services.by_reference(lookup)
        if found is not None:
            return redirect(url_for("inquiries.staff_inquiry", reference=found.reference))
    now = utcnow()
    form = {key: request.args.get(key, "").strip()[:100] for key in
            ("status", "category", "priority", "channel", "assignee", "breached", "from", "to", "article", "q")}
    context = {"form": form, "statuses": STATUSES, "priorities": PRIORITIES, "channels": CHANNELS,
               "categories": services.categories(), "staff": queue.assignable_staff(), "now": now}
    try:
        filters = queue.parse_filters(request.args, services.categories())
    except queue.FilterError as error:
        return render_template("inquiries/staff/queue.html", errors=error.errors, page=None, rows=[],
                               filters=None, **context), 400
    page = queue.search(filters, now, page=request.args.get("page", 1, type=int))
    rows = [(inquiry, sla.state(inquiry, now)) for inquiry in page.items]
    article = None
    if filters.article is not None:
        article = db.session.get(Article, filters.article)
    return render_template("inquiries/staff/queue.html", errors={}, page=page, rows=rows, filters=filters,
                           article=article, **context)


# -- one inquiry -------------------------------------------------------------------------------------------
def _inquiry_or_404(reference):
    inquiry = services.by_reference(reference)
    if inquiry is None:
        abort(404)
    return inquiry


@dataclass
class CapturedContext:
    """The inquiry's context JSON, in shapes a template can rely on whatever was stored."""

    searches: list = field(default_factory=list)
    tree_path: list = field(default_factory=list)  # [(node, answer)]
    vote: dict | None = None  # {"helpful": bool | None, "reason": str, "revision_id": int | None}
    other: dict = field(default_factory=dict)  # keys this page does not know, shown as text

    @property
    def empty(self):
        """True when the visit left nothing to show."""
        return not (self.searches or self.tree_path or self.vote or self.other)


def captured_context(raw):
    """Normalise an inquiry's context JSON (older or plugin-made entries may have other shapes)."""
    raw = raw if isinstance(raw, dict) else {}
    found = CapturedContext()
    searches = raw.get("searches")
    if isinstance(searches, list):
        found.searches = [str(query) for query in searches if str(query).strip()]
    path = raw.get("tree_path")
    if isinstance(path, list):
        found.tree_path = [(str(step.get("node", "")), str(step.get("answer", ""))) if isinstance(step, dict)
                           else (str(step), "") for step in path]
    vote = raw.get("vote")
    if isinstance(vote, dict):
        helpful = vote.get("helpful")
        found.vote = {"helpful": helpful if isinstance(helpful, bool) else None,
                      "reason": str(vote.get("reason_label") or vote.get("reason") or "").replace("_", " "),
                      "revision_id": vote.get("revision_id")}
    found.other = {str(key): value for key, value in raw.items() if key not in ("searches", "tree_path", "vote")}
    return found


def _render_inquiry(inquiry, typed=None, failed="", status_code=200):
    """The inquiry page; after a refused step the typed text goes back into that step's form."""
    now = utcnow()
    order = list(STATUSES)
    revision = db.session.get(Revision, inquiry.source_revision_id) if inquiry.source_revision_id else None
    resolution_time = queue.duration_text(inquiry.resolved_at - inquiry.created_at) if inquiry.resolved_at else ""
    page = render_template(
        "inquiries/staff/inquiry.html", inquiry=inquiry, now=now, state=sla.state(inquiry, now),
        context=captured_context(inquiry.context), revision=revision, linked=services.linked(inquiry),
        next_statuses=sorted(TRANSITIONS[inquiry.status], key=order.index), statuses=STATUSES,
        priorities=PRIORITIES, channels=CHANNELS, user_types=USER_TYPES, categories=services.categories(),
        staff=queue.assignable_staff(), resolution_time=resolution_time, duration=queue.duration_text,
        typed=typed or {}, failed=failed)
    return page, status_code


@bp.get("/staff/inquiries/<reference>")
@roles_required(*STAFF)
def staff_inquiry(reference):
    """One inquiry: captured context, the requester's fields, workflow state and forms, the timeline."""
    return _render_inquiry(_inquiry_or_404(reference))


def _text(form, key, label):
    """A text field, trimmed; InquiryError when it is longer than MAX_TEXT."""
    text = str(form.get(key, "")).replace("\x00", "").replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise services.InquiryError(f"Please keep the {label} under {MAX_TEXT:,} characters (it has {len(text):,}).")
    return text


def _step_status(inquiry, form):
    services.change_status(inquiry, form.get("status", ""), current_user, note=_text(form, "note", "note"))
    return f"Status changed to {STATUSES[inquiry.status]}."


def _step_reply(inquiry, form):
    services.reply(inquiry, current_user, _text(form, "body", "reply"))  # also e-mails the requester
    return f"Reply sent to {inquiry.email} and shown on their status page."


def _step_note(inquiry, form):
    services.add_note(inquiry, current_user, _text(form, "body", "note"), kind="note")
    return "Internal note added."


def _step_action(inquiry, form):
    services.add_note(inquiry, current_user, _text(form, "body", "action step"), kind="action")
    return "Action step recorded."


def _step_assign(inquiry, form):
    choice = form.get("assignee", "")
    user = None
    if choice:
        user = next((u for u in queue.assignable_staff() if str(u.id) == choice), None)
        if user is None:
            raise services.InquiryError("Choose a lead or admin from the list.")
    if inquiry.assignee_id == getattr(user, "id", None):
        return "The assignee is unchanged."
    services.assign(inquiry, current_user, user)
    return f"Assigned to {user.display_name}." if user else "The inquiry is now unassigned."


def _step_priority(inquiry, form):
    priority = form.get("priority", "")
    if priority == inquiry.priority:
        return "The priority is unchanged."
    services.set_priority(inquiry, current_user, priority)
    return f"Priority set to {PRIORITIES[priority]}; the SLA due times follow it."


def _step_tier(inquiry, form):
    raw = form.get("tier", "")
    if not raw.isdigit():
        raise services.InquiryError("The tier is 1, 2 or 3.")
    if int(raw) == inquiry.tier:
        return "The tier is unchanged."
    services.set_tier(inquiry, current_user, int(raw))
    return f"Moved to tier {inquiry.tier}."


def _step_resolution(inquiry, form):
    services.set_resolution(inquiry, current_user, _text(form, "resolution", "resolution"))
    return "Resolution saved." if inquiry.resolution else "Resolution cleared."


def _step_link(inquiry, form):
    reference = str(form.get("reference", "")).strip()
    if not reference:
        raise services.InquiryError("Type the reference number of the inquiry to link.")
    other = services.by_reference(reference)
    if other is None:
        raise services.InquiryError(f"There is no inquiry “{reference[:40]}”.")
    services.link(inquiry, current_user, other)
    return f"Linked with {other.reference}."


STEPS = {"status": _step_status, "reply": _step_reply, "note": _step_note, "action": _step_action,
         "assign": _step_assign, "priority": _step_priority, "tier": _step_tier, "resolution": _step_resolution,
         "link": _step_link}


@bp.post("/staff/inquiries/<reference>/<step>")
@roles_required(*STAFF)
def staff_update(reference, step):
    """One workflow step (status, reply, note, action, assign, priority, tier, resolution, link)."""
    inquiry = _inquiry_or_404(reference)
    if step not in STEPS:
        abort(404)
    try:
        message = STEPS[step](inquiry, request.form)
    except services.InquiryError as error:
        db.session.rollback()
        flash(str(error))
        # Rendered, not redirected, so what was typed is still in the form.
        return _render_inquiry(inquiry, typed=request.form, failed=step, status_code=400)
    flash(message)
    return redirect(url_for("inquiries.staff_inquiry", reference=inquiry.reference, _anchor=STEP_ANCHORS[step]), 303)


# -- attachments -------------------------------------------------------------------------------------------
def download_name(original):
    """The original file name without control characters (which a header cannot carry)."""
    name = "".join(ch for ch in original if unicodedata.category(ch)[0] != "C").strip()
    return name or "attachment"


@bp.get("/staff/inquiries/<reference>/attachments/<stored_name>")
@roles_required(*STAFF)
def staff_attachment(reference, stored_name):
    """Download one attachment, always as a file (never shown inline)."""
    inquiry = _inquiry_or_404(reference)
    attachment = db.session.execute(select(Attachment).where(
        Attachment.inquiry_id == inquiry.id, Attachment.stored_name == stored_name)).scalar_one_or_none()
    if attachment is None:
        abort(404)
    mimetype = attachment.mime_type if attachment.mime_type in DOWNLOAD_TYPES else "application/octet-stream"
    # send_file adds "; charset=utf-8" to text/plain (the upload check accepted only UTF-8 text) and writes
    # filename= (ASCII) plus filename*= (RFC 5987, UTF-8) for names outside ASCII.
    response = send_file(io.BytesIO(attachment.data), mimetype=mimetype, as_attachment=True,
                         download_name=download_name(attachment.original_name), conditional=False, etag=False,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# -- logging an inquiry by hand --------------------------------------------------------------------------
@bp.route("/staff/inquiries/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def staff_new():
    """Log an inquiry that came by e-mail, phone, chat, social media or in person."""
    values = {"channel": "email", "priority": "normal", "user_type": "public", "acknowledge": "yes"}
    errors = {}
    if request.method == "POST":
        submission = services.validate(request.form, request.files.getlist("attachments"), staff=True)
        values = {**submission.values, "priority": request.form.get("priority", ""),
                  "acknowledge": request.form.get("acknowledge", "")}
        errors = submission.errors
        if values["channel"] not in HAND_CHANNELS:
            errors["channel"] = "Choose the channel the inquiry came through (portal inquiries arrive by themselves)."
        if values["priority"] not in PRIORITIES:
            errors["priority"] = "Choose a priority."
        if not errors:
            return _log_by_hand(submission, values["priority"], acknowledge=values["acknowledge"] == "yes")
    return render_template("inquiries/staff/new.html", values=values, errors=errors, channels=HAND_CHANNELS,
                           priorities=PRIORITIES, user_types=USER_TYPES, categories=services.categories(),
                           ), 400 if errors else 200


def _log_by_hand(submission, priority, acknowledge):
    """Open the inquiry, optionally e-mail the requester their status link, and go to the inquiry."""
    inquiry, token = services.open_inquiry(submission, {}, priority=priority, author=current_user)
    status_url = url_for("inquiries.status", token=token, _external=True)
    sent = False
    if acknowledge:
        try:
            send_mail(inquiry.email, f"[{inquiry.reference}] We received your inquiry: {inquiry.subject}",
                      render_template("inquiries/email/acknowledgement.txt", inquiry=inquiry, status_url=status_url))
            sent = True
        except (OSError, smtplib.SMTPException) as error:
            current_app.logger.warning("Acknowledgement of %s not e-mailed: %s", inquiry.reference, error)
    if sent:
        flash(f"Inquiry {inquiry.reference} logged; {inquiry.email} was sent its status link.")
    else:
        # Someone on the phone or at the desk can be given the link directly.
        flash(f"Inquiry {inquiry.reference} logged{', but the e-mail could not be sent' if acknowledge else ''}. "
              f"The requester's status link: {status_url}")
    return redirect(url_for("inquiries.staff_inquiry", reference=inquiry.reference), 303)
