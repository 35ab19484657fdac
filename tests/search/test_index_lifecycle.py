"""The index follows every content change at once, survives a lost or broken index, and never loses a job."""
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.kb import services as kb
from app.kb.sync import sync_directory
from app.search import indexing, services
from app.search.models import SearchPending
from tests.helpers import FILE_BACKENDS, SEARCH_BACKENDS, WHOOSH_ONLY, article_file, write


def slugs(query):
    return [r.article.slug for r in services.search(query).results]


@pytest.fixture
def site(app, tmp_path):
    root = tmp_path / "content"
    write(root, "billing/refunds.md", article_file("Refunds", "Ask for a zanzibarian refund within 14 days."))
    write(root, "billing/invoices.md", article_file("Invoices", "Download quixotic invoices."))
    with app.app_context():
        sync_directory(root)
    return root


@SEARCH_BACKENDS
def test_synced_articles_are_searchable_at_once(ctx, site):
    assert slugs("zanzibarian") == ["refunds"]
    assert slugs("quixotic") == ["invoices"]


@SEARCH_BACKENDS
def test_edit_replaces_the_indexed_text(ctx, site):
    article = kb.get_article("refunds")
    revision = kb.add_revision(article, "Refunds", "", "Refunds now take a marmalade form.")
    kb.publish(article, revision)
    db.session.commit()

    assert slugs("marmalade") == ["refunds"]
    assert slugs("zanzibarian") == []
    assert db.session.execute(select(func.count(SearchPending.id))).scalar_one() == 0


@SEARCH_BACKENDS
@pytest.mark.parametrize("status", ["draft", "in_review", "archived"])
def test_unpublished_articles_leave_the_index(ctx, site, status):
    kb.set_status(kb.get_article("refunds"), status)
    db.session.commit()

    assert slugs("zanzibarian") == []
    assert slugs("quixotic") == ["invoices"]


@SEARCH_BACKENDS
def test_deleted_article_leaves_the_index(ctx, site):
    db.session.delete(kb.get_article("invoices"))
    db.session.commit()

    assert slugs("quixotic") == []
    assert indexing.drift(ctx) == ([], [], [])


def test_staged_draft_is_not_searchable_until_published(ctx, site):
    article = kb.get_article("refunds")
    kb.add_revision(article, "Refunds", "", "A staged text about pomegranates.")
    db.session.commit()

    assert slugs("pomegranates") == []
    assert slugs("zanzibarian") == ["refunds"]


def test_sync_of_a_changed_file_updates_the_index(ctx, site):
    write(site, "billing/invoices.md", article_file("Invoices", "Download kaleidoscopic invoices."))

    report = sync_directory(site)

    assert report.updated == ["invoices"]
    assert slugs("kaleidoscopic") == ["invoices"] and slugs("quixotic") == []


def test_changes_are_applied_incrementally_not_by_a_rebuild(ctx, site, monkeypatch):
    monkeypatch.setattr(indexing, "reindex_all", lambda *a, **k: pytest.fail("a full rebuild was started"))
    article = kb.get_article("refunds")
    kb.publish(article, kb.add_revision(article, "Refunds", "", "Now about xylophones."))
    db.session.commit()

    assert slugs("xylophones") == ["refunds"]


def _index_path(app):
    """Where the embedded backend keeps its index."""
    if app.config["SEARCH_BACKEND"] == "whoosh":
        return Path(app.instance_path) / "search-index"
    return Path(app.instance_path) / "search.sqlite3"


def _as_new_worker(app):
    """Forget the open index, as a worker process starting now would."""
    backend = app.extensions["tier0_search"]
    if app.config["SEARCH_BACKEND"] == "whoosh":
        backend._ix = None
    else:
        backend.close()


@FILE_BACKENDS
def test_missing_index_is_rebuilt_from_the_database(app, site):
    _as_new_worker(app)
    path = _index_path(app)
    shutil.rmtree(path) if path.is_dir() else path.unlink()

    with app.app_context():
        assert slugs("quixotic") == ["invoices"]


