"""Visitors' votes and topic requests; staff moderation of comments and topic requests."""
from flask import abort, flash, jsonify, redirect, render_template, request, session, url_for

from app.auth.access import roles_required
from app.core.security import client_key, is_safe_next, valid_public_form_token, visitor_id
from app.extensions import csrf, limiter
from plugins.feedback import bp, contact_url_for, plugin, services
from plugins.feedback.models import REASONS, TOPIC_STATES
from plugins.feedback.screening import mask_contacts

LEADS = ("lead", "admin")


def _visitor_key():
    """The voter key of this visitor (from the random id in their signed visitor cookie)."""
    return services.voter_key(visitor_id())


def _wants_json():
    return request.accept_mimetypes.best == "application/json" or request.headers.get("X-Requested-With") == "fetch"


def _back(article, anchor):
    target = request.form.get("next", "")
    if not is_safe_next(target):
        target = url_for("kb.article", slug=article.slug) \
            if article is not None else url_for("kb.index")
    return f"{target.split('#')[0]}#{anchor}"


@bp.post("/articles/<int:article_id>/vote")
@csrf.exempt  # the widget sits on pages cached for everyone: it carries a public form token instead
def vote(article_id):
    """Record (or change) this visitor's vote, then thank them; JSON for the inline widget."""
    if not valid_public_form_token(request.form.get("csrf_token")):
        if _wants_json():
            return jsonify(ok=False, field="", message="This page has expired; please reload it and vote again."), 400
        abort(400, description="The form has expired. Please reload the page and try again.")
    # Per visitor and page (a burst from one browser), per address and page (a scripted flood that
    # drops its cookies), per address overall. An office behind one address is not one visitor.
    limiter.hit(None, f"feedback-vote-{article_id}", key=f"{client_key()}:{_visitor_key()}",
                rate=plugin.setting("vote_rate_limit"))
    limiter.hit(None, f"feedback-page-{article_id}", rate=plugin.setting("page_rate_limit"))
    limiter.hit(None, "feedback-votes", rate=plugin.setting("client_rate_limit"))
    anchor = request.form.get("anchor", "feedback")
    anchor = anchor if anchor.replace("-", "").replace("_", "").isalnum() else "feedback"
    try:
        entry = services.clean_vote(article_id, request.form.get("revision_id"), request.form.get("helpful"),
                                    request.form.get("reason"), request.form.get("comment"),
                                    plugin.setting("comment_max_chars"))
    except services.FeedbackError as exc:
        if _wants_json():
            return jsonify(ok=False, field=exc.field, message=str(exc)), 400
        article = services.public_article(article_id)
        if article is None:
            abort(404)
        flash(str(exc))
        session["feedback_followup"] = {"article_id": article_id, "helpful": request.form.get("helpful") == "yes",
                                        "comment": (request.form.get("comment") or "")[:2000],
                                        "reason": request.form.get("reason") or "", "error": str(exc)}
        return redirect(_back(article, anchor), 303)
    saved = services.cast_vote(entry, _visitor_key(), plugin.setting("flag_words"))
    followup = "comment" not in request.form  # the first click: ask why (No) or for a comment (Yes)
    message = "Thanks for your feedback!" if followup else "Thank you — your feedback was sent."
    if _wants_json():
        return jsonify(ok=True, helpful=saved.helpful, followup=followup, message=message,
                       contact_url=_contact_url(saved.article) if not saved.helpful else None)
    flash(message)
    if followup:
        session["feedback_followup"] = {"article_id": article_id, "helpful": saved.helpful}
    else:
        session.pop("feedback_followup", None)
        if not saved.helpful:
            session["feedback_followup"] = {"article_id": article_id, "helpful": False, "done": True}
    return redirect(_back(saved.article, anchor), 303)


def _contact_url(article):
    return contact_url_for(article)


@bp.route("/suggest", methods=["GET", "POST"])
def suggest_topic():
    """"Suggest a topic": what the visitor was looking for, and an optional e-mail for a reply."""
    values = {"text": request.values.get("text", ""), "email": request.values.get("email", ""),
              "q": request.values.get("q", "")[:200]}
    error = None
    if request.method == "POST":
        limiter.hit(None, "feedback-topic", rate=plugin.setting("topic_rate_limit"))
        if request.form.get("website"):  # honeypot: people leave it empty
            return redirect(url_for("feedback.topic_thanks"), 303)
        try:
            services.request_topic(values["text"], values["email"], values["q"], _visitor_key())
        except services.FeedbackError as exc:
            error = exc
        else:
            return redirect(url_for("feedback.topic_thanks"), 303)
    if not values["text"] and values["q"] and request.method == "GET":
        values["text"] = values["q"]
    return render_template("feedback/suggest.html", values=values, error=error), 400 if error else 200


@bp.get("/suggest/thanks")
def topic_thanks():
    """After a topic request."""
    return render_template("feedback/suggest_thanks.html")


# -- staff -----------------------------------------------------------------------------------------
@bp.get("/moderation")
@roles_required(*LEADS)
def moderation():
    """Flagged comments waiting for approve / hide / delete."""
    return render_template("feedback/moderation.html", queue=services.moderation_queue(), reasons=REASONS,
                           mask=mask_contacts)


@bp.post("/moderation/<int:vote_id>")
@roles_required(*LEADS)
def moderate(vote_id):
    """Apply a moderation decision."""
    try:
        services.moderate(vote_id, request.form.get("action", ""))
        flash({"approve": "Comment approved.", "hide": "Comment hidden.", "delete": "Comment deleted."}
              [request.form["action"]])
    except services.FeedbackError as exc:
        flash(str(exc))
    return redirect(url_for("feedback.moderation"), 303)


@bp.get("/topics")
@roles_required(*LEADS)
def topics():
    """Topic requests with their status."""
    status = request.args.get("status", "")
    status = status if status in TOPIC_STATES else ""
    return render_template("feedback/topics.html", topics=services.topic_requests(status or None),
                           status=status, states=TOPIC_STATES, mask=mask_contacts)


@bp.post("/topics/<int:topic_id>")
@roles_required(*LEADS)
def topic_status(topic_id):
    """Change a topic request's status."""
    try:
        topic = services.set_topic_status(topic_id, request.form.get("status", ""))
        flash(f"Topic request #{topic.id} is now {topic.status}.")
    except services.FeedbackError as exc:
        flash(str(exc))
    return redirect(url_for("feedback.topics", status=request.form.get("filter", "")), 303)


def render_moderation_panel():
    """Dashboard panel: how many comments wait, and the oldest few."""
    queue = services.moderation_queue(limit=5)
    return render_template("feedback/_moderation_panel.html", queue=queue, mask=mask_contacts)
