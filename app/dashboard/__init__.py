"""The support-lead dashboard: the overview of traffic, self-service and search gaps, per-article pages,
the content backlog, CSV exports and the weekly digest; plus panels contributed by features and plugins."""
from flask import Blueprint, current_app

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="templates")
bp.cli.help = "The support-lead dashboard: the digest e-mail."

STAFF_ROLES = ("writer", "editor", "lead", "admin")  # see the panels for their role
LEAD_ROLES = ("lead", "admin")  # see the analytics, the gaps and the backlog

SECTIONS = [("dashboard.index", "Overview"), ("dashboard.gaps", "Search gaps"), ("dashboard.backlog", "Backlog")]


def dashboard_sections():
    """Jinja global: the dashboard's sections whose views are registered, as (endpoint, label)."""
    return [(endpoint, label) for endpoint, label in SECTIONS if endpoint in current_app.view_functions]


def register(app):
    """Attach the views and register the blueprint."""
    from app.dashboard import models, views  # noqa: F401  (decorators fill bp; models join the metadata)
    from app.dashboard import article_views, cli, export_views  # noqa: F401  (decorators fill bp)
    from app.dashboard import backlog_views  # noqa: F401  (decorators fill bp)
    from app.dashboard.content import chart_has_data
    from app.dashboard.formatting import register_filters
    from app.dashboard.ranges import choices

    app.jinja_env.globals.update(dashboard_sections=dashboard_sections, range_choices=choices,
                                 chart_has_data=chart_has_data)
    register_filters(app)
    app.register_blueprint(bp)
