"""What only the default SQLite FTS5 backend does: its fallback, its vocabulary, reading during a rebuild."""
import threading

import pytest

from app import create_app
from app.extensions import db
from app.kb import services as kb
from app.kb.sync import sync_directory
from app.search import services, sqlite_backend
from app.search.query import build_plan
from tests.helpers import article_file, write

pytestmark = pytest.mark.parametrize("app", ["sqlite"], indirect=True)


@pytest.fixture
def site(app, tmp_path):
    root = tmp_path / "content"
    write(root, "billing/refunds.md", article_file("Refunds", "Ask for a zanzibarian refund within 14 days."))
    write(root, "billing/invoices.md", article_file("Invoices", "Download quixotic invoices and zanzibarian receipts."))
    with app.app_context():
        sync_directory(root)
        services.ensure_index()
    return root


def vocab(app):
    conn = app.extensions["tier0_search"]._connection()
    return dict(conn.execute("SELECT word, documents FROM vocab WHERE word IN ('zanzibarian', 'quixotic', 'marmalade')"))


def test_default_backend_is_fts5_in_the_instance_folder(app, site):
    backend = app.extensions["tier0_search"]

    assert backend.name == "sqlite"
    assert backend.path == f"{app.instance_path}/search.sqlite3"
    assert backend.document_count() == 2


def test_without_fts5_the_app_falls_back_to_whoosh(app, monkeypatch):
    monkeypatch.setattr(sqlite_backend, "fts5_available", lambda: False)

    fallback = create_app({**app.config, "INSTANCE_PATH": app.instance_path})

    assert fallback.extensions["tier0_search"].name == "whoosh"


def test_vocabulary_counts_follow_edits_and_deletes(app, site):
    assert vocab(app) == {"zanzibarian": 2, "quixotic": 1}

    with app.app_context():
        article = kb.get_article("refunds")
        kb.publish(article, kb.add_revision(article, "Refunds", "", "Refunds now take a marmalade form."))
        db.session.commit()
        assert vocab(app) == {"zanzibarian": 1, "quixotic": 1, "marmalade": 1}

        db.session.delete(kb.get_article("invoices"))
        db.session.commit()
    assert vocab(app) == {"marmalade": 1}


def test_searches_read_the_old_index_while_a_rebuild_runs(app, site):
    backend = app.extensions["tier0_search"]
    plan = build_plan("quixotic")
    seen = []

    with backend.writing(clear=True) as writer:  # a rebuild that has cleared everything, not yet committed
        writer.remove(0)
        reader = threading.Thread(target=lambda: seen.append(backend.search(plan, "or").total))
        reader.start()
        reader.join(timeout=10)
        with app.app_context():
            from app.search.documents import public_documents

            for doc in public_documents():
                writer.add(doc)

    assert seen == [1]  # the other thread found the article in the committed index
    assert backend.search(plan, "or").total == 1


@pytest.mark.parametrize("typed, expected", [
    ("zan", []),  # a body word is not a title
    ("refu", ["Refunds"]),
    ("REFUNDS", ["Refunds"]),
    ("inv", ["Invoices"]),
    ("in refunds", []),
    ("x", []),
])
def test_title_suggestions_match_word_prefixes_without_stemming(app, site, typed, expected):
    backend = app.extensions["tier0_search"]
    titles = [title for _, title in backend.suggest(typed)]

    assert titles == expected
