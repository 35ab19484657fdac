"""Search gaps: queries that found nothing, whose results were not opened, or that were followed by an
inquiry, grouped by their words and by close spelling; and how searches for a gap went after a moment."""
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice

from sqlalchemy import func, select

from app.analytics.models import QueryDay, RollupDay
from app.analytics.periods import span_label, today_utc
from app.core.plugins import DashboardPart, Table, add_feature_dashboard_source
from app.extensions import db
from app.search.query import damerau_levenshtein, words_of

MIN_MERGE_CHARS = 4  # shorter queries ("ups", "vat") are too alike to tell a typo from another word
MAX_CANDIDATES = 40  # group names compared per query: keeps clustering linear in the number of gaps
MAX_TOTAL_EDITS = 3
LENGTH_DELTAS = sorted(range(-MAX_TOTAL_EDITS, MAX_TOTAL_EDITS + 1), key=abs)  # the same length first
GAP_COLUMNS = ["Query", "Failed searches", "No results", "No click", "Followed by inquiry", "Last seen",
               "Spellings", "Backlog"]


@dataclass
class Gap:
    """Searches for one thing (every spelling of it) that did not help the visitor."""

    key: str  # the group's words: its most searched spelling without punctuation
    label: str  # that spelling as visitors typed it (normalized)
    spellings: dict = field(default_factory=dict)  # every spelling in the group: its searches
    searches: int = 0
    zero_results: int = 0
    no_clicks: int = 0
    escalated: int = 0
    last_seen: object = None
    item: object = None  # the BacklogItem for this gap, when there is one

    @property
    def variants(self):
        """Every spelling: the label first, then the most searched."""
        return sorted(self.spellings, key=lambda text: (text != self.label, -self.spellings[text], text))

    @property
    def failed(self):
        """Searches that found nothing or whose results nobody opened."""
        return self.zero_results + self.no_clicks

    @property
    def suggested_title(self):
        """What a backlog item for this gap is called at first: the label with a capital letter."""
        return self.label[:1].upper() + self.label[1:]

    def add(self, other):
        """Fold another gap (a spelling of the same thing) into this one."""
        self.spellings.update(other.spellings)
        self.searches += other.searches
        self.zero_results += other.zero_results
        self.no_clicks += other.no_clicks
        self.escalated += other.escalated
        self.last_seen = max(self.last_seen, other.last_seen)


def query_key(query):
    """The words of a query, without punctuation: "Password reset?" and "password reset" share one."""
    return " ".join(words_of(query)) or query


def close_spelling(a, b):
    """True when two query keys are the same words with small typos ("pasword reset", "passwrod reset")."""
    if len(a) < MIN_MERGE_CHARS or len(b) < MIN_MERGE_CHARS:
        return False
    return a.replace(" ", "") == b.replace(" ", "") or _close_words(a.split(), b.split())  # "log in" / "login"


def _close_words(words, others):
    """True when two lists of words pair up as the same words with small typos."""
    if len(words) != len(others):
        return False
    total = 0
    for word, other in zip(words, others):
        if word == other:
            continue
        longest = max(len(word), len(other))
        limit = 0 if longest < 5 else 1 if longest <= 8 else 2  # none below 5 letters, 1 up to 8, then 2
        # Cheap bounds first: an edit changes the length by at most one and the set of letters by at most two.
        if abs(len(word) - len(other)) > limit or len(set(word) ^ set(other)) > 2 * limit:
            return False
        distance = damerau_levenshtein(word, other)
        if distance > limit:
            return False
        total += distance
    return total <= MAX_TOTAL_EDITS


def cluster(gaps):
    """Merge gaps whose keys are close spellings; the most searched one names the group."""
    heads, buckets = [], {}
    for gap in sorted(gaps, key=lambda g: (-g.searches, g.key)):
        if len(gap.key) < MIN_MERGE_CHARS:
            heads.append(gap)
            continue
        words, compact = gap.key.split(), gap.key.replace(" ", "")
        home = _close_head(words, compact, buckets)
        if home:
            home.add(gap)
            continue
        heads.append(gap)
        buckets.setdefault(compact, []).append((words, gap))
        buckets.setdefault((tuple(word[0] for word in words), len(compact)), []).append((words, gap))
    return heads


def _close_head(words, compact, buckets):
    """The group whose name is a close spelling of ``words``, or None.

    Only names where one could be are compared, at most MAX_CANDIDATES of them, so clustering stays
    proportional to the number of gaps: the same letters without spaces, or the same words' initials
    and a length within MAX_TOTAL_EDITS (a typo in a first letter is rare enough to miss)."""
    if compact in buckets:
        return buckets[compact][0][1]
    initials = tuple(word[0] for word in words)
    near = (entry for delta in LENGTH_DELTAS for entry in buckets.get((initials, len(compact) + delta), ()))
    return next((gap for others, gap in islice(near, MAX_CANDIDATES) if _close_words(others, words)), None)


def _query_rows(period):
    """[(query, searches, zero results, no clicks, escalated, last seen)] of the queries that failed in the range."""
    zero, no_click, escalated = (func.sum(QueryDay.zero_results), func.sum(QueryDay.no_clicks),
                                 func.sum(QueryDay.escalated))
    return db.session.execute(
        select(QueryDay.query, func.sum(QueryDay.searches), zero, no_click, escalated, func.max(QueryDay.last_seen))
        .where(QueryDay.day >= period.start, QueryDay.day <= period.end, QueryDay.query != "")
        .group_by(QueryDay.query)
        .having(zero + no_click + escalated > 0)
    ).all()


