"""Readable differences between two article revisions: per field, side by side, with changed words marked."""
import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

# Below this share of matching word characters two paired lines read better as one removed and one added line.
SIMILAR_ENOUGH = 0.3
CONTEXT_LINES = 3
# Replace blocks up to this many line pairs (200 × 200) are diffed again without autojunk; see _opcodes.
EXACT_BLOCK_LIMIT = 40_000
# Replace blocks up to this many line pairs are aligned on their most alike lines; larger ones pair in order.
PAIRING_LIMIT = 400

# Words, runs of whitespace, and single punctuation marks, so "router." → "modem." marks only the word
# and Markdown markup (**, -, [ ]) stays out of the highlight when only the text inside it changed.
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")

Part = tuple[str, bool]  # (text, highlighted)


@dataclass(frozen=True)
class Row:
    """One line of a side-by-side diff table."""

    # kind: "equal", "changed", "added", "removed" or "skip". old_parts/new_parts are [(text, highlighted)],
    # empty on the side where the line does not exist. A "skip" row stands for `hidden` unchanged lines
    # starting at old_number/new_number.

    kind: str
    old_number: int | None = None
    new_number: int | None = None
    old_parts: list[Part] = field(default_factory=list)
    new_parts: list[Part] = field(default_factory=list)
    hidden: int = 0


@dataclass(frozen=True)
class FieldDiff:
    """The rows of one changed field (Title, Summary, Body or Settings) and the lines it adds and removes."""

    name: str
    rows: list[Row]
    added: int
    removed: int


def diff_revisions(old, new, context=CONTEXT_LINES):
    """[FieldDiff] for each field that differs between two revision-like objects; old=None for a first revision."""
    if context < 0:
        raise ValueError("context must be 0 or more lines")
    diffs = []
    for name, old_lines, new_lines in _fields(old, new):
        if old_lines == new_lines:
            continue
        opcodes = _opcodes(old_lines, new_lines)
        added, removed = _count(old_lines, new_lines, opcodes)
        rows = _rows(old_lines, new_lines, opcodes, context)
        diffs.append(FieldDiff(name=name, rows=rows, added=added, removed=removed))
    return diffs


def diff_stats(old, new):
    """(added, removed) lines over all fields, for the history list; skips the word-level work."""
    added = removed = 0
    for _name, old_lines, new_lines in _fields(old, new):
        if old_lines != new_lines:
            plus, minus = _count(old_lines, new_lines, _opcodes(old_lines, new_lines))
            added += plus
            removed += minus
    return added, removed


def settings_lines(meta):
    """A revision's settings as sorted "key: value" lines (lists joined with ", ", nested keys dotted)."""
    lines = []
    for key, value in sorted(_flatten(meta or {}).items()):
        lines.append(f"{key}: {_setting_text(value)}")
    return lines


def _fields(old, new):
    """(label, old lines, new lines) for every field, in display order."""
    return [
        ("Title", _lines(_attr(old, "title")), _lines(_attr(new, "title"))),
        ("Summary", _lines(_attr(old, "summary")), _lines(_attr(new, "summary"))),
        ("Body", _lines(_attr(old, "body")), _lines(_attr(new, "body"))),
        ("Settings", settings_lines(_attr(old, "meta")), settings_lines(_attr(new, "meta"))),
    ]


def _attr(revision, name):
    """A field of a revision, None when there is no revision (the first one is compared with nothing)."""
    return getattr(revision, name, None) if revision is not None else None


