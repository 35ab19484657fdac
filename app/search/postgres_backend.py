"""The scale-path backend: PostgreSQL full-text search shared by every app server.

Documents live in ``search_documents`` with a weighted tsvector (title A, summary and tags B,
headings C, body D), queried with ``websearch_to_tsquery`` and ranked by ``ts_rank_cd``; snippets
come from ``ts_headline``. Typo candidates come from ``search_words`` through trigram similarity
when the pg_trgm extension is installed (a first-letter prefix scan otherwise). Writers serialize on
a transaction-level advisory lock, so concurrent workers queue instead of overwriting each other.
"""
from collections import Counter
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.search.backend import IndexBusy, SearchHit, SearchPage, marked_snippet
from app.search.documents import MARK_END, MARK_START
from app.search.query import vocabulary, words_of

LOCK_KEY = 7_312_024  # advisory lock id for index writers
CONFIG = "english"
RANK_WEIGHTS = "{0.05, 0.35, 0.5, 1.0}"  # D (body), C (headings), B (summary, tags), A (title)
HEADLINE_OPTIONS = (f"StartSel={MARK_START}, StopSel={MARK_END}, MaxFragments=1, MaxWords=35, MinWords=15, "
                    'FragmentDelimiter=" … "')

UPSERT = text(f"""
INSERT INTO search_documents (article_id, revision_id, slug, kind, category_slug, title, summary, headings, tags, body, tsv)
VALUES (:article_id, :revision_id, :slug, :kind, :category_slug, :title, :summary, :headings, :tags, :body,
        setweight(to_tsvector('{CONFIG}', :title), 'A')
        || setweight(to_tsvector('{CONFIG}', :summary || ' ' || :tags), 'B')
        || setweight(to_tsvector('{CONFIG}', :headings), 'C')
        || setweight(to_tsvector('{CONFIG}', :body), 'D'))
ON CONFLICT (article_id) DO UPDATE SET
  revision_id = EXCLUDED.revision_id, slug = EXCLUDED.slug, kind = EXCLUDED.kind,
  category_slug = EXCLUDED.category_slug, title = EXCLUDED.title, summary = EXCLUDED.summary,
  headings = EXCLUDED.headings, tags = EXCLUDED.tags, body = EXCLUDED.body, tsv = EXCLUDED.tsv
""")
ADD_WORDS = text("""
INSERT INTO search_words (word, documents) VALUES (:word, :n)
ON CONFLICT (word) DO UPDATE SET documents = search_words.documents + EXCLUDED.documents
""")


def _doc_words(row):
    return vocabulary(row.title, row.summary, row.tags, row.headings, row.body)


