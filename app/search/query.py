"""From what a visitor typed to a query plan: words, phrases, synonyms and typo corrections.

Queries are never handed to a query parser, so field syntax (`status:draft`), wildcards and
operators are just words. Every backend builds its own query from the plan.
"""
import os
import re
import threading
import unicodedata
from dataclasses import dataclass, field

import yaml

MAX_QUERY_CHARS = 200
MAX_SLOTS = 10
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
PHRASE = re.compile(r'"([^"]+)"')
# English stop words: they match nearly every article, so they neither filter nor rank.
STOP_WORDS = frozenset(
    "a an and are as at be by can do does for from has have how i if in is it my of on or so the this to "
    "was what when where which who why will with you your me we our not no us am "
    "cant cannot dont doesnt didnt wont isnt arent wasnt im ive its get got many much".split()
)


def normalize(raw):
    """Query text as stored for analytics: NFKC, control characters removed, lower case, single spaces."""
    text = unicodedata.normalize("NFKC", str(raw or ""))[: MAX_QUERY_CHARS * 4]
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.lower().split())[:MAX_QUERY_CHARS]


def words_of(text):
    """Words of a text: letters and digits of any script, apostrophes inside words dropped."""
    return [re.sub(r"['’]", "", w) for w in WORD.findall(text.lower())]


def vocabulary(*texts):
    """The distinct words of a document, as typo correction compares them (stop words left out)."""
    return {w[:80] for t in texts for w in words_of(t) if len(w) > 1 and w not in STOP_WORDS}


@dataclass
class Slot:
    """One thing the visitor asked for: alternatives (each a tuple of words; >1 word is a phrase)."""

    text: str
    alternatives: list
    phrase: bool = False
    corrected: str | None = None  # the closest known word when the typed one is unknown


@dataclass
class QueryPlan:
    """The analysed query that backends turn into their own query language."""

    text: str  # normalized query
    slots: list = field(default_factory=list)

    @property
    def empty(self):
        """True when there is nothing to search for."""
        return not self.slots

    def suggestion(self):
        """The query with typos replaced by known words, or None when nothing was corrected."""
        if not any(slot.corrected for slot in self.slots):
            return None
        parts = []
        for slot in self.slots:
            if slot.phrase:
                parts.append(f'"{slot.text}"')
            else:
                parts.append(slot.corrected or slot.text)
        return " ".join(parts)

    def all_words(self):
        """Every word of every alternative (for highlighting and vocabulary checks)."""
        return sorted({w for slot in self.slots for alt in slot.alternatives for w in alt})


class Synonyms:
    """Groups of equivalent terms from a YAML list of lists, reloaded when the file changes."""

    def __init__(self, path):
        self.path = path
        self._mtime = None
        self._lookup = {}
        self._longest = 1
        self._lock = threading.Lock()

    def _load(self):
        try:
            mtime = os.stat(self.path).st_mtime_ns
        except OSError:
            mtime = None
        if mtime == self._mtime:
            return
        lookup, longest = {}, 1
        if mtime is not None:
            try:
                with open(self.path, encoding="utf-8") as fh:
                    groups = yaml.safe_load(fh) or []
            except (OSError, yaml.YAMLError, UnicodeDecodeError):
                groups = []  # a broken file must not break search; `flask search check` reports it
            for group in groups if isinstance(groups, list) else []:
                if not isinstance(group, list):
                    continue
                entries = [tuple(words_of(str(term))) for term in group]
                entries = [e for e in dict.fromkeys(entries) if e]
                for entry in entries:
                    lookup[entry] = entries
                    longest = max(longest, len(entry))
        with self._lock:
            self._lookup, self._longest, self._mtime = lookup, longest, mtime

    def groups_for(self, words, start):
        """(length, alternatives) of the longest synonym entry starting at words[start], or (1, None)."""
        self._load()
        for length in range(min(self._longest, len(words) - start), 0, -1):
            entry = tuple(words[start:start + length])
            if entry in self._lookup:
                return length, self._lookup[entry]
        return 1, None


def build_plan(raw, synonyms=None):
    """Analyse a raw query: quoted phrases, words (stop words dropped), synonym alternatives."""
    text = normalize(raw)
    slots = []
    for phrase in PHRASE.findall(text):
        words = [w for w in words_of(phrase)]
        if len(words) > 1:
            slots.append(Slot(text=" ".join(words), alternatives=[tuple(words)], phrase=True))
        elif words:
            slots.append(Slot(text=words[0], alternatives=[(words[0],)]))
    rest = PHRASE.sub(" ", text)
    words = words_of(rest.replace('"', " "))
    only_stop_words = all(w in STOP_WORDS for w in words)
    i = 0
    while i < len(words) and len(slots) < MAX_SLOTS:
        length, group = synonyms.groups_for(words, i) if synonyms else (1, None)
        piece = words[i:i + length]
        i += length
        if group is None and piece[0] in STOP_WORDS and not only_stop_words:
            continue  # "how do I log in": the synonym "log in" is kept, the lone "how" is not
        slots.append(Slot(text=" ".join(piece), alternatives=list(group) if group else [tuple(piece)]))
    return QueryPlan(text=text, slots=slots[:MAX_SLOTS])


def damerau_levenshtein(a, b):
    """Edit distance counting a swap of two neighbouring letters as one edit ("paymnet" → "payment" = 1)."""
    if a == b:
        return 0
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def allowed_typos(word):
    """How many edits a word of this length may carry and still be corrected."""
    if len(word) <= 3:
        return 0
    return 1 if len(word) <= 5 else 2


def best_correction(word, candidates):
    """The closest candidate (fewest edits, then most documents), or None. candidates: {word: documents}."""
    limit = allowed_typos(word)
    best = None
    for candidate, documents in candidates.items():
        if candidate == word or abs(len(candidate) - len(word)) > limit:
            continue
        distance = damerau_levenshtein(word, candidate)
        if distance <= limit:
            rank = (distance, -documents, candidate)
            if best is None or rank < best[0]:
                best = (rank, candidate)
    return best[1] if best else None


def correct_plan(plan, backend, synonyms=None):
    """Add the closest known word as an alternative for every unknown single word of the plan."""
    singles = [s for s in plan.slots if not s.phrase and len(s.alternatives) == 1 and len(s.alternatives[0]) == 1]
    unknown = [s for s in singles if allowed_typos(s.text)]
    if not unknown:
        return plan
    known = backend.known_words([s.text for s in unknown])
    for slot in unknown:
        if slot.text in known:
            continue
        fix = best_correction(slot.text, backend.similar_words(slot.text, allowed_typos(slot.text)))
        if fix:
            slot.corrected = fix
            group = synonyms.groups_for([fix], 0)[1] if synonyms else None
            slot.alternatives = slot.alternatives + [alt for alt in (group or [(fix,)]) if alt not in slot.alternatives]
    return plan
