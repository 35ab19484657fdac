"""Fixtures: a fresh app per test on a migrated SQLite copy (or a clean PostgreSQL schema)."""
import os
import shutil
import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.extensions import db
from app.kb.sync import sync_directory
from tests.helpers import CONTENT_DIR, require_service, schema_url

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "PAGEVIEW_FLUSH_SIZE": 1,  # write every view at once so tests can read it
    "PAGE_CACHE_CHECK_SECONDS": 0.0,
}


def _migrate(uri, instance):
    app = create_app({**BASE_CONFIG, "INSTANCE_PATH": str(instance), "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        upgrade(revision="heads")
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file migrated once; each test gets a copy."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.db"
    _migrate(f"sqlite:///{path}", folder / "instance")
    return path


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh schema in the test PostgreSQL database, migrated once, dropped at the end."""
    base = os.environ.get("TIER0_TEST_DATABASE_URL")
    if not base:
        require_service("TIER0_TEST_DATABASE_URL is not set")
    schema = f"tier0_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        # Shared by every test schema, so it lives in public (as it would in production). Two pytest-xdist
        # workers creating it at once make one fail with a duplicate key: it exists then, which is enough.
        try:
            with admin.begin() as conn:
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
        except IntegrityError:
            pass
    except Exception as exc:  # noqa: BLE001 - any connection failure means the service is missing
        require_service(f"PostgreSQL at TIER0_TEST_DATABASE_URL is unreachable: {exc.__class__.__name__}")
    url = schema_url(base, schema)
    _migrate(url, f"/tmp/{schema}")
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _truncate_postgres(app):
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables if t.name != "content_version"]
        with db.engine.begin() as conn:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))


def make_app(request, backend, instance, extra=None):
    """A fresh app on a migrated SQLite copy or on the shared PostgreSQL schema (emptied first).

    backend: "sqlite" (SQLite database, default FTS5 search), "whoosh" (SQLite database, Whoosh search)
    or "postgres" (PostgreSQL database and search).
    """
    instance.mkdir(parents=True, exist_ok=True)
    config = {**BASE_CONFIG, "INSTANCE_PATH": str(instance)}
    if backend == "whoosh":
        config["SEARCH_BACKEND"] = "whoosh"
    if backend == "postgres":
        config["SQLALCHEMY_DATABASE_URI"] = request.getfixturevalue("postgres_url")
        config["SEARCH_BACKEND"] = "postgres"
    else:
        shutil.copyfile(request.getfixturevalue("sqlite_template"), instance / "tier0.db")
    config.update(extra or {})
    application = create_app(config)
    if backend == "postgres":
        _truncate_postgres(application)
    return application


def _dispose(application):
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(request, tmp_path):
    """A fresh app on SQLite (default) or PostgreSQL (parametrize indirectly with 'postgres')."""
    # TIER0_TEST_BACKEND=postgres runs every app-based test on PostgreSQL instead of SQLite.
    backend = getattr(request, "param", os.environ.get("TIER0_TEST_BACKEND", "sqlite"))
    application = make_app(request, backend, tmp_path / "instance", _marker_config(request))
    yield application
    _dispose(application)


def _marker_config(request):
    """Extra config from @pytest.mark.app_config(KEY=value)."""
    marker = request.node.get_closest_marker("app_config")
    return dict(marker.kwargs) if marker else {}


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for the app's commands."""
    return app.test_cli_runner()


@pytest.fixture
def synced_app(app):
    """The app with the default content/ imported."""
    with app.app_context():
        report = sync_directory(CONTENT_DIR)
        assert not report.failed, report.failed
    return app


@pytest.fixture
def ctx(app):
    """An application context for calling services directly."""
    with app.app_context():
        yield app