def _break(path):
    if path.is_dir():  # Whoosh: the table of contents
        for toc in path.glob("_MAIN_*.toc"):
            toc.write_bytes(b"this is not an index")
    else:
        for extra in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            extra.unlink(missing_ok=True)
        path.write_bytes(b"this is not an index" * 100)


# Whoosh leaves the broken file open when it fails to read it; that leak is Whoosh's, not ours.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@FILE_BACKENDS
def test_unreadable_index_is_moved_aside_and_rebuilt(app, site):
    _as_new_worker(app)
    path = _index_path(app)
    _break(path)

    with app.app_context():
        assert slugs("zanzibarian") == ["refunds"]
    assert Path(f"{path}.broken").exists()


@contextmanager
def _index_locked_elsewhere(app):
    """Another process holding the index's write lock."""
    if app.config["SEARCH_BACKEND"] == "whoosh":
        holder = app.extensions["tier0_search"].ix.writer()
        try:
            yield
        finally:
            holder.cancel()
    else:
        holder = sqlite3.connect(_index_path(app), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()


@FILE_BACKENDS
@pytest.mark.app_config(SEARCH_LOCK_TIMEOUT=0.2)
def test_a_busy_index_keeps_the_job_and_a_later_search_applies_it(app, site):
    with _index_locked_elsewhere(app), app.app_context():
        article = kb.get_article("refunds")
        kb.publish(article, kb.add_revision(article, "Refunds", "", "Now about octopuses."))
        db.session.commit()  # the visitor's save succeeds although the index is locked
        assert db.session.execute(select(func.count(SearchPending.id))).scalar_one() == 1

    with app.app_context():
        assert slugs("octopuses") == ["refunds"]
        assert db.session.execute(select(func.count(SearchPending.id))).scalar_one() == 0


@FILE_BACKENDS
def test_reindex_command_rebuilds_with_a_progress_bar(app, runner, site):
    result = runner.invoke(args=["search", "reindex"])

    assert result.exit_code == 0, result.output
    assert f"indexed: 2 articles ({app.config['SEARCH_BACKEND']})" in result.output


def test_check_command_reports_no_drift(runner, site):
    result = runner.invoke(args=["search", "check"])

    assert result.exit_code == 0
    assert "missing: 0, stale: 0, extra: 0" in result.output


def test_check_command_reports_drift(app, runner, site):
    with app.app_context():
        invoices = kb.get_article("invoices").id
        with app.extensions["tier0_search"].writing() as writer:
            writer.remove(invoices)  # the index loses a document behind the app's back

    result = runner.invoke(args=["search", "check"])

    assert result.exit_code == 1
    assert "missing: 1, stale: 0, extra: 0" in result.output
    assert f"missing article ids: {invoices}" in result.output


@SEARCH_BACKENDS
def test_cached_results_are_dropped_by_the_next_index_change(ctx, site):
    assert slugs("zanzibarian") == ["refunds"]  # now cached
    article = kb.get_article("refunds")
    kb.publish(article, kb.add_revision(article, "Refunds", "", "Nothing about that word any more."))
    db.session.commit()

    assert slugs("zanzibarian") == []


def test_repeated_query_is_served_from_the_cache(ctx, site, monkeypatch):
    assert slugs("quixotic") == ["invoices"]
    backend = ctx.extensions["tier0_search"]
    monkeypatch.setattr(backend, "search", lambda *a, **k: pytest.fail("the backend was asked again"))

    assert slugs("quixotic") == ["invoices"]


@WHOOSH_ONLY
def test_large_rebuild_uses_two_processes_and_finds_everything(app, runner, site, monkeypatch):
    from app.search import whoosh_backend

    monkeypatch.setattr(whoosh_backend, "PARALLEL_REBUILD_SIZE", 1)  # as for a big help center

    result = runner.invoke(args=["search", "reindex"])

    assert "indexed: 2 articles" in result.output
    with app.app_context():
        assert slugs("zanzibarian") == ["refunds"] and slugs("quixotic") == ["invoices"]
        assert indexing.drift(app) == ([], [], [])
