"""A read-only JSON API under /api/v1: search, search-as-you-type suggestions, and its OpenAPI document."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def register(app):
    """Attach the views to the blueprint and register it."""
    from app.api import views  # noqa: F401  (decorators fill bp)

    app.register_blueprint(bp)
