"""The default search backend: a Whoosh index in the instance folder (pure Python, zero setup).

Whoosh allows one writer at a time per index. Every write goes through :meth:`WhooshBackend.writing`,
which waits up to a timeout for the index lock; the job queue in ``indexing.py`` makes sure a write
that could not get the lock is retried later instead of lost.
"""
import os
import shutil
import threading
from contextlib import contextmanager

from whoosh import highlight, index
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemmingAnalyzer, StopFilter
from whoosh.fields import ID, NGRAMWORDS, STORED, TEXT, FieldType, Schema
from whoosh.formats import Existence
from whoosh.index import LockError
from whoosh.query import And, Or, Phrase, Term
from whoosh.writing import CLEAR

from app.search.backend import IndexBusy, SearchHit, SearchPage, marked_snippet
from app.search.documents import MARK_END, MARK_START
from app.search.query import STOP_WORDS

# Title and summary above body, headings above paragraphs (field boosts feed BM25F).
FIELD_BOOSTS = {"title": 4.0, "summary": 2.0, "tags": 2.0, "headings": 1.5, "body": 1.0}
TYPO_BOOST = 0.7  # a corrected word counts a little less than what was typed
PARALLEL_REBUILD_SIZE = 2000

STEMMED = StemmingAnalyzer(stoplist=STOP_WORDS, minsize=2)
PLAIN = RegexTokenizer() | LowercaseFilter() | StopFilter(stoplist=STOP_WORDS, minsize=2)


def make_schema():
    """Fields of the index."""
    return Schema(
        article_id=ID(stored=True, unique=True),
        revision_id=STORED,
        slug=STORED,
        kind=ID(stored=True),
        category=ID(stored=True),
        title=TEXT(analyzer=STEMMED, stored=True, field_boost=FIELD_BOOSTS["title"]),
        summary=TEXT(analyzer=STEMMED, stored=True, field_boost=FIELD_BOOSTS["summary"]),
        tags=TEXT(analyzer=STEMMED, field_boost=FIELD_BOOSTS["tags"]),
        headings=TEXT(analyzer=STEMMED, field_boost=FIELD_BOOSTS["headings"]),
        body=TEXT(analyzer=STEMMED, stored=True),
        # Unstemmed vocabulary for typo correction only: which documents hold a word, nothing more.
        words=FieldType(format=Existence(), analyzer=PLAIN, scorable=False, stored=False),
        title_prefix=NGRAMWORDS(minsize=1, maxsize=20, at="start"),
    )


class MarkFormatter(highlight.Formatter):
    """Marks matched words with private-use characters; the text is escaped later, then marked up."""

    between = " … "

    def format_token(self, text, token, replace=False):
        return MARK_START + highlight.get_text(text, token, replace) + MARK_END


