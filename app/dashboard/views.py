"""GET /dashboard/: the support-lead overview (figures, charts, tables) and the panels for each role."""
from flask import render_template, request
from flask_login import current_user
from markupsafe import Markup

from app.auth.access import roles_required
from app.core.plugins import visible_panels
from app.dashboard import LEAD_ROLES, STAFF_ROLES, bp
from app.dashboard.content import overview_parts
from app.dashboard.ranges import range_from_request

NO_STORE = {"Cache-Control": "no-store"}  # figures about the help desk stay out of shared caches


@bp.get("/")
@roles_required(*STAFF_ROLES)
def index():
    """Leads and admins: the range's figures against the previous period, then the panels; others: their panels."""
    # Panels render their HTML from autoescaped templates, as template slots do.
    panels = [(panel, Markup(panel.render())) for panel in visible_panels(current_user.role)]
    if current_user.role not in LEAD_ROLES:
        return render_template("dashboard/index.html", panels=panels, parts=None), 200, NO_STORE
    period, error = range_from_request(request.args)
    page = render_template("dashboard/index.html", panels=panels, parts=overview_parts(period), period=period,
                           error=error)
    return page, 400 if error else 200, NO_STORE
