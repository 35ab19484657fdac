"""Search over published help content."""
from flask import Blueprint

bp = Blueprint("search", __name__, template_folder="templates")


def register(app):
    """Attach the views to the blueprint and register it."""
    from app.search import views  # noqa: F401  (decorators fill bp)

    app.register_blueprint(bp)
