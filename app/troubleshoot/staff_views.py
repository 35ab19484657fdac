"""Staff pages: every troubleshooter with its flowchart; leads and admins also see runs and drop-offs."""
from datetime import timedelta

from flask import abort, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from app.auth.access import roles_required
from app.core.plugins import add_feature_dashboard_source, add_feature_panel
from app.kb import services as kb_services
from app.kb.models import utcnow
from app.troubleshoot import bp, dashboard, services
from app.troubleshoot.flowchart import render_svg
from app.troubleshoot.tree import TreeError

STAFF = ("writer", "editor", "lead", "admin")
ANALYSTS = ("lead", "admin")  # runs and drop-offs are for support leads
PERIODS = (7, 30, 90, 365)
DEFAULT_DAYS = 30


@bp.record_once
def _setup(state):
    """Per app: the dashboard panel for leads and the troubleshooter part of the per-article dashboard."""
    add_feature_panel(state.app, "troubleshoot", "dropoffs", "Troubleshooters", render_panel, roles=ANALYSTS,
                      url=lambda: url_for("troubleshoot.staff_list"), order=30)
    add_feature_dashboard_source(state.app, "troubleshoot", "runs", article=dashboard.article)


@bp.after_request
def _private(response):
    """Staff pages are for one person: no shared cache keeps them."""
    if request.endpoint and request.endpoint.startswith("troubleshoot.staff_"):
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _period():
    """(days, since, until) from ?days=, one of PERIODS."""
    try:
        days = int(request.args.get("days", DEFAULT_DAYS))
    except ValueError:
        days = DEFAULT_DAYS
    days = days if days in PERIODS else DEFAULT_DAYS
    until = utcnow() + timedelta(seconds=1)
    return days, until - timedelta(days=days), until


def render_panel():
    """Dashboard panel: runs in the last 30 days, the solve rate, and where most visitors give up."""
    until = utcnow() + timedelta(seconds=1)
    since = until - timedelta(days=DEFAULT_DAYS)
    reports = [services.tree_report(article, services.tree_of(article.published_revision), since, until)
               for article in services.troubleshooters()]
    rows = [report for report in reports if report.runs]
    worst = sorted(((r.article, r.worst_dropoffs[0]) for r in rows if r.worst_dropoffs), key=lambda p: -p[1].dropoffs)
    return render_template("troubleshoot/staff/_panel.html", rows=rows, worst=worst[:3],
                           runs=sum(r.runs for r in rows), solved=sum(r.solved for r in rows),
                           summary=services.node_summary)


@bp.get("/staff/troubleshooters")
@roles_required(*STAFF)
def staff_list():
    """Every troubleshooter (drafts too) with its runs over the period for leads."""
    days, since, until = _period()
    articles = services.troubleshooters(include_unpublished=True)
    analyst = current_user.role in ANALYSTS
    rows = services.overview(articles, since, until) if analyst else [services.TreeSummary(article=a) for a in articles]
    return render_template("troubleshoot/staff/list.html", rows=rows, days=days, periods=PERIODS, analyst=analyst)


@bp.get("/staff/troubleshooters/<slug>")
@roles_required(*STAFF)
def staff_tree(slug):
    """One troubleshooter: its flowchart (with visit counts for leads), per-node and per-solution tables."""
    article = kb_services.get_article(slug)
    if article is None or article.kind != "troubleshooter":
        abort(404)
    revision = article.published_revision or article.current_revision
    if revision is None:
        abort(404)
    days, since, until = _period()
    try:
        tree = services.tree_of(revision)
    except TreeError as exc:  # only possible for a tree saved before validation existed: show why
        return render_template("troubleshoot/staff/tree.html", article=article, revision=revision, problems=exc.problems,
                               report=None, svg=None, days=days, periods=PERIODS), 200
    analyst = current_user.role in ANALYSTS
    report = services.tree_report(article, tree, since, until) if analyst else None
    svg = render_svg(tree, edge_counts=report.edge_counts if report and report.runs else None,
                     node_counts=report.node_counts if report and report.runs else None, title=revision.title)
    return render_template("troubleshoot/staff/tree.html", article=article, revision=revision, tree=tree,
                           report=report, svg=Markup(svg), days=days, periods=PERIODS, problems=[],
                           summary=services.node_summary)
