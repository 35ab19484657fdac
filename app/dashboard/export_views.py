"""CSV downloads of the dashboard's tables, charts and headline figures, for the chosen range."""
from flask import abort, render_template, request

from app.auth.access import roles_required
from app.core.csv_export import csv_response, csv_text
from app.dashboard import LEAD_ROLES, bp
from app.dashboard.content import article_parts, find_table, overview_parts
from app.dashboard.ranges import range_from_request
from app.extensions import db
from app.kb.models import Article

KEY_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def bad_range(error):
    """A download cannot re-show the range picker: say what is wrong with the range instead."""
    return render_template("errors/error.html", code=400, title="That range cannot be downloaded",
                           message=error), 400


def csv_filename(name, period):
    """tier0-<name>-<start>-to-<end>.csv"""
    return f"tier0-{name}-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"


def _download(parts, key, name, period):
    """The table ``key`` of ``parts`` as tier0-<name>-<start>-to-<end>.csv; 404 when there is none."""
    table = find_table(parts, key)
    if table is None:
        abort(404)
    return csv_response(csv_text(table.columns, table.rows), csv_filename(name, period))


def _known_key(key):
    """Keys are identifiers: anything else cannot be a table, and must not reach a file name."""
    if not key or not set(key.lower()) <= KEY_CHARACTERS:
        abort(404)
    return key


@bp.get("/export/<key>.csv")
@roles_required(*LEAD_ROLES)
def export(key):
    """One overview table, chart or the headline figures ("figures") as CSV."""
    key = _known_key(key)
    period, error = range_from_request(request.args)
    if error:
        return bad_range(error)
    return _download(overview_parts(period), key, key, period)


@bp.get("/articles/<int:article_id>/export/<key>.csv")
@roles_required(*LEAD_ROLES)
def article_export(article_id, key):
    """One table, chart or the figures of an article's dashboard page as CSV."""
    key = _known_key(key)
    found = db.get_or_404(Article, article_id)
    period, error = range_from_request(request.args)
    if error:
        return bad_range(error)
    return _download(article_parts(found, period), key, f"article-{found.id}-{key}", period)
