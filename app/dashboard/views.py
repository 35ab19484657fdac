"""GET /dashboard/: every panel the signed-in staff member may see."""
from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from app.auth.access import roles_required
from app.core.plugins import visible_panels
from app.dashboard import STAFF_ROLES, bp


@bp.get("/")
@roles_required(*STAFF_ROLES)
def index():
    """The panels for this user's role, in the order they were added."""
    # Panels render their HTML from autoescaped templates, as template slots do.
    panels = [(panel, Markup(panel.render())) for panel in visible_panels(current_user.role)]
    return render_template("dashboard/index.html", panels=panels)