class PostgresBackend:
    """Search in PostgreSQL tables next to the content."""

    name = "postgres"

    def __init__(self, lock_timeout=10.0):
        self.lock_timeout = lock_timeout
        self._ready = False
        self._trigrams = None

    def needs_rebuild(self):
        """True when public articles exist but nothing is indexed yet (e.g. right after switching backend)."""
        if self._ready:
            return False
        empty = db.session.execute(text("SELECT NOT EXISTS (SELECT 1 FROM search_documents)")).scalar()
        has_articles = db.session.execute(text(
            "SELECT EXISTS (SELECT 1 FROM articles WHERE status = 'published' AND published_revision_id IS NOT NULL)"
        )).scalar()
        self._ready = not (empty and has_articles)
        return not self._ready

    def _has_trigrams(self):
        if self._trigrams is None:
            self._trigrams = bool(db.session.execute(
                text("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")).scalar())
        return self._trigrams

    # -- querying ------------------------------------------------------------------------------
    def _tsquery(self, plan, mode, params):
        """SQL for the plan's tsquery, alternatives OR-ed inside a slot, slots AND-ed (or OR-ed)."""
        slot_sql = []
        for s_index, slot in enumerate(plan.slots):
            parts = []
            for a_index, words in enumerate(slot.alternatives):
                name = f"q{s_index}_{a_index}"
                params[name] = f'"{" ".join(words)}"' if len(words) > 1 else words[0]
                parts.append(f"websearch_to_tsquery('{CONFIG}', :{name})")
            slot_sql.append("(" + " || ".join(parts) + ")")
        joiner = " && " if mode == "and" else " || "
        return "(" + joiner.join(slot_sql) + ")"

    def search(self, plan, mode="and", category=None, kind=None, offset=0, limit=10):
        """Ranked hits with ts_headline snippets."""
        if plan.empty:
            return SearchPage(total=0, hits=[])
        params = {"offset": offset, "limit": limit, "headline": HEADLINE_OPTIONS}
        where = ["d.tsv @@ q.query", "numnode(q.query) > 0"]
        if category:
            where.append("d.category_slug = :category")
            params["category"] = category
        if kind:
            where.append("d.kind = :kind")
            params["kind"] = kind
        query_sql = self._tsquery(plan, mode, params)
        base = f"FROM search_documents d, (SELECT {query_sql} AS query) q WHERE {' AND '.join(where)}"
        total = db.session.execute(text(f"SELECT count(*) {base}"), params).scalar_one()
        if not total:
            return SearchPage(total=0, hits=[])
        rows = db.session.execute(text(f"""
            SELECT ranked.article_id, ranked.slug, ranked.rank,
                   ts_headline('{CONFIG}', ranked.body, ranked.query, :headline) AS snippet, ranked.summary
            FROM (SELECT d.article_id, d.slug, d.body, d.summary, q.query,
                         ts_rank_cd('{RANK_WEIGHTS}', d.tsv, q.query, 1) AS rank
                  {base} ORDER BY rank DESC, d.article_id LIMIT :limit OFFSET :offset) ranked
            ORDER BY ranked.rank DESC, ranked.article_id"""), params).all()
        hits = [SearchHit(article_id=r.article_id, slug=r.slug, score=float(r.rank),
                          snippet=marked_snippet(r.snippet if MARK_START in (r.snippet or "") else (r.summary or r.snippet)))
                for r in rows]
        return SearchPage(total=total, hits=hits)

    def suggest(self, prefix, limit=5):
        """Titles whose words start with what was typed (prefix matching on the 'simple' configuration)."""
        words = [w for w in words_of(prefix)][:6]
        if not words:
            return []
        query = " & ".join(f"{w}:*" for w in words)
        rows = db.session.execute(text(
            "SELECT article_id, title FROM search_documents "
            "WHERE to_tsvector('simple', title) @@ to_tsquery('simple', :query) "
            "ORDER BY length(title), article_id LIMIT :limit"), {"query": query, "limit": limit}).all()
        return [(r.article_id, r.title) for r in rows]

    def known_words(self, words):
        """Words present in the vocabulary table."""
        if not words:
            return set()
        rows = db.session.execute(text("SELECT word FROM search_words WHERE word = ANY(:words) AND documents > 0"),
                                  {"words": list(words)})
        return {r.word for r in rows}

    def similar_words(self, word, max_edits):
        """Candidate spellings: trigram neighbours (pg_trgm) or words with the same first letter and length."""
        if self._has_trigrams():
            with db.session.begin_nested():
                db.session.execute(text("SET LOCAL pg_trgm.similarity_threshold = 0.25"))
                rows = db.session.execute(text(
                    "SELECT word, documents FROM search_words WHERE word % :word AND left(word, 1) = left(:word, 1) "
                    "ORDER BY similarity(word, :word) DESC, documents DESC LIMIT 30"), {"word": word}).all()
        else:
            rows = db.session.execute(text(
                "SELECT word, documents FROM search_words WHERE word LIKE :first AND length(word) BETWEEN :low AND :high "
                "ORDER BY documents DESC LIMIT 2000"),
                {"first": word[0] + "%", "low": len(word) - max_edits, "high": len(word) + max_edits}).all()
        return {r.word: r.documents for r in rows}

    # -- writing -------------------------------------------------------------------------------
    @contextmanager
    def writing(self, clear=False, size=0):
        """One transaction holding the writers' advisory lock (IndexBusy after lock_timeout)."""
        with db.engine.connect() as conn:
            with conn.begin():
                conn.execute(text(f"SET LOCAL lock_timeout = '{int(self.lock_timeout * 1000)}ms'"))
                try:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
                except OperationalError as exc:
                    raise IndexBusy(f"search index locked for more than {self.lock_timeout} s") from exc
                writer = _PostgresWriter(conn, fresh=clear)
                if clear:
                    conn.execute(text("DELETE FROM search_documents"))
                    conn.execute(text("DELETE FROM search_words"))
                yield writer
                writer.finish()
        self._ready = True

    def indexed_revisions(self):
        """{article_id: revision_id} of every indexed document."""
        return dict(db.session.execute(text("SELECT article_id, revision_id FROM search_documents")).all())

    def document_count(self):
        """Number of indexed documents."""
        return db.session.execute(text("SELECT count(*) FROM search_documents")).scalar_one()


class _PostgresWriter:
    """Upserts documents and keeps the vocabulary's document counts right."""

    def __init__(self, conn, fresh=False):
        self.conn = conn
        self.fresh = fresh
        self.word_delta = Counter()

    def _old_words(self, article_id):
        if self.fresh:
            return set()
        row = self.conn.execute(text(
            "SELECT title, summary, tags, headings, body FROM search_documents WHERE article_id = :id"),
            {"id": article_id}).first()
        return _doc_words(row) if row else set()

    def add(self, doc):
        old = self._old_words(doc.article_id)
        new = vocabulary(doc.title, doc.summary, doc.tags, doc.headings, doc.body)
        self.word_delta.update({w: 1 for w in new - old})
        self.word_delta.update({w: -1 for w in old - new})
        self.conn.execute(UPSERT, vars(doc))

    def remove(self, article_id):
        old = self._old_words(article_id)
        self.word_delta.update({w: -1 for w in old})
        self.conn.execute(text("DELETE FROM search_documents WHERE article_id = :id"), {"id": article_id})

    def finish(self):
        """Apply the vocabulary changes in one statement each way."""
        changes = [{"word": w, "n": n} for w, n in sorted(self.word_delta.items()) if n]
        if changes:
            self.conn.execute(ADD_WORDS, changes)
            self.conn.execute(text("DELETE FROM search_words WHERE documents <= 0"))
