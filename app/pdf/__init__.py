"""PDF guides: articles, category guides, the handbook, tutorial summaries and checklists, drawn by WeasyPrint.

WeasyPrint runs only in the render worker (worker.py); the web process builds HTML and keeps the results.
"""
from flask import Blueprint

bp = Blueprint("pdf", __name__, template_folder="templates")


def register(app):
    """Attach the views and register the blueprint."""
    from app.pdf import models, views  # noqa: F401  (table; decorators fill bp)

    app.register_blueprint(bp)
