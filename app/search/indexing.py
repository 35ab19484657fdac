"""Keeping the index in step with the database.

Every ORM change to an article (or its category) writes a ``search_pending`` row *in the same
transaction*, so an index job can never be lost: it commits or rolls back with the change. After the
commit the same process drains the queue while holding the index's write lock, and reads the
articles' state only once it holds that lock, so the last writer always indexes the newest text.
A process that cannot get the lock in time leaves its rows for the next drain (the next content
change in any process, the next search, or `flask search check`).
"""
from flask import current_app, has_app_context
from sqlalchemy import delete, event, func, insert, select, update
from sqlalchemy.orm import Session

from app.core import signals
from app.extensions import db
from app.kb.models import Article, Category, Revision
from app.search.documents import public_documents, public_revision_ids
from app.search.models import SearchPending, SearchState
from app.search.backend import IndexBusy

DRAIN_BATCH = 500


def backend_for(app):
    """The search backend of an app."""
    return app.extensions["tier0_search"]


# -- recording jobs --------------------------------------------------------------------------------
def _changed_article_ids(session):
    ids = set()
    for obj in (*session.new, *session.deleted, *(o for o in session.dirty if session.is_modified(o))):
        if isinstance(obj, Article) and obj.id is not None:
            ids.add(obj.id)
        elif isinstance(obj, Revision) and obj.article_id is not None:
            ids.add(obj.article_id)
        elif isinstance(obj, Category) and obj.id is not None and obj not in session.new:
            ids.update(a.id for a in obj.articles if a.id is not None)
    return ids


@event.listens_for(Session, "after_flush")
def _queue_index_jobs(session, flush_context):
    ids = _changed_article_ids(session)
    if ids:
        session.connection().execute(insert(SearchPending), [{"article_id": i} for i in sorted(ids)])
        session.info["search_jobs"] = True


@event.listens_for(Session, "after_commit")
def _drain_after_commit(session):
    if session.info.pop("search_jobs", False) and has_app_context() and not session.info.get("bulk_import"):
        drain(current_app._get_current_object())


@event.listens_for(Session, "after_rollback")
def _forget_jobs(session):
    session.info.pop("search_jobs", None)


def _after_sync(app, **kwargs):
    drain(app)


signals.content_synced.connect(_after_sync)


# -- applying jobs -------------------------------------------------------------------------------
def pending_count():
    """Index jobs waiting in the queue."""
    return db.session.execute(select(func.count(SearchPending.id))).scalar_one()


def bump_search_version():
    """Tell result caches everywhere that the index changed."""
    with db.engine.begin() as conn:
        if conn.execute(update(SearchState).where(SearchState.id == 1).values(version=SearchState.version + 1)).rowcount == 0:
            conn.execute(insert(SearchState).values(id=1, version=1))


def search_version():
    """The counter bumped after every index change."""
    return db.session.execute(select(SearchState.version).where(SearchState.id == 1)).scalar() or 0


def drain(app):
    """Apply every queued job; returns how many articles were refreshed (0 when the index is busy)."""
    backend = backend_for(app)
    done = 0
    with app.app_context():
        try:
            if backend.needs_rebuild():
                return reindex_all(app)
            while True:
                with backend.writing() as writer:
                    # Read the queue and the articles only now, while holding the lock.
                    rows = db.session.execute(
                        select(SearchPending.id, SearchPending.article_id).order_by(SearchPending.id).limit(DRAIN_BATCH)
                    ).all()
                    ids = {article_id for _, article_id in rows}
                    documents = public_documents(ids) if ids else []
                    for doc in documents:
                        writer.add(doc)
                    for missing in ids - {doc.article_id for doc in documents}:
                        writer.remove(missing)
                if not rows:
                    break
                # Jobs leave the queue only after the index committed; a crash in between re-runs them.
                db.session.execute(delete(SearchPending).where(SearchPending.id <= rows[-1][0]))
                db.session.commit()
                done += len(ids)
                if len(rows) < DRAIN_BATCH:
                    break
        except IndexBusy:
            app.logger.warning("search index busy: queued jobs are left for the next drain")
        finally:
            db.session.remove()
        if done:
            bump_search_version()
    return done


def reindex_all(app, progress=None):
    """Rebuild the whole index from the database, holding the index lock; returns the document count."""
    backend = backend_for(app)
    with app.app_context():
        try:
            size = len(public_revision_ids())
            with backend.writing(clear=True, size=size) as writer:
                # Read the articles only while holding the lock, so no newer drain can be overwritten.
                last_job = db.session.execute(select(func.max(SearchPending.id))).scalar()
                documents = public_documents()
                for doc in progress(documents) if progress else documents:
                    writer.add(doc)
            if last_job is not None:  # jobs queued while rebuilding stay queued
                db.session.execute(delete(SearchPending).where(SearchPending.id <= last_job))
                db.session.commit()
        finally:
            db.session.remove()
        bump_search_version()
        return len(documents)


def drift(app):
    """(missing, stale, extra) article ids: public but not indexed, indexed at an old revision, indexed but not public."""
    backend = backend_for(app)
    with app.app_context():
        expected = public_revision_ids()
        indexed = backend.indexed_revisions()
    missing = sorted(set(expected) - set(indexed))
    stale = sorted(i for i in set(expected) & set(indexed) if indexed[i] != expected[i])
    extra = sorted(set(indexed) - set(expected))
    return missing, stale, extra
