"""Staff sign-in, sign-out and the `flask users` commands."""
from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth", template_folder="templates", cli_group="users")
bp.cli.help = "Manage staff accounts."


def register(app):
    """Attach the views and commands to the blueprint and register it."""
    from app.auth import cli, views  # noqa: F401  (decorators fill bp)

    app.register_blueprint(bp)
