"""Requester pages: the contact form (deflects first), and the private status page of an inquiry."""
from datetime import timedelta

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy import update

from app.core import signals
from app.core.mail import send_mail
from app.core.security import client_key, request_visitor_key, visitor_id
from app.extensions import db, limiter
from app.inquiries import bp, context, services
from app.inquiries.models import STATUSES, USER_TYPES, Deflection
from app.kb.models import utcnow
from app.search import services as search_services

NO_REFERRER = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex", "Cache-Control": "no-store"}


def _suggestions(values):
    """Up to five help articles matching what was typed (shown again after a failed submit)."""
    text = f"{values.get('subject', '')} {values.get('description', '')[:200]}".strip()
    return search_services.search(text, per_page=5).results if text else []


@bp.route("/contact", methods=["GET", "POST"])
def contact():
    """The inquiry form: suggestions first, every field checked, nothing typed is lost."""
    article = context.source_article(request.values.get("article", ""))
    values, errors = {}, {}
    if request.method == "POST":
        limiter.hit("INQUIRY_RATE_LIMIT", "inquiry", key=f"{client_key()}:{visitor_id()}")
        limiter.hit("INQUIRY_CLIENT_RATE_LIMIT", "inquiry-client")
        if request.form.get("website"):  # the honeypot: people never see it
            return redirect(url_for("inquiries.contact"), 303)
        submission = services.validate(request.form, request.files.getlist("attachments"))
        if submission.ok:
            return _submit(submission, article)
        values, errors = submission.values, submission.errors
    tree = request.values.get("tree", "")[:20_000]
    return render_template("inquiries/contact.html", values=values, errors=errors, article=article,
                           tree=tree, tree_steps=context.tree_path(tree), user_types=USER_TYPES,
                           categories=services.categories(), suggestions=_suggestions(values) if errors else [],
                           ), 400 if errors else 200


def _submit(submission, article):
    key = request_visitor_key()
    found = context.collect(article, request.form.get("tree", ""), key, visitor_id())
    inquiry, token = services.open_inquiry(submission, found, visitor_key=key)
    # The visitor went on to ask: suggestions they opened today did not deflect this inquiry.
    db.session.execute(update(Deflection).where(Deflection.visitor_key == key,
                                                Deflection.created_at >= utcnow() - timedelta(hours=24))
                       .values(submitted=True))
    db.session.commit()
    status_url = url_for("inquiries.status", token=token, _external=True)
    send_mail(inquiry.email, f"[{inquiry.reference}] We received your inquiry: {inquiry.subject}",
              render_template("inquiries/email/acknowledgement.txt", inquiry=inquiry, status_url=status_url))
    signals.inquiry_created.send(current_app._get_current_object(), inquiry_id=inquiry.id, visitor_key=key)
    return redirect(url_for("inquiries.status", token=token, new=1), 303)


@bp.get("/contact/suggestions")
def suggestions():
    """JSON: up to five articles for what the visitor is typing (not logged as searches: it is not one)."""
    q = " ".join(request.args.get("q", "").split())[:200]
    results = search_services.search(q, per_page=5).results if len(q) >= 3 else []
    return jsonify(results=[{"title": r.article.title,
                             "url": url_for("inquiries.opened_suggestion", slug=r.article.slug, q=q)}
                            for r in results])


@bp.get("/contact/opened/<slug>")
def opened_suggestion(slug):
    """A suggestion on the form was opened: remember it (a deflection unless the visitor submits after all)."""
    article = context.source_article(slug)
    if article is None:
        abort(404)
    db.session.add(Deflection(visitor_key=request_visitor_key(), article_id=article.id,
                              query=" ".join(request.args.get("q", "").split())[:200]))
    db.session.commit()
    return redirect(url_for("kb.article", slug=article.slug), 302)


def _inquiry_or_404(token):
    inquiry = services.by_token(token)
    if inquiry is None:
        abort(404)
    return inquiry


@bp.get("/inquiry/<token>")
def status(token):
    """The requester's private page: status, public replies, and what they can do next."""
    inquiry = _inquiry_or_404(token)
    events = [e for e in inquiry.events if e.public]
    page = render_template("inquiries/status.html", inquiry=inquiry, token=token, events=events,
                           statuses=STATUSES, new=request.args.get("new") == "1",
                           categories=services.categories())
    return page, 200, NO_REFERRER


@bp.post("/inquiry/<token>/<action>")
def status_action(token, action):
    """Add information, confirm the resolution, reopen, or answer the survey."""
    limiter.hit("INQUIRY_CLIENT_RATE_LIMIT", "inquiry-status")
    inquiry = _inquiry_or_404(token)
    done = {"message": "Thanks — your message was added to the inquiry.",
            "confirm": "Thank you for confirming. We're glad it's solved.",
            "reopen": "We reopened your inquiry; the team will get back to you.",
            "survey": "Thank you for answering the survey."}
    if action not in done:
        abort(404)
    try:
        if action == "message":
            services.requester_message(inquiry, request.form.get("body", ""))
        elif action == "confirm":
            services.confirm(inquiry)
        elif action == "reopen":
            services.reopen(inquiry, request.form.get("reason", ""))
        else:
            services.record_survey(inquiry, request.form)
    except services.InquiryError as exc:
        flash(str(exc))
        return render_template("inquiries/status.html", inquiry=inquiry, token=token,
                               events=[e for e in inquiry.events if e.public], statuses=STATUSES,
                               new=False, form=request.form, failed=action,
                               categories=services.categories()), 400, NO_REFERRER
    flash(done[action])
    return redirect(url_for("inquiries.status", token=token), 303)
