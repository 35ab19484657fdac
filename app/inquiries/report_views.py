"""GET /staff/reports/inquiries: the inquiries report for a month or quarter, as a page, CSV or PDF."""
from flask import Response, render_template, request

from app.auth.access import roles_required
from app.inquiries import bp, reports
from app.pdf.services import RenderError, render_pdf

LEADS = ("lead", "admin")
FORMATS = ("html", "csv", "pdf")


def _helpers():
    """What the report templates format figures with."""
    return {"format_hours": reports.format_hours, "format_percent": reports.format_percent,
            "format_score": reports.format_score, "format_effort": reports.format_effort,
            "summary": reports.summary, "breakdowns": reports.breakdowns, "definitions": reports.DEFINITIONS}


def _download(body, mimetype, period, extension):
    response = Response(body, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=reports.filename(period, extension))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/staff/reports/inquiries")
@roles_required(*LEADS)
def staff_report():
    """The figures of the inquiries created in ?month=YYYY-MM or ?quarter=YYYY-Qn (default: this month)."""
    month, quarter = request.args.get("month", ""), request.args.get("quarter", "")
    form = {"month": month.strip()[:20], "quarter": quarter.strip()[:20]}
    output = request.args.get("format", "html").strip().lower() or "html"
    try:
        if output not in FORMATS:
            raise reports.PeriodError("Choose the page, CSV or PDF (format=html, csv or pdf).")
        period = reports.parse_period(month, quarter)
    except reports.PeriodError as error:
        page = render_template("inquiries/reports/report.html", error=error, report=None, form=form,
                               **_helpers())
        return page, 400, {"Cache-Control": "no-store"}
    report = reports.build_report(period)
    if output == "csv":
        return _download(reports.as_csv(report), "text/csv", period, "csv")
    if output == "pdf":
        html = render_template("inquiries/reports/report_pdf.html", report=report, **_helpers())
        try:
            return _download(render_pdf(html), "application/pdf", period, "pdf")
        except RenderError:
            error = "The PDF could not be made just now. Nothing was downloaded; please try again in a minute."
            page = render_template("inquiries/reports/report.html", error=error, report=report, form=form,
                                   **_helpers())
            return page, 503, {"Cache-Control": "no-store", "Retry-After": "60"}
    if not form["month"] and not form["quarter"]:
        form["month"] = period.key  # the default period shows in the form
    page = render_template("inquiries/reports/report.html", error=None, report=report, form=form, **_helpers())
    return page, 200, {"Cache-Control": "no-store"}