def search_gaps(period, limit=None):
    """The range's search gaps, biggest first: grouped by words and close spelling, with their backlog item."""
    by_key = {}
    for query, searches, zero, no_click, escalated, last_seen in _query_rows(period):
        gap = Gap(query_key(query), query, {query: int(searches or 0)}, int(searches or 0), int(zero or 0),
                  int(no_click or 0), int(escalated or 0), last_seen)
        if gap.key in by_key:
            same = by_key[gap.key]
            same.add(gap)
            same.label = min(same.spellings, key=lambda text: (-same.spellings[text], text))
        else:
            by_key[gap.key] = gap
    gaps = cluster(by_key.values())
    _attach_items(gaps)
    gaps.sort(key=lambda g: (-(g.failed + g.escalated), -g.searches, g.key))
    return gaps[:limit] if limit else gaps


def _attach_items(gaps):
    """Give each gap the backlog item filed for its key or one of its spellings (an open one first)."""
    from app.dashboard.models import CLOSED_STATUSES, BacklogItem

    items = db.session.execute(select(BacklogItem)).scalars().all()
    # Sorted so that later items win: open ones over closed ones, then the newest.
    items.sort(key=lambda item: (item.status not in CLOSED_STATUSES, item.id))
    found = {}
    for item in items:
        for name in [item.gap_key, *(item.queries or [])]:
            found[name] = found[query_key(name)] = item
    for gap in gaps if found else ():
        matches = [found[name] for name in (gap.key, *gap.spellings) if name in found]
        gap.item = max(matches, key=lambda item: (item.status not in CLOSED_STATUSES, item.id), default=None)


def gap_rows(gaps):
    """The table rows of some gaps: plain cells, so the page, the overview and the CSV agree."""
    return [[gap.label, gap.failed, gap.zero_results, gap.no_clicks, gap.escalated, gap.last_seen,
             ", ".join(gap.variants[1:]), gap.item.status_label if gap.item else ""] for gap in gaps]


def gap_table(period, limit):
    """The top ``limit`` gaps of the range as a dashboard table."""
    gaps = search_gaps(period, limit)
    return Table("search_gaps", "Search gaps", GAP_COLUMNS, gap_rows(gaps), order=30,
                 empty="No failed searches in this range.",
                 note="Searches (first result page) that found nothing, whose results nobody opened, or that "
                      "were followed by an inquiry within 24 hours; close spellings are counted together.")


@dataclass
class SearchCounts:
    """How searches for some spellings went over days ``start``..``end`` (None when there are no days)."""

    start: object = None
    end: object = None
    searches: int = 0
    zero_results: int = 0
    no_clicks: int = 0
    escalated: int = 0

    @property
    def days(self):
        """How many days were counted."""
        return (self.end - self.start).days + 1 if self.start else 0

    @property
    def span(self):
        """The days as words: "3–9 November 2026"."""
        return span_label(self.start, self.end) if self.start else ""

    @property
    def zero_share(self):
        """Searches that found nothing ÷ searches, or None without searches."""
        return self.zero_results / self.searches if self.searches else None


def searches_between(queries, start, end):
    """SearchCounts for the spellings ``queries`` over days ``start``..``end`` (both included)."""
    if not queries or start > end:
        return SearchCounts()
    row = db.session.execute(
        select(func.sum(QueryDay.searches), func.sum(QueryDay.zero_results), func.sum(QueryDay.no_clicks),
               func.sum(QueryDay.escalated))
        .where(QueryDay.query.in_(list(queries)), QueryDay.day >= start, QueryDay.day <= end)
    ).one()
    return SearchCounts(start, end, *(int(value or 0) for value in row))


def searches_after(queries, since, until=None):
    """How searches for ``queries`` went in the whole days after the moment ``since``, up to ``until``
    (a date, default today). The moment's own day is left out: it mixes before and after."""
    return searches_between(queries, since.date() + timedelta(days=1), until or today_utc())


def before_and_after(queries, moment, today=None):
    """(before, after): searches for ``queries`` in the days after ``moment`` and in as many days before it.

    Both spans are cut to the days before the moment that have aggregates, so the two compare; without
    any, ``before`` is empty and ``after`` runs to today."""
    today = today or today_utc()
    day = moment.date()
    firsts = [db.session.scalar(select(func.min(RollupDay.day))), db.session.scalar(select(func.min(QueryDay.day)))]
    earliest = min((first for first in firsts if first is not None), default=day)
    span = min((today - day).days, (day - earliest).days)
    if span <= 0:
        return SearchCounts(), searches_after(queries, moment, today)
    before = searches_between(queries, day - timedelta(days=span), day - timedelta(days=1))
    return before, searches_after(queries, moment, day + timedelta(days=span))


def init_app(app):
    """Put the top gaps on the dashboard overview."""
    add_feature_dashboard_source(app, "analytics", "gaps",
                                 overview=lambda period, previous: DashboardPart(tables=[gap_table(period, 10)]))
