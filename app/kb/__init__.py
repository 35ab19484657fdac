"""The public help center: home, categories, articles, FAQ, sitemap."""
from flask import Blueprint

bp = Blueprint("kb", __name__, template_folder="templates", cli_group="kb")
bp.cli.help = "Import and export help content (content/ folder format)."


def register(app):
    """Attach the views and commands to the blueprint and register it."""
    from app.kb import cli, page_cache, pageviews, views  # noqa: F401  (decorators fill bp)

    page_cache.init_app(app)
    pageviews.init_app(app)
    app.register_blueprint(bp)