def _lines(text):
    """Text split into lines with CRLF and CR normalized; a final newline adds no empty line."""
    if not text:
        return []
    # split("\n"), not splitlines(): form feeds or U+2028 inside a line must not shift the numbering.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def _flatten(meta, prefix=""):
    """Nested settings dicts as one level of dotted keys."""
    flat = {}
    for key, value in meta.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def _setting_text(value):
    """One setting value as a writer would type it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_setting_text(item) for item in value)
    return str(value)


def _opcodes(old_lines, new_lines):
    """difflib opcodes between two lists of lines, quick on long bodies and exact where a block allows."""
    prefix = _common_prefix(old_lines, new_lines)
    suffix = _common_suffix(old_lines, new_lines, prefix)
    old_middle = old_lines[prefix:len(old_lines) - suffix]
    new_middle = new_lines[prefix:len(new_lines) - suffix]
    opcodes = [("equal", 0, prefix, 0, prefix)] if prefix else []
    # The default autojunk ignores lines repeated in over 1% of a body of 200+ lines (blank lines, code
    # fences) when looking for anchors, which keeps 5,000 lines fast; without it difflib is near cubic on
    # such text. Small blocks it left as "replace" are diffed again exactly, so a fence or blank line
    # between two edits still lines up.
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_middle, new_middle).get_opcodes():
        if tag == "replace" and (i2 - i1) * (j2 - j1) <= EXACT_BLOCK_LIMIT:
            exact = SequenceMatcher(None, old_middle[i1:i2], new_middle[j1:j2], autojunk=False).get_opcodes()
            block = [(t, a1 + i1, a2 + i1, b1 + j1, b2 + j1) for t, a1, a2, b1, b2 in exact]
        else:
            block = [(tag, i1, i2, j1, j2)]
        for t, a1, a2, b1, b2 in block:
            _add_opcode(opcodes, (t, a1 + prefix, a2 + prefix, b1 + prefix, b2 + prefix))
    if suffix:
        old_end, new_end = len(old_lines), len(new_lines)
        _add_opcode(opcodes, ("equal", old_end - suffix, old_end, new_end - suffix, new_end))
    return opcodes


def _common_prefix(old_lines, new_lines):
    """How many leading lines two lists share."""
    count = 0
    for old_line, new_line in zip(old_lines, new_lines):
        if old_line != new_line:
            break
        count += 1
    return count


def _common_suffix(old_lines, new_lines, prefix):
    """How many trailing lines two lists share, not counting into their shared first `prefix` lines."""
    count, limit = 0, min(len(old_lines), len(new_lines)) - prefix
    while count < limit and old_lines[-1 - count] == new_lines[-1 - count]:
        count += 1
    return count


def _add_opcode(opcodes, opcode):
    """Append an opcode, joining it to the previous one when both are unchanged runs."""
    if opcodes and opcodes[-1][0] == opcode[0] == "equal":
        tag, i1, _i2, j1, _j2 = opcodes[-1]
        opcodes[-1] = (tag, i1, opcode[2], j1, opcode[4])
    else:
        opcodes.append(opcode)


def _count(old_lines, new_lines, opcodes):
    """(added, removed) lines in a list of opcodes; a changed line counts once on each side."""
    added = removed = 0
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        # Paired lines that are equal (possible in large replace blocks) are shown, and counted, as unchanged.
        same = 0
        if tag == "replace":
            same = sum(old_lines[i1 + k] == new_lines[j1 + k] for k in range(min(i2 - i1, j2 - j1)))
        removed += i2 - i1 - same
        added += j2 - j1 - same
    return added, removed


def _rows(old_lines, new_lines, opcodes, context):
    """Table rows for the opcodes, with long unchanged runs folded into skip rows."""
    rows = []
    last = len(opcodes) - 1
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            rows.extend(_equal_rows(old_lines, i1, i2, j1, context, first=index == 0, last=index == last))
        elif tag == "delete":
            rows.extend(_removed(old_lines[i], i + 1) for i in range(i1, i2))
        elif tag == "insert":
            rows.extend(_added(new_lines[j], j + 1) for j in range(j1, j2))
        else:
            rows.extend(_replace_rows(old_lines, new_lines, i1, i2, j1, j2))
    return rows


def _equal_rows(old_lines, i1, i2, j1, context, first, last):
    """Unchanged lines: `context` lines next to each change stay, the rest become one skip row."""
    keep_head = 0 if first else context
    keep_tail = 0 if last else context
    length = i2 - i1
    hidden = length - keep_head - keep_tail
    # Folding a single line would take as much room as showing it.
    if hidden <= 1:
        keep_head, hidden = length, 0
    rows = [_equal(old_lines[i1 + k], i1 + k + 1, j1 + k + 1) for k in range(keep_head)]
    if hidden:
        rows.append(Row("skip", old_number=i1 + keep_head + 1, new_number=j1 + keep_head + 1, hidden=hidden))
        rows.extend(_equal(old_lines[i1 + k], i1 + k + 1, j1 + k + 1) for k in range(length - keep_tail, length))
    return rows


def _replace_rows(old_lines, new_lines, i1, i2, j1, j2):
    """Rows for a block of replaced lines: alike lines paired as changed, the rest removed or added."""
    if (i2 - i1) * (j2 - j1) <= PAIRING_LIMIT:
        return _Aligner(old_lines, new_lines, i1, i2, j1, j2).rows(i1, i2, j1, j2)
    # Too many pairs to compare each with each: pair in order, leftovers are removed or added.
    rows = []
    pairs = min(i2 - i1, j2 - j1)
    for k in range(pairs):
        i, j = i1 + k, j1 + k
        rows.extend(_pair_rows(old_lines, new_lines, i, j, _compare(old_lines[i], new_lines[j])))
    rows.extend(_removed(old_lines[i], i + 1) for i in range(i1 + pairs, i2))
    rows.extend(_added(new_lines[j], j + 1) for j in range(j1 + pairs, j2))
    return rows


class _Aligner:
    """Rows for a small replace block, synced on its most alike pair of lines and recursing on either side."""

    # So a line inserted above an edited one shows as added + changed, not as two unrelated pairs.

    def __init__(self, old_lines, new_lines, i1, i2, j1, j2):
        """Remember the lines and count each line's words once for the quick similarity bound."""
        self.old_lines, self.new_lines = old_lines, new_lines
        self.old_words = {i: _word_weights(old_lines[i]) for i in range(i1, i2)}
        self.new_words = {j: _word_weights(new_lines[j]) for j in range(j1, j2)}
        self.comparisons = {}

    def rows(self, i1, i2, j1, j2):
        """Rows for old lines i1..i2 against new lines j1..j2."""
        best, best_similarity = None, 0.0
        for i in range(i1, i2):
            for j in range(j1, j2):
                similarity = self._similarity(i, j, at_least=max(best_similarity, SIMILAR_ENOUGH))
                if similarity >= SIMILAR_ENOUGH and (best is None or similarity > best_similarity):
                    best, best_similarity = (i, j), similarity
        if best is None:
            return [_removed(self.old_lines[i], i + 1) for i in range(i1, i2)] + [
                _added(self.new_lines[j], j + 1) for j in range(j1, j2)
            ]
        i, j = best
        paired = _pair_rows(self.old_lines, self.new_lines, i, j, self.comparisons[i, j])
        return self.rows(i1, i, j1, j) + paired + self.rows(i + 1, i2, j + 1, j2)

    def _similarity(self, i, j, at_least):
        """Similarity of old line i and new line j, or 0 when a cheap bound shows it is below at_least."""
        if (i, j) not in self.comparisons:
            # Word diffs of long paragraphs are slow; most pairs in a rewritten block fail this bound.
            if _similarity_bound(self.old_words[i], self.new_words[j]) < at_least:
                return 0.0
            self.comparisons[i, j] = _compare(self.old_lines[i], self.new_lines[j])
        return self.comparisons[i, j][0]


