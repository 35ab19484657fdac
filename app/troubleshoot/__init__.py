"""Troubleshooters: decision trees as help content, the step-by-step player, analytics and the flowchart."""
from flask import Blueprint

bp = Blueprint("troubleshoot", __name__, template_folder="templates", cli_group="troubleshoot")
bp.cli.help = "Troubleshooters: validate tree files, report runs."


def register(app):
    """Attach views and commands and register the blueprint."""
    from app.troubleshoot import cli, models, staff_views, views  # noqa: F401  (tables; decorators fill bp)

    app.register_blueprint(bp)
