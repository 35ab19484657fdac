"""The search backend contract, and what every backend returns."""
from dataclasses import dataclass, field
from typing import Protocol

from markupsafe import Markup, escape

from app.search.documents import MARK_END, MARK_START


class IndexBusy(RuntimeError):
    """Another process held the index's write lock for longer than the timeout."""


@dataclass
class SearchHit:
    """One ranked result (article id and slug; the service joins the rest from the database)."""

    article_id: int
    slug: str
    score: float
    snippet: Markup = field(default_factory=Markup)


@dataclass
class SearchPage:
    """One page of results and the total number of matches."""

    total: int
    hits: list


class SearchBackend(Protocol):
    """What the Whoosh and PostgreSQL backends both provide (tests/search/test_contract.py)."""

    name: str

    def search(self, plan, mode="and", category=None, kind=None, offset=0, limit=10) -> SearchPage:
        """Ranked public articles matching the plan: every slot ('and') or any slot ('or')."""

    def suggest(self, prefix, limit=5) -> list:
        """[(article_id, title)] whose title words start with the words typed so far."""

    def known_words(self, words) -> set:
        """The subset of words that occur in the indexed text."""

    def similar_words(self, word, max_edits) -> dict:
        """{indexed word: documents} spelled within about max_edits of word (candidates for a typo)."""

    def needs_rebuild(self) -> bool:
        """True when the index is missing or unreadable (the caller then rebuilds it from the database)."""

    def writing(self, clear=False, size=0):
        """Context manager: a writer (``add(doc)``, ``remove(article_id)``) holding the index's write lock.

        Commits when the block ends; with clear=True what was added replaces the whole index
        (``size``, the number of documents to come, lets a backend pick a faster way to write many).
        """

    def indexed_revisions(self) -> dict:
        """{article_id: revision_id} of everything in the index (for drift checks)."""


SNIPPET_CHARS = 240


def trim_snippet(text, limit=SNIPPET_CHARS):
    """At most about ``limit`` characters around the first highlighted word, cut between words."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    first = max(text.find(MARK_START), 0)
    start = max(0, first - limit // 4)
    if start:
        start = text.find(" ", start) + 1 or start
    end = start + limit
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > first else end
    piece = text[start:end]
    if piece.count(MARK_START) > piece.count(MARK_END):
        piece += MARK_END
    return ("… " if start else "") + piece + (" …" if end < len(text) else "")


def marked_snippet(text):
    """HTML of a snippet whose highlighted words are wrapped in MARK_START/MARK_END: escaped text + <mark>."""
    escaped = str(escape(trim_snippet(text)))
    return Markup(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))
