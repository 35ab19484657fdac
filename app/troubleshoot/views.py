"""The troubleshooter player: one URL per step, answers as a trail, outcomes posted at a solution."""
import json
from urllib.parse import urlencode

from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from app.core import signals
from app.core.markdown import plain_text, render_markdown
from app.core.security import request_visitor_key, valid_public_form_token
from app.extensions import csrf
from app.kb import services as kb_services
from app.kb.pageviews import buffer_for
from app.troubleshoot import bp, services
from app.troubleshoot.tree import MAX_TRAIL

PARTIAL_HEADER = "X-Tier0-Partial"
FINAL_ANSWERS = {"solved": "Yes, this solved it", "not_solved": "No, this did not solve it",
                 "contact": "Needs support"}


def _troubleshooter(slug):
    """(article, revision) a visitor may play, following old slugs; aborts with 404 or a redirect."""
    article, revision, moved = kb_services.find_readable(slug, current_user.is_authenticated, "troubleshooter")
    if moved:
        abort(redirect(url_for("troubleshoot.start", slug=article.slug), 301))
    if article is None:
        abort(404)
    if article.kind != "troubleshooter":
        abort(redirect(url_for("kb.article", slug=article.slug), 302))
    return article, revision


def _rendered(text):
    return Markup(render_markdown(text).html)  # sanitized by nh3 in render_markdown


def _solution_articles(node):
    """Public articles a solution links to, in the order written (unknown slugs are skipped)."""
    found = (kb_services.get_public_article(slug) for slug in node.articles)
    return [article for article in found if article is not None]


@bp.get("/troubleshoot/<slug>", defaults={"trail": ""})
@bp.get("/troubleshoot/<slug>/<path:trail>")
def start(slug, trail):
    """A troubleshooter at one node: the start, or wherever the answers in the URL lead."""
    article, revision = _troubleshooter(slug)
    tree = services.tree_of(revision)
    ids = services.parse_trail(trail)[:MAX_TRAIL + 1]
    try:
        state = services.player_state(tree, ids)
    except ValueError:  # a link from an older version of the tree: go to the furthest step that still exists
        valid = "/".join(services.longest_valid_trail(tree, ids))
        return redirect(url_for("troubleshoot.start", slug=slug, trail=valid or None, moved=1), 302)
    solved = bool(request.args.get("solved"))
    if not (current_user.is_authenticated or solved):  # the thank-you page is the closed run, not a new visit
        _record_visit(article, revision, state)
    context = dict(article=article, revision=revision, state=state, rendered=_rendered,
                   label=services.node_label, plain_markdown=plain_text, split_question=services.split_question,
                   solution_articles=_solution_articles, moved=bool(request.args.get("moved")),
                   solved=solved, crumbs=kb_services.breadcrumbs(article.category))
    partial = request.headers.get(PARTIAL_HEADER) == "player"
    html = render_template("troubleshoot/_player.html" if partial else "troubleshoot/player.html", **context)
    response = make_response(html)
    response.vary.add(PARTIAL_HEADER)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _record_visit(article, revision, state):
    key = request_visitor_key()
    services.record_visit(article.id, revision.id, key, state)
    if not state.steps:  # the start page counts as a view of the troubleshooter, as an article page would
        buffer_for(current_app).add(article.id, revision.id, key, request.headers.get("User-Agent", ""))


@bp.post("/troubleshoot/<slug>/outcome")
@csrf.exempt  # the player carries a public form token (no session per reader), checked below
def outcome(slug):
    """At a solution: 'solved' thanks the visitor; 'not_solved' or 'contact' opens the contact form with the path."""
    article, revision = _troubleshooter(slug)
    if not valid_public_form_token(request.form.get("csrf_token")):
        return _bad_request("This form has expired. Please go back, reload the page and answer again.", 403, article)
    answer = request.form.get("answer", "")
    if answer not in FINAL_ANSWERS:
        return _bad_request("Please choose one of the answers.", 400, article)
    tree = services.tree_of(revision)
    try:
        state = services.player_state(tree, services.parse_trail(request.form.get("trail", ""))[:MAX_TRAIL + 1])
    except ValueError:
        return _bad_request("This troubleshooter has changed since you opened it. Please start again.", 400, article)
    if state.current.type != "solution":
        return _bad_request("Answer the question on the page first.", 400, article)
    key = request_visitor_key()
    result = "solved" if answer == "solved" else "escalated"
    services.record_outcome(article.id, revision.id, key, state, result)
    if result == "solved":
        return redirect(url_for("troubleshoot.start", slug=slug, trail=state.trail or None, solved=1,
                                _anchor="tree-player"), 303)
    path = services.inquiry_path(state, FINAL_ANSWERS[answer])
    query = urlencode({"article": article.slug, "tree": json.dumps(path, ensure_ascii=False)})
    return redirect(f"{url_for('inquiries.contact')}?{query}", 303)


def _bad_request(message, status, article=None):
    return render_template("troubleshoot/problem.html", message=message, article=article), status


def _link_inquiry(sender, inquiry_id=None, visitor_key=None, **_):
    """Receiver of signals.inquiry_created (the sender is the app): tie the inquiry to the run that led to it."""
    if inquiry_id is not None and visitor_key:
        with sender.app_context():
            services.link_inquiry(inquiry_id, visitor_key)


signals.inquiry_created.connect(_link_inquiry)
