"""Escalation: the contact form that deflects first, the requester's status page, the staff queue, reports."""
from flask import Blueprint

bp = Blueprint("inquiries", __name__, template_folder="templates", cli_group="inquiries")
bp.cli.help = "Support inquiries: reports."


def register(app):
    """Attach views and commands and register the blueprint."""
    from app.inquiries import cli, models, report_views, staff_views, views  # noqa: F401  (tables; decorators fill bp)

    app.register_blueprint(bp)
