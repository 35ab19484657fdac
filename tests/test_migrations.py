"""Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, select, text

from app import create_app
from app.extensions import db
from app.kb.models import ContentVersion
from tests.conftest import BASE_CONFIG
from tests.helpers import require_service, schema_url


def _diff(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_on_an_empty_sqlite_file_matches_the_models(tmp_path):
    app = create_app({**BASE_CONFIG, "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        upgrade(revision="heads")

        assert _diff(app) == []
        tables = set(inspect(db.engine).get_table_names())
        assert {"articles", "revisions", "categories", "tags", "redirects", "users", "page_views"} <= tables
        assert db.session.execute(select(ContentVersion.version)).scalar_one() == 0
        db.session.remove()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        db.engine.dispose()


@pytest.mark.postgres
def test_upgrade_on_postgresql_matches_the_models(postgres_url, tmp_path):
    app = create_app({**BASE_CONFIG, "INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": postgres_url})
    with app.app_context():
        assert _diff(app) == []
        db.engine.dispose()


@pytest.mark.postgres
def test_downgrade_and_upgrade_again_on_postgresql(tmp_path):
    base = os.environ.get("TIER0_TEST_DATABASE_URL")
    if not base:
        require_service("TIER0_TEST_DATABASE_URL is not set")
    schema = f"tier0_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = schema_url(base, schema)
        app = create_app({**BASE_CONFIG, "INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision="heads")
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
            upgrade(revision="heads")
            assert _diff(app) == []
            db.engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