def _word_weights(line):
    """The visible tokens of a line with how often each occurs."""
    return Counter(token for token in _TOKEN.findall(line) if not token.isspace())


def _similarity_bound(old_words, new_words):
    """An upper bound on the similarity _compare gives, from the tokens two lines share in any order."""
    total = sum(len(token) * n for token, n in (old_words + new_words).items())
    if total == 0:
        return 1.0
    common = sum(len(token) * min(n, new_words[token]) for token, n in old_words.items() if token in new_words)
    return 2 * common / total


def _pair_rows(old_lines, new_lines, i, j, comparison):
    """One row for old line i against new line j: equal, changed, or removed then added when too different."""
    old_line, new_line = old_lines[i], new_lines[j]
    if old_line == new_line:
        return [_equal(old_line, i + 1, j + 1)]
    similarity, old_parts, new_parts = comparison
    if similarity < SIMILAR_ENOUGH:
        return [_removed(old_line, i + 1), _added(new_line, j + 1)]
    return [Row("changed", i + 1, j + 1, old_parts, new_parts)]


def _compare(old_line, new_line):
    """(similarity 0–1, old parts, new parts) for two lines, with the differing words highlighted."""
    old_tokens, new_tokens = _TOKEN.findall(old_line), _TOKEN.findall(new_line)
    old_starts, new_starts = _word_positions(old_tokens), _word_positions(new_tokens)
    old_words, new_words = [old_tokens[k] for k in old_starts], [new_tokens[k] for k in new_starts]
    old_parts, new_parts = [], []
    if old_words == new_words:
        # Only whitespace differs: compare every token so the changed spaces are what gets marked.
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_tokens, new_tokens, autojunk=False).get_opcodes():
            _append(old_parts, "".join(old_tokens[i1:i2]), tag != "equal")
            _append(new_parts, "".join(new_tokens[j1:j2]), tag != "equal")
        return 1.0, old_parts, new_parts
    # Words alone are compared: with the spaces between them as tokens difflib turns quadratic on long
    # paragraphs. Each run of words carries the whitespace after it (and the first, the indentation before).
    same = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        if tag == "equal":
            same += sum(len(word) for word in old_words[i1:i2])
        _append_run(old_parts, old_tokens[_edge(old_starts, old_tokens, i1) : _edge(old_starts, old_tokens, i2)], tag)
        _append_run(new_parts, new_tokens[_edge(new_starts, new_tokens, j1) : _edge(new_starts, new_tokens, j2)], tag)
    total = sum(len(word) for word in old_words) + sum(len(word) for word in new_words)
    return 2 * same / total, old_parts, new_parts


