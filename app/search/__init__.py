"""Search over published help content: backends, index upkeep, results page, analytics."""
import os

from flask import Blueprint

bp = Blueprint("search", __name__, template_folder="templates", cli_group="search")
bp.cli.help = "Search index and search analytics."


def create_backend(app):
    """The configured backend (SEARCH_BACKEND: whoosh or postgres); nothing is opened yet."""
    name = app.config["SEARCH_BACKEND"]
    if name == "whoosh":
        from app.search.whoosh_backend import WhooshBackend

        directory = app.config["SEARCH_INDEX_DIR"] or os.path.join(app.instance_path, "search-index")
        return WhooshBackend(directory, lock_timeout=app.config["SEARCH_LOCK_TIMEOUT"])
    if name == "postgres":
        from app.search.postgres_backend import PostgresBackend

        return PostgresBackend(lock_timeout=app.config["SEARCH_LOCK_TIMEOUT"])
    raise RuntimeError(f"unknown SEARCH_BACKEND {name!r} (expected 'whoosh' or 'postgres')")


def register(app):
    """Attach views and commands, create the backend and keep the index in step with content."""
    from app.search import analytics, cli, indexing, views  # noqa: F401  (decorators and listeners)
    from app.search.query import Synonyms
    from app.search.services import ResultCache

    app.extensions["tier0_search"] = create_backend(app)
    app.extensions["tier0_synonyms"] = Synonyms(os.path.join(app.config["CONTENT_DIR"], "_synonyms.yml"))
    app.extensions["tier0_search_cache"] = ResultCache()
    app.register_blueprint(bp)
