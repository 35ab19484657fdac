"""/dashboard/gaps and /dashboard/backlog: search gaps, turning one into a backlog item, following it, and CSVs."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.analytics.gaps import GAP_COLUMNS, gap_rows, search_gaps
from app.auth.access import roles_required
from app.core.csv_export import csv_response, csv_text
from app.dashboard import LEAD_ROLES, backlog, bp
from app.dashboard.content import refresh_aggregates
from app.dashboard.export_views import bad_range, csv_filename
from app.dashboard.models import BACKLOG_STATUSES
from app.dashboard.ranges import range_from_request

PAGE_LIMIT = 200  # gaps shown on the page; the CSV holds them all
NO_STORE = {"Cache-Control": "no-store"}


def _gaps_page(period, range_error="", form=None, form_error=None, status=200):
    """The gaps page, with a refused "Add to backlog" form's values and message when there is one."""
    refresh_aggregates()
    found = search_gaps(period)
    page = render_template("dashboard/gaps.html", period=period, range_error=range_error, gaps=found[:PAGE_LIMIT],
                           total=len(found), form=form or {}, form_error=form_error)
    return page, status, NO_STORE


@bp.get("/gaps", endpoint="gaps")
@roles_required(*LEAD_ROLES)
def gaps_page():
    """The range's search gaps, biggest first, each with its backlog item or a form to add one."""
    period, error = range_from_request(request.args)
    return _gaps_page(period, error, status=400 if error else 200)


@bp.get("/gaps.csv", endpoint="gaps_csv")
@roles_required(*LEAD_ROLES)
def gaps_csv():
    """Every search gap of the range as CSV."""
    period, error = range_from_request(request.args)
    if error:
        return bad_range(error)
    refresh_aggregates()
    text = csv_text(GAP_COLUMNS, gap_rows(search_gaps(period)))
    return csv_response(text, csv_filename("search-gaps", period))


@bp.post("/backlog/new", endpoint="backlog_create")
@roles_required(*LEAD_ROLES)
def backlog_create():
    """Turn a search gap into an open backlog item; a refused one re-shows the gaps with why."""
    form = {"title": request.form.get("title", ""), "gap_key": request.form.get("gap_key", "")}
    try:
        item = backlog.create_item(form["title"], request.form.get("note", ""), form["gap_key"],
                                   request.form.getlist("query"), current_user.id)
    except backlog.BacklogError as error:
        period, range_error = range_from_request(request.form)
        return _gaps_page(period, range_error, form, error, status=400)
    flash(f"“{item.title}” is on the backlog.")
    return redirect(url_for("dashboard.backlog_item", item_id=item.id), 303)


def _status_filter():
    """(status or None, message): the ?status= tab; an unknown one shows every item and says why."""
    status = request.args.get("status", "").strip()
    if status and status not in BACKLOG_STATUSES:
        return None, f"“{status[:20]}” is not a status: showing every item."
    return status or None, ""


@bp.get("/backlog", endpoint="backlog")
@roles_required(*LEAD_ROLES)
def backlog_list():
    """Backlog items with status tabs, their article and whether searches for them find it now."""
    status, error = _status_filter()
    refresh_aggregates()
    rows = [(item, backlog.outcome(item)) for item in backlog.items(status)]
    page = render_template("dashboard/backlog.html", rows=rows, status=status, error=error,
                           counts=backlog.status_counts(), statuses=BACKLOG_STATUSES)
    return page, 400 if error else 200, NO_STORE


@bp.get("/backlog.csv", endpoint="backlog_csv")
@roles_required(*LEAD_ROLES)
def backlog_csv():
    """The backlog (of the chosen status) as CSV."""
    status, error = _status_filter()
    if error:
        return error, 400, {"Content-Type": "text/plain; charset=utf-8", **NO_STORE}
    refresh_aggregates()
    return csv_response(csv_text(backlog.CSV_HEADER, backlog.csv_rows(backlog.items(status))), "tier0-backlog.csv")


def _item_page(item, form, error=None, status=200):
    page = render_template("dashboard/backlog_item.html", item=item, form=form, error=error,
                           outcome=backlog.outcome(item), statuses=BACKLOG_STATUSES,
                           articles=backlog.article_choices())
    return page, status, NO_STORE


@bp.get("/backlog/<int:item_id>", endpoint="backlog_item")
@roles_required(*LEAD_ROLES)
def backlog_item(item_id):
    """One backlog item: its searches before and after its article, and the form to change it."""
    item = backlog.get_item(item_id) or abort(404)
    refresh_aggregates()
    form = {"title": item.title, "note": item.note, "status": item.status,
            "article": item.article.slug if item.article else ""}
    return _item_page(item, form)


@bp.post("/backlog/<int:item_id>", endpoint="backlog_update")
@roles_required(*LEAD_ROLES)
def backlog_update(item_id):
    """Save an item's title, note, status and article; a refused change re-shows the form as typed."""
    item = backlog.get_item(item_id) or abort(404)
    form = {name: request.form.get(name, "") for name in ("title", "note", "status", "article")}
    try:
        backlog.update_item(item, form["title"], form["note"], form["status"], form["article"])
    except backlog.BacklogError as error:
        return _item_page(item, form, error, status=400)
    flash(f"Saved “{item.title}” ({item.status_label.lower()}).")
    return redirect(url_for("dashboard.backlog_item", item_id=item.id), 303)
