"""The default search backend: SQLite FTS5 in one file in the instance folder (compiled, zero setup).

Three tables live in that file: ``fts`` (FTS5, Porter stemming, one column per weighted field, ranked
by ``bm25()``), ``titles`` (FTS5 without stemming, for title prefixes as the visitor types) and
``vocab`` (unstemmed words with document counts, where typo correction looks for close spellings).
The file is separate from the content database so the same backend serves SQLite and PostgreSQL
sites, and a rebuild never blocks content writers.

Writers serialize on SQLite's own write lock (``BEGIN IMMEDIATE`` with a busy timeout); readers run
in WAL mode, so a search never waits for a writer and always sees a committed index — during a full
rebuild it sees the old one until the rebuild commits.
"""
import json
import math
import os
import sqlite3
import threading
from collections import Counter
from contextlib import contextmanager

from markupsafe import Markup

from app.search.backend import IndexBusy, SearchHit, SearchPage, marked_snippet
from app.search.documents import MARK_END, MARK_START
from app.search.query import STOP_WORDS, vocabulary, words_of

SCHEMA_VERSION = 1
# Title and summary above body, headings above paragraphs: bm25() weights, one per fts column.
COLUMNS = ("title", "summary", "tags", "headings", "body")
WEIGHTS = {"title": 4.0, "summary": 2.0, "tags": 2.0, "headings": 1.5, "body": 1.0}
BM25 = "bm25(fts, " + ", ".join(str(WEIGHTS[c]) for c in COLUMNS) + ")"
TITLE_BONUS = 2  # a slot found in the title counts three times (the title is what the article is about)
SNIPPET_TOKENS = 40
TIE_CANDIDATES = 300  # articles past the page whose coverage may tie with it: bm25() orders them

SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs (article_id INTEGER PRIMARY KEY, revision_id INTEGER NOT NULL, slug TEXT NOT NULL,
                   kind TEXT NOT NULL, category TEXT NOT NULL, title TEXT NOT NULL);
