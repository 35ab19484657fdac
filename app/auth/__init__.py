"""Staff sign-in, sign-out, invitations, the `flask users` commands and the admin pages."""
from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth", template_folder="templates", cli_group="users")
bp.cli.help = "Manage staff accounts."


def register(app):
    """Attach the views and commands to the blueprints and register them."""
    from app.auth import admin_views, cli, views  # noqa: F401  (decorators fill bp)

    app.register_blueprint(bp)
    app.register_blueprint(admin_views.admin_bp)
