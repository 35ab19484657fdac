"""The support-lead dashboard shell: a page of panels contributed by features and plugins."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="templates")

STAFF_ROLES = ("writer", "editor", "lead", "admin")


def register(app):
    """Attach the views and register the blueprint."""
    from app.dashboard import models, views  # noqa: F401  (decorators fill bp; models join the metadata)

    app.register_blueprint(bp)