def _word_positions(tokens):
    """Indexes of the tokens that are not whitespace."""
    return [k for k, token in enumerate(tokens) if not token.isspace()]


def _edge(starts, tokens, k):
    """Token index where the k-th word's run begins (the line's start for the first, its end past the last)."""
    if k == 0:
        return 0
    return starts[k] if k < len(starts) else len(tokens)


def _append_run(parts, tokens, tag):
    """Add a run of tokens for an opcode tag; a changed run leaves the whitespace around its words unmarked."""
    text = "".join(tokens)
    if tag == "equal":
        _append(parts, text, False)
        return
    core = text.strip()
    lead = text[: len(text) - len(text.lstrip())]
    _append(parts, lead, False)
    _append(parts, core, True)
    _append(parts, text[len(lead) + len(core):], False)


def _append(parts, text, highlighted):
    """Add text to a parts list, merging it into the previous part when the highlighting agrees."""
    if not text:
        return
    if parts and parts[-1][1] == highlighted:
        parts[-1] = (parts[-1][0] + text, highlighted)
    else:
        parts.append((text, highlighted))


def _equal(line, old_number, new_number):
    """A row for an unchanged line."""
    return Row("equal", old_number, new_number, [(line, False)], [(line, False)])


def _removed(line, old_number):
    """A row for a line only the old revision has."""
    return Row("removed", old_number=old_number, old_parts=[(line, False)])


def _added(line, new_number):
    """A row for a line only the new revision has."""
    return Row("added", new_number=new_number, new_parts=[(line, False)])
