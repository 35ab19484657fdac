"""Support leads' pages: ratings overview, one article's ratings, CSV downloads and the dashboard panel."""
from flask import Response, render_template, request, stream_with_context

from app.auth.access import roles_required
from app.extensions import db, limiter
from app.kb.models import Article
from app.kb.services import all_categories
from plugins.feedback import bp, export, plugin, reports

LEADS = ("lead", "admin")


def percent(share, digits=0):
    """A 0..1 share as "87%" ("–" when there is none)."""
    return "–" if share is None else f"{share * 100:.{digits}f}%"


def _form(args):
    """The filter form's values as typed."""
    return {name: args.get(name, "").strip()[:100] for name in ("from", "to", "category", "sort")}


def _ratings_page(args):
    """The ratings page for these query arguments; 400 with the form's message when a filter is wrong."""
    form = _form(args)
    target = plugin.setting("satisfaction_target")
    context = {"form": form, "target": target, "categories": all_categories(), "sorts": reports.SORTS,
               "percent": percent}
    try:
        filters = reports.parse_filters(form["from"], form["to"], form["category"])
    except reports.FilterError as error:
        return render_template("feedback/ratings.html", error=error, report=None, **context), 400
    report = reports.overview(filters, form["sort"] or "least")
    scope = f"category {filters.category_slug}" if filters.category_slug else "whole help center"
    chart = reports.chart_data(report.trend, target, f"Helpful votes per week, {scope}")
    return render_template("feedback/ratings.html", error=None, report=report, chart=chart,
                           query_args=filters.query_args(), **context)


@bp.get("/ratings")
@roles_required(*LEADS)
def ratings():
    """Overall helpfulness, the five least helpful articles and why, every rated article, the weekly trend."""
    return _ratings_page(request.args)


@bp.get("/ratings/<int:article_id>")
@roles_required(*LEADS)
def article_ratings(article_id):
    """One article: counts, reasons, helpfulness per revision, weekly trend and visible comments."""
    report = reports.article_report(db.get_or_404(Article, article_id))
    target = plugin.setting("satisfaction_target")
    chart = reports.chart_data(report.trend, target, f"Helpful votes per week, {report.title}")
    return render_template("feedback/article_ratings.html", report=report, chart=chart, target=target,
                           percent=percent)


def _csv_download(kind):
    """Stream one export as an attachment, or the ratings page with the message when a filter is wrong."""
    args = request.args
    try:
        # Topic requests have no category: only the dates apply to them.
        filters = reports.parse_filters(args.get("from", ""), args.get("to", ""),
                                        args.get("category", "") if kind == "votes" else "")
    except reports.FilterError:
        return _ratings_page(args)
    limiter.hit(None, "feedback-export", rate=plugin.setting("export_rate_limit"))
    response = Response(stream_with_context(export.EXPORTS[kind](filters)), mimetype="text/csv")
    response.headers.set("Content-Disposition", "attachment", filename=export.export_filename(kind, filters))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export/votes.csv")
@roles_required(*LEADS)
def export_votes():
    """Votes as CSV (filters: from, to, category); comments masked, no voter keys."""
    return _csv_download("votes")


@bp.get("/export/topics.csv")
@roles_required(*LEADS)
def export_topics():
    """Topic requests as CSV (filters: from, to)."""
    return _csv_download("topics")


def render_panel():
    """Dashboard panel: helpful share of the last 30 days against the target, and the five least helpful."""
    total, least = reports.panel_summary(days=30)
    return render_template("feedback/_ratings_panel.html", total=total, least=least, percent=percent,
                           target=plugin.setting("satisfaction_target"))