CREATE INDEX docs_category ON docs (category);
CREATE INDEX docs_kind ON docs (kind);
CREATE VIRTUAL TABLE fts USING fts5({", ".join(COLUMNS)}, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE titles USING fts5(title, content = 'docs', content_rowid = 'article_id',
                                      tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE vocab (word TEXT PRIMARY KEY, documents INTEGER NOT NULL) WITHOUT ROWID;
PRAGMA user_version = {SCHEMA_VERSION};
"""


def fts5_available():
    """True when Python's SQLite library was built with FTS5 (it is on Debian, Ubuntu, python.org, Homebrew)."""
    try:
        sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    except sqlite3.OperationalError:
        return False
    return True


def _quoted(words):
    # Words come from query.words_of (letters and digits only), so they never contain a quote.
    return '"' + " ".join(words) + '"'


def slot_expression(slot):
    """FTS5 query for one slot: its alternatives OR-ed; None when it has none."""
    alternatives = [_quoted(words) for words in slot.alternatives if words]
    return "(" + " OR ".join(alternatives) + ")" if alternatives else None


def match_expression(plan, mode):
    """FTS5 query for a plan: slots AND-ed (or OR-ed); None when nothing is left to search for.

    Every word is a quoted string, so nothing typed is ever read as FTS5 syntax (columns, NEAR, ``*``).
    A several-word alternative (a quoted phrase or a synonym such as "sign in") is a phrase.
    """
    slots = [e for e in (slot_expression(slot) for slot in plan.slots) if e]
    return (" AND " if mode == "and" else " OR ").join(slots) if slots else None


def _drop_everything(conn):
    """Drop the tables of an older layout (virtual tables first: that drops their shadow tables too)."""
    for virtual_first in (True, False):
        names = [name for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'").fetchall()
            if (sql or "").upper().startswith("CREATE VIRTUAL") == virtual_first]
        for name in names:
            conn.execute(f'DROP TABLE IF EXISTS "{name}"')


class SqliteBackend:
    """Search over an SQLite FTS5 index file."""

    name = "sqlite"

    def __init__(self, path, lock_timeout=10.0):
        self.path = path
        self.lock_timeout = lock_timeout
        self._local = threading.local()
        self._open_lock = threading.Lock()
        self._ready = False

    # -- opening -------------------------------------------------------------------------------
    def _connection(self):
        """This thread's connection (a new one after a fork: SQLite connections must not cross one)."""
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self.lock_timeout, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def close(self):
        """Forget this thread's connection and what is known about the file (as a newly started worker)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
        self._local.conn = None
        self._ready = False

    def needs_rebuild(self):
        """True when the index file is missing, unreadable, of an older layout or never built (it is then reset)."""
        if self._ready:
            return False
        with self._open_lock:
            try:
                conn = self._connection()
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version == SCHEMA_VERSION:
                    built = conn.execute("SELECT value FROM meta WHERE key = 'built'").fetchone()
                    self._ready = built is not None
                    return not self._ready
            except sqlite3.DatabaseError:  # not a database, or damaged: moved aside and recreated
                self.close()
                self._move_aside()
            self._create()
            return True

    def _move_aside(self):
        for suffix in ("-wal", "-shm"):
            if os.path.exists(self.path + suffix):
                os.remove(self.path + suffix)
        if os.path.exists(self.path):
            os.replace(self.path, self.path + ".broken")

    def _create(self):
        conn = self._connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise IndexBusy(f"search index locked for more than {self.lock_timeout} s") from exc
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:  # not done by another worker
                _drop_everything(conn)
                for statement in filter(str.strip, SCHEMA.split(";")):
                    conn.execute(statement)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    # -- querying ------------------------------------------------------------------------------
    def search(self, plan, mode="and", category=None, kind=None, offset=0, limit=10):
        """Ranked hits with highlighted snippets.

        Ranking, in three cheap steps instead of bm25() over every match (which cost 8-20 ms at
        10,000 articles): (1) every matching article gets Σ over the query's slots of the slot's
        weight × (1 if the slot is found + 2 if it is in the title), summed in one GROUP BY over
        the slots' matches; (2) the articles tied around the requested page are ordered by bm25();
        (3) only the page's articles get snippets. Plain bm25() alone also ranked badly on a help
        center: it gives nothing to a word found in over half the articles ("ad" in a marketplace's),
        so one frequent synonym outranked the article whose title says exactly what was asked.
        """
        expression = match_expression(plan, mode)
        if expression is None:
            return SearchPage(total=0, hits=[])
        conn = self._connection()
        filters, params = [], {"q": expression}
        if category:
            filters.append("d.category = :category")
            params["category"] = category
        if kind:
            filters.append("d.kind = :kind")
            params["kind"] = kind
        joined = "JOIN docs d ON d.article_id = fts.rowid" if filters else ""
        where = " AND ".join(["fts MATCH :q", *filters])
        total = conn.execute(f"SELECT count(*) FROM fts {joined} WHERE {where}", params).fetchone()[0]
        if not total or offset >= total:
            return SearchPage(total=total, hits=[])
        ranked = self._by_coverage(conn, plan, mode, filters, params, offset + limit + TIE_CANDIDATES)
        page = self._break_ties(conn, expression, ranked, offset, limit)
        snippets = self._snippets(conn, expression, [article_id for article_id, _ in page])
        slugs = dict(conn.execute(f"SELECT article_id, slug FROM docs WHERE article_id IN "
                                  f"({', '.join('?' * len(page))})", [a for a, _ in page]).fetchall())
        hits = [SearchHit(article_id=article_id, slug=slugs[article_id], score=score,
                          snippet=snippets.get(article_id, Markup()))
                for article_id, score in page if article_id in slugs]
        return SearchPage(total=total, hits=hits)

    def _slot_weight(self, conn, slot, documents):
        """1 + ln(N / (n + 1)), n estimated from the vocabulary (rarer slots weigh more, as in BM25's IDF)."""
        words = sorted({w for alternative in slot.alternatives for w in alternative})
        counts = dict(conn.execute(f"SELECT word, documents FROM vocab WHERE word IN ({', '.join('?' * len(words))})",
                                   words).fetchall())
        estimate = 0
        for words in slot.alternatives:
            known = [counts.get(w, 0) for w in words if w not in STOP_WORDS] or [0]
            estimate += min(known)  # a phrase is at most as common as its rarest word
        return 1.0 + math.log(documents / (min(estimate, documents) + 1.0)) if documents else 1.0

    def _by_coverage(self, conn, plan, mode, filters, params, count):
        """[(article_id, coverage score)] of the best ``count`` matches, best first."""
        documents = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
        parts = []
        slots = [(slot, slot_expression(slot)) for slot in plan.slots]
        for i, (slot, expression) in enumerate((s, e) for s, e in slots if e):
            weight = self._slot_weight(conn, slot, documents)
            params[f"s{i}"], params[f"t{i}"] = expression, f"title : {expression}"
            parts.append(f"SELECT rowid AS id, {weight:.4f} AS w FROM fts WHERE fts MATCH :s{i}")
            parts.append(f"SELECT rowid AS id, {TITLE_BONUS * weight:.4f} AS w FROM fts WHERE fts MATCH :t{i}")
        conditions = [f"m.id IN (SELECT rowid FROM fts WHERE fts MATCH :q)"] if mode == "and" else []
        if filters:
            conditions.append("m.id IN (SELECT d.article_id FROM docs d WHERE " + " AND ".join(filters) + ")")
        params["count"] = count
        return conn.execute(
            f"SELECT m.id, sum(m.w) AS score FROM ({' UNION ALL '.join(parts)}) m "
            f"{'WHERE ' + ' AND '.join(conditions) if conditions else ''} "
            "GROUP BY m.id ORDER BY score DESC, m.id LIMIT :count", params).fetchall()

    def _break_ties(self, conn, expression, ranked, offset, limit):
        """The page [offset, offset + limit) of ranked, articles with the same coverage ordered by bm25()."""
        window = ranked[offset:offset + limit]
        if not window:
            return []
        high, low = window[0][1], window[-1][1]
        tied = [(article_id, score) for article_id, score in ranked if low <= score <= high]
        before = sum(1 for _, score in ranked if score > high)
        # "+rowid" keeps SQLite from asking FTS5 for each id separately (a new query per id).
        bm25 = dict(conn.execute(f"SELECT rowid, -{BM25} FROM fts WHERE fts MATCH ? AND +rowid IN "
                                 "(SELECT value FROM json_each(?))",
                                 (expression, json.dumps([a for a, _ in tied]))).fetchall())
        tied.sort(key=lambda item: (-item[1], -bm25.get(item[0], 0.0), item[0]))
        # The score shown: coverage plus bm25() squashed below 1, so it orders the same way.
        return [(article_id, score + bm25.get(article_id, 0.0) / (1.0 + bm25.get(article_id, 0.0)))
                for article_id, score in tied[offset - before:offset - before + limit]]

    def _snippets(self, conn, expression, ids):
        """{article_id: snippet}: matched words marked in the body, else in the summary, else the summary."""
        if not ids:
            return {}
        marks = f"'{MARK_START}', '{MARK_END}'"
        rows = conn.execute(
            f"SELECT rowid, snippet(fts, 4, {marks}, ' … ', {SNIPPET_TOKENS}), highlight(fts, 1, {marks}) "
            "FROM fts WHERE fts MATCH ? AND +rowid IN (SELECT value FROM json_each(?))", (expression, json.dumps(ids)))
        found = {}
        for article_id, body, summary in rows:
            text = body if MARK_START in body or not summary else summary
            found[article_id] = marked_snippet(text)
        return found

    def suggest(self, prefix, limit=5):
        """Titles with words starting with each word typed so far (shortest titles first)."""
        words = [w[:40] for w in words_of(prefix)][:6]
        if not words:
            return []
        expression = " AND ".join(f"{_quoted([w])}*" for w in words)
        rows = self._connection().execute(
            "SELECT d.article_id, d.title FROM titles JOIN docs d ON d.article_id = titles.rowid "
            "WHERE titles MATCH ? ORDER BY length(d.title), d.article_id LIMIT ?", (expression, limit)).fetchall()
        return [(article_id, title) for article_id, title in rows]

    def known_words(self, words):
        """Words present in the unstemmed vocabulary."""
        words = list(words)
        if not words:
            return set()
        rows = self._connection().execute(
            f"SELECT word FROM vocab WHERE word IN ({', '.join('?' * len(words))})", words)
        return {word for (word,) in rows}

    def similar_words(self, word, max_edits):
        """Vocabulary words with the same first letter and a length within max_edits (a B-tree range scan)."""
        if not word:
            return {}
        first = word[0]
        rows = self._connection().execute(
            "SELECT word, documents FROM vocab WHERE word >= ? AND word < ? AND length(word) BETWEEN ? AND ?",
            (first, first + "\U0010ffff", len(word) - max_edits, len(word) + max_edits))
        return {w: n for w, n in rows if w not in STOP_WORDS}

    # -- writing -------------------------------------------------------------------------------
    @contextmanager
    def writing(self, clear=False, size=0):
        """One write transaction holding SQLite's write lock (IndexBusy after lock_timeout).

        With clear=True the index is replaced by what is added (a rebuild), in the same transaction,
        so searches keep using the old index until the new one is complete.
        """
        if not self._ready:
            self.needs_rebuild()
        conn = self._connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise IndexBusy(f"search index locked for more than {self.lock_timeout} s") from exc
        try:
            writer = _SqliteWriter(conn, fresh=clear)
            if clear:
                conn.execute("DELETE FROM fts")
                conn.execute("INSERT INTO titles (titles) VALUES ('delete-all')")
                conn.execute("DELETE FROM docs")
                conn.execute("DELETE FROM vocab")
            yield writer
            writer.finish()
            if clear:
                conn.execute("INSERT INTO fts (fts) VALUES ('optimize')")  # one b-tree per term: faster queries
                conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('built', datetime('now'))")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if clear:
            self._ready = True

    def indexed_revisions(self):
        """{article_id: revision_id} of every indexed document."""
        return dict(self._connection().execute("SELECT article_id, revision_id FROM docs").fetchall())

    def document_count(self):
        """Number of indexed documents."""
        return self._connection().execute("SELECT count(*) FROM docs").fetchone()[0]


class _SqliteWriter:
    """Adds and removes documents inside one write transaction, keeping vocabulary counts right."""

    def __init__(self, conn, fresh=False):
        self.conn = conn
        self.fresh = fresh  # rebuilding: nothing old to replace
        self.word_delta = Counter()

    def add(self, doc):
        if not self.fresh:
            self.remove(doc.article_id)
        self.word_delta.update(vocabulary(doc.title, doc.summary, doc.tags, doc.headings, doc.body))
        self.conn.execute("INSERT INTO docs (article_id, revision_id, slug, kind, category, title) "
                          "VALUES (?, ?, ?, ?, ?, ?)",
                          (doc.article_id, doc.revision_id, doc.slug, doc.kind, doc.category_slug, doc.title))
        self.conn.execute("INSERT INTO titles (rowid, title) VALUES (?, ?)", (doc.article_id, doc.title))
        self.conn.execute("INSERT INTO fts (rowid, title, summary, tags, headings, body) VALUES (?, ?, ?, ?, ?, ?)",
                          (doc.article_id, doc.title, doc.summary, doc.tags, doc.headings, doc.body))

    def remove(self, article_id):
        old = self.conn.execute("SELECT title, summary, tags, headings, body FROM fts WHERE rowid = ?",
                                (article_id,)).fetchone()
        if old is None:
            return
        self.word_delta.subtract(vocabulary(*old))
        # 'titles' reads its text from 'docs', so its entry goes first, with the text it was indexed with.
        self.conn.execute("INSERT INTO titles (titles, rowid, title) VALUES ('delete', ?, ?)", (article_id, old[0]))
        self.conn.execute("DELETE FROM fts WHERE rowid = ?", (article_id,))
        self.conn.execute("DELETE FROM docs WHERE article_id = ?", (article_id,))

    def finish(self):
        """Apply the vocabulary changes."""
        changes = [(w, n) for w, n in self.word_delta.items() if n]
        if changes:
            self.conn.executemany("INSERT INTO vocab (word, documents) VALUES (?, ?) ON CONFLICT (word) "
                                  "DO UPDATE SET documents = documents + excluded.documents", changes)
            self.conn.execute("DELETE FROM vocab WHERE documents <= 0")
