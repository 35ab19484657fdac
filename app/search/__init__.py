"""Search over published help content: backends, index upkeep, results page, analytics."""
import os

from flask import Blueprint

bp = Blueprint("search", __name__, template_folder="templates", cli_group="search")
bp.cli.help = "Search index and search analytics."


def create_backend(app):
    """The configured backend (SEARCH_BACKEND: sqlite, whoosh or postgres); nothing is opened yet."""
    name = app.config["SEARCH_BACKEND"]
    if name == "sqlite":
        from app.search.sqlite_backend import SqliteBackend, fts5_available

        if fts5_available():
            directory = app.config["SEARCH_INDEX_DIR"] or app.instance_path
            return SqliteBackend(os.path.join(directory, "search.sqlite3"), lock_timeout=app.config["SEARCH_LOCK_TIMEOUT"])
        app.logger.warning("this Python's SQLite has no FTS5: search uses the Whoosh backend instead")
        name = "whoosh"
    if name == "whoosh":
        from app.search.whoosh_backend import WhooshBackend

        directory = app.config["SEARCH_INDEX_DIR"] or os.path.join(app.instance_path, "search-index")
        return WhooshBackend(directory, lock_timeout=app.config["SEARCH_LOCK_TIMEOUT"])
    if name == "postgres":
        from app.search.postgres_backend import PostgresBackend

        return PostgresBackend(lock_timeout=app.config["SEARCH_LOCK_TIMEOUT"])
    raise RuntimeError(f"unknown SEARCH_BACKEND {name!r} (expected 'sqlite', 'whoosh' or 'postgres')")


def register(app):
    """Attach views and commands, create the backend and keep the index in step with content."""
    from app.search import analytics, cli, indexing, views  # noqa: F401  (decorators and listeners)
    from app.search.query import Synonyms
    from app.search.services import ResultCache

    app.extensions["tier0_search"] = create_backend(app)
    app.extensions["tier0_synonyms"] = Synonyms(os.path.join(app.config["CONTENT_DIR"], "_synonyms.yml"))
    app.extensions["tier0_search_cache"] = ResultCache()
    app.register_blueprint(bp)