class WhooshBackend:
    """Search over a Whoosh index directory."""

    name = "whoosh"

    def __init__(self, directory, lock_timeout=10.0):
        self.directory = directory
        self.lock_timeout = lock_timeout
        self._ix = None
        self._local = threading.local()
        self._open_lock = threading.Lock()

    # -- opening -------------------------------------------------------------------------------
    def needs_rebuild(self):
        """True when the index is missing or cannot be read (it is then recreated empty)."""
        with self._open_lock:
            if self._ix is not None:
                return False
            try:
                if index.exists_in(self.directory):
                    self._ix = index.open_dir(self.directory)
                    with self._ix.searcher() as searcher:
                        searcher.doc_count()
                    return False
            except Exception:  # noqa: BLE001 - any unreadable index is moved aside and rebuilt
                self._ix = None
                self._move_aside()
            os.makedirs(self.directory, exist_ok=True)
            try:
                self._ix = index.create_in(self.directory, make_schema())
            except LockError:  # another worker is creating it right now
                self._ix = index.open_dir(self.directory)
            return True

    def _move_aside(self):
        if os.path.isdir(self.directory):
            broken = f"{self.directory}.broken"
            shutil.rmtree(broken, ignore_errors=True)
            os.replace(self.directory, broken)

    @property
    def ix(self):
        if self._ix is None:
            self.needs_rebuild()
        return self._ix

    def _searcher(self):
        """A per-thread searcher, reopened when the index changed.

        Not ``Searcher.refresh()``: it reuses segment readers, and a reused segment keeps its old set
        of deleted documents, so a replaced article would still be found by its old words.
        """
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None and not searcher.up_to_date():
            searcher.close()
            searcher = None
        if searcher is None:
            searcher = self.ix.searcher()
            self._local.searcher = searcher
        return searcher

    # -- querying ------------------------------------------------------------------------------
    def _analyze(self, words):
        return [token.text for token in STEMMED(" ".join(words), mode="query")]

    def _alternative(self, words, boost, exact):
        terms = self._analyze(words)
        if not terms:
            return None
        clauses = []
        for field_name in FIELD_BOOSTS:
            if len(terms) == 1:
                clauses.append(Term(field_name, terms[0], boost=boost))
            elif exact:
                clauses.append(Phrase(field_name, terms, slop=1, boost=boost))
            else:  # a several-word synonym: its words in the same field, cheaper than a phrase
                clauses.append(And([Term(field_name, t) for t in terms], boost=boost))
        return Or(clauses)

    def _slot(self, slot):
        parts = []
        for words in slot.alternatives:
            boost = TYPO_BOOST if slot.corrected and words == (slot.corrected,) else 1.0
            part = self._alternative(words, boost, exact=slot.phrase)
            if part is not None:
                parts.append(part)
        return Or(parts) if parts else None

    def build_query(self, plan, mode):
        """Whoosh query for a plan; None when nothing searchable is left (only stop words)."""
        slots = [q for q in (self._slot(slot) for slot in plan.slots) if q is not None]
        if not slots:
            return None
        return And(slots) if mode == "and" else Or(slots, scale=0.9)

    def search(self, plan, mode="and", category=None, kind=None, offset=0, limit=10):
        """Ranked hits with highlighted snippets."""
        query = self.build_query(plan, mode)
        if query is None:
            return SearchPage(total=0, hits=[])
        filters = [Term("category", category)] if category else []
        if kind:
            filters.append(Term("kind", kind))
        searcher = self._searcher()
        allowed = And(filters) if filters else None
        if allowed is not None and not any(True for _ in searcher.docs_for_query(allowed)):
            return SearchPage(total=0, hits=[])  # Whoosh ignores a filter that matches nothing
        results = searcher.search(query, limit=offset + limit, filter=allowed, terms=True)
        results.fragmenter = highlight.ContextFragmenter(maxchars=220, surround=60)
        results.formatter = MarkFormatter()
        hits = []
        for hit in results[offset:offset + limit]:
            text = hit.highlights("body", top=1) or hit.highlights("summary") or hit.get("summary") or hit["body"][:200]
            hits.append(SearchHit(article_id=int(hit["article_id"]), slug=hit["slug"], score=float(hit.score),
                                  snippet=marked_snippet(text)))
        # docs(): the matches after the filter (len(results) counts them before it)
        return SearchPage(total=len(results.docs()), hits=hits)

    def suggest(self, prefix, limit=5):
        """Titles whose words start with what was typed."""
        words = [t.text for t in PLAIN(prefix)][:6]
        words = [w[:20] for w in words]
        if not words:
            return []
        searcher = self._searcher()
        results = searcher.search(And([Term("title_prefix", w) for w in words]), limit=limit)
        return [(int(hit["article_id"]), hit["title"]) for hit in results]

    def known_words(self, words):
        """Words present in the unstemmed vocabulary."""
        reader = self._searcher().reader()
        return {w for w in words if reader.doc_frequency("words", w) > 0}

    def similar_words(self, word, max_edits):
        """Vocabulary words within max_edits (+1, as Whoosh does not count a swap as one edit)."""
        reader = self._searcher().reader()
        found = reader.terms_within("words", word, min(max_edits + 1, 2), prefix=1)
        return {term: reader.doc_frequency("words", term) for term in found}

    # -- writing -------------------------------------------------------------------------------
    @contextmanager
    def writing(self, clear=False, size=0):
        """A writer holding the index lock (IndexBusy after lock_timeout); commits on success.

        With clear=True the index is replaced by what is added (a rebuild). A large rebuild (``size``
        documents) analyses text in two processes and keeps their two segments, which halves its time.
        """
        options = {"limitmb": 256}
        if clear and size >= PARALLEL_REBUILD_SIZE and (os.cpu_count() or 1) > 1:
            options = {"limitmb": 1024, "procs": 2, "multisegment": True}  # up to ~1 GB per process
        try:
            writer = self.ix.writer(timeout=self.lock_timeout, delay=0.05, **options)
        except LockError as exc:
            raise IndexBusy(f"search index locked for more than {self.lock_timeout} s") from exc
        try:
            yield _WhooshWriter(writer, fresh=clear)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=CLEAR) if clear else writer.commit()

    def indexed_revisions(self):
        """{article_id: revision_id} of every indexed document."""
        searcher = self._searcher()
        return {int(f["article_id"]): f["revision_id"] for f in searcher.all_stored_fields()}

    def document_count(self):
        """Number of indexed documents."""
        return self._searcher().doc_count()


class _WhooshWriter:
    """Add and remove documents inside one locked write."""

    def __init__(self, writer, fresh=False):
        self.writer = writer
        self.fresh = fresh  # rebuilding: nothing old to replace

    def add(self, doc):
        if self.fresh:
            self.writer.add_document(**_fields(doc))
        else:
            self.writer.update_document(**_fields(doc))

    def remove(self, article_id):
        self.writer.delete_by_term("article_id", str(article_id))


def _fields(doc):
    """Index fields of a SearchDoc."""
    return {
        "article_id": str(doc.article_id),
        "revision_id": doc.revision_id,
        "slug": doc.slug,
        "kind": doc.kind,
        "category": doc.category_slug,
        "title": doc.title,
        "summary": doc.summary,
        "tags": doc.tags,
        "headings": doc.headings,
        "body": doc.body,
        "words": " ".join((doc.title, doc.summary, doc.tags, doc.headings, doc.body)),
        "title_prefix": doc.title,
    }
