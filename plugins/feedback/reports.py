"""Ratings reports for support leads: plain filters in, plain rows out; every count comes from vote rows."""
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from app.analytics.periods import week_start
from app.core import dates
from app.extensions import db
from app.kb.models import Article, Category, Revision, utcnow
from plugins.feedback.models import REASONS, Vote
from plugins.feedback.screening import mask_contacts

Z_95 = 1.96  # two-sided 95% normal quantile for the Wilson score interval
TREND_WEEKS = 12
MAX_TREND_WEEKS = 52
NO_REASON = "No reason given"

# The article's title is the one readers see: the published revision's, else the newest draft's.
TitleRevision = aliased(Revision, name="title_revision")
ARTICLE_TITLE = func.coalesce(TitleRevision.title, Article.slug)
HELPFUL_VOTES = func.sum(case((Vote.helpful, 1), else_=0))


class FilterError(ValueError):
    """A filter value that cannot be used; ``field`` is from, to or category; the message is for people."""

    def __init__(self, message, field=""):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class VoteFilter:
    """Which votes a report counts: cast on ``start``..``end`` (inclusive days, UTC) in these categories."""

    start: date | None = None
    end: date | None = None
    category_slug: str = ""
    category_ids: tuple = ()

    def query_args(self):
        """The filter as URL query arguments (for links and downloads that keep it)."""
        args = {"from": self.start and self.start.isoformat(), "to": self.end and self.end.isoformat(),
                "category": self.category_slug}
        return {key: value for key, value in args.items() if value}


def parse_day(text, field_name, label):
    """A YYYY-MM-DD string as a date (None when blank), or FilterError explaining the expected form."""
    try:
        return dates.parse_day(text, label)
    except ValueError as exc:
        raise FilterError(str(exc), field_name) from None


def parse_filters(start="", end="", category=""):
    """A VoteFilter from form or command-line strings; FilterError naming the field on bad input."""
    start_day, end_day = parse_day(start, "from", "From"), parse_day(end, "to", "To")
    if start_day and end_day and start_day > end_day:
        raise FilterError("“From” must be on or before “To”.", "from")
    slug = (category or "").strip()
    if not slug:
        return VoteFilter(start_day, end_day)
    found = db.session.execute(select(Category).filter_by(slug=slug)).scalar_one_or_none()
    if found is None:
        raise FilterError(f"There is no category “{slug[:60]}”.", "category")
    return VoteFilter(start_day, end_day, slug, tuple(_with_subcategories(found)))


def _with_subcategories(category):
    """Ids of a category and every category below it."""
    ids, todo = [], [category]
    while todo:
        current = todo.pop()
        if current.id not in ids:
            ids.append(current.id)
            todo.extend(current.children)
    return ids


def wilson_bounds(successes, total, z=Z_95):
    """(low, high) Wilson score interval of successes/total; (0.0, 1.0) when nothing was counted."""
    if total <= 0:
        return 0.0, 1.0
    share = successes / total
    spread = z * z / total
    centre = share + spread / 2
    margin = z * math.sqrt(share * (1 - share) / total + spread / (4 * total))
    return max(0.0, (centre - margin) / (1 + spread)), min(1.0, (centre + margin) / (1 + spread))


@dataclass
class Tally:
    """Votes and helpful votes, with the helpful share and its 95% Wilson interval."""

    votes: int = 0
    helpful: int = 0

    @property
    def not_helpful(self):
        return self.votes - self.helpful

    @property
    def share(self):
        """Helpful share 0..1, or None without votes."""
        return self.helpful / self.votes if self.votes else None

    @property
    def bounds(self):
        return wilson_bounds(self.helpful, self.votes)

    @property
    def unhelpful_low(self):
        """Lower Wilson bound of the not-helpful share: how surely the article is bad."""
        return wilson_bounds(self.not_helpful, self.votes)[0]


@dataclass
class ArticleStats(Tally):
    """One article's tally with what a report shows of the article."""

    article_id: int = 0
    slug: str = ""
    title: str = ""
    category: str = ""
    top_reasons: list = field(default_factory=list)


def _where(query, filters):
    """Restrict a query that joins Vote and Article to the filter."""
    if filters.start:
        query = query.where(Vote.created_at >= datetime.combine(filters.start, time.min))
    if filters.end:
        query = query.where(Vote.created_at < datetime.combine(filters.end + timedelta(days=1), time.min))
    if filters.category_ids:
        query = query.where(Article.category_id.in_(filters.category_ids))
    return query


def select_votes(filters, *columns):
    """SELECT ``columns`` of votes joined to their article, category and article title, filtered."""
    query = (select(*columns).select_from(Vote)
             .join(Article, Article.id == Vote.article_id)
             .join(Category, Category.id == Article.category_id)
             .outerjoin(TitleRevision, TitleRevision.id == func.coalesce(Article.published_revision_id,
                                                                         Article.current_revision_id)))
    return _where(query, filters)


def select_vote_columns(filters, *columns):
    """SELECT ``columns`` of the votes alone, filtered: the article is joined only for a category filter, so the
    votes' (created_at, article_id, helpful, reason) index answers without reading the vote rows."""
    query = select(*columns).select_from(Vote)
    if filters.category_ids:
        query = query.join(Article, Article.id == Vote.article_id)
    return _where(query, filters)


def article_stats(filters=VoteFilter(), article_id=None):
    """ArticleStats of every article with votes matching the filter (or of one article)."""
    # Counted per article first, so the article, its category and title are looked up once per article.
    counts = select_vote_columns(filters, Vote.article_id, func.count(Vote.id).label("votes"),
                                 HELPFUL_VOTES.label("helpful")).group_by(Vote.article_id)
    if article_id is not None:
        counts = counts.where(Vote.article_id == article_id)
    counts = counts.subquery()
    query = (select(Article.id, Article.slug, ARTICLE_TITLE, Category.title, counts.c.votes, counts.c.helpful)
             .join(counts, counts.c.article_id == Article.id)
             .join(Category, Category.id == Article.category_id)
             .outerjoin(TitleRevision, TitleRevision.id == func.coalesce(Article.published_revision_id,
                                                                         Article.current_revision_id)))
    return [ArticleStats(votes=votes, helpful=int(helpful or 0), article_id=id_, slug=slug, title=title,
                         category=category)
            for id_, slug, title, category, votes, helpful in db.session.execute(query)]


def tally(filters=VoteFilter(), article_id=None):
    """The Tally of every vote matching the filter (or of one article's)."""
    query = select_vote_columns(filters, func.count(Vote.id), HELPFUL_VOTES)
    if article_id is not None:
        query = query.where(Vote.article_id == article_id)
    votes, helpful = db.session.execute(query).one()
    return Tally(votes, int(helpful or 0))


def totals(stats):
    """The Tally of a list of article stats."""
    return Tally(sum(s.votes for s in stats), sum(s.helpful for s in stats))


def least_helpful(stats, limit=5):
    """Confidently bad first: by the Wilson lower bound of the not-helpful share, then by votes."""
    rated = [s for s in stats if s.not_helpful]
    return sorted(rated, key=lambda s: (-s.unhelpful_low, -s.votes, s.title.lower()))[:limit]


def most_helpful(stats, limit=5):
    """Confidently good first: by the Wilson lower bound of the helpful share, then by votes."""
    rated = [s for s in stats if s.helpful]
    return sorted(rated, key=lambda s: (-s.bounds[0], -s.votes, s.title.lower()))[:limit]


SORTS = {
    "least": ("Least helpful first", lambda s: (-s.unhelpful_low, -s.votes, s.title.lower())),
    "most": ("Most helpful first", lambda s: (-s.bounds[0], -s.votes, s.title.lower())),
    "votes": ("Most votes first", lambda s: (-s.votes, s.title.lower())),
    "title": ("Title A–Z", lambda s: s.title.lower()),
}


def sort_stats(stats, how="least"):
    """Article stats in one of the SORTS orders (least helpful first when ``how`` is unknown)."""
    return sorted(stats, key=SORTS.get(how, SORTS["least"])[1])


@dataclass
class ReasonCount:
    """How many not-helpful votes gave one reason."""

    code: str
    label: str
    count: int


def reason_counts(filters=VoteFilter(), article_id=None):
    """Reasons of not-helpful votes: every known reason (most given first), then "no reason given"."""
    merged = {}
    for codes in _reason_tallies(filters, None if article_id is None else [article_id]).values():
        for code, count in codes.items():
            merged[code] = merged.get(code, 0) + count
    return _reason_list(merged)


def _reason_tallies(filters, article_ids=None):
    """{article_id: {reason code ("" for none): count}} of not-helpful votes matching the filter."""
    query = (select_vote_columns(filters, Vote.article_id, Vote.reason, func.count(Vote.id))
             .where(Vote.helpful.is_(False)).group_by(Vote.article_id, Vote.reason))
    if article_ids is not None:
        query = query.where(Vote.article_id.in_(article_ids))
    found = {}
    for article_id, reason, count in db.session.execute(query):
        codes = found.setdefault(article_id, {})
        codes[reason or ""] = codes.get(reason or "", 0) + count
    return found


def _reason_list(found):
    """[ReasonCount] with every known reason, unknown codes as they are, and the no-reason count last."""
    rows = [ReasonCount(code, label, found.get(code, 0)) for code, label in REASONS.items()]
    rows += [ReasonCount(code, code, count) for code, count in found.items() if code and code not in REASONS]
    rows.sort(key=lambda row: -row.count)  # stable: known reasons keep their order on ties
    if found.get(""):
        rows.append(ReasonCount("", NO_REASON, found[""]))
    return rows


def attach_top_reasons(stats, filters=VoteFilter(), limit=2):
    """Fill ``top_reasons`` (the most given reasons, with counts) of a few article stats; returns them."""
    tallies = _reason_tallies(filters, [s.article_id for s in stats]) if stats else {}
    for item in stats:
        given = [r for r in _reason_list(tallies.get(item.article_id, {})) if r.count and r.code]
        item.top_reasons = given[:limit]
    return stats


@dataclass
class Comment:
    """A visible comment as staff see it: contact details masked."""

    helpful: bool
    reason: str
    text: str
    at: datetime
    revision_id: int


def recent_comments(article_id, limit=10, since=None, until=None):
    """The newest visible comments on an article (written in [since, until) when given), masked; flagged and
    hidden ones are left out."""
    query = (select(Vote.helpful, Vote.reason, Vote.comment, Vote.updated_at, Vote.revision_id)
             .where(Vote.article_id == article_id, Vote.comment_state == "visible", Vote.comment != "")
             .order_by(Vote.updated_at.desc(), Vote.id.desc()).limit(limit))
    if since is not None:
        query = query.where(Vote.updated_at >= since)
    if until is not None:
        query = query.where(Vote.updated_at < until)
    return [Comment(helpful, REASONS.get(reason, reason), mask_contacts(comment), at, revision_id)
            for helpful, reason, comment, at, revision_id in db.session.execute(query)]


@dataclass
class WeekPoint(Tally):
    """One ISO week (Monday ``start``) of the trend."""

    start: date = date.min

    @property
    def label(self):
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"


def trend_weeks(filters=VoteFilter(), weeks=TREND_WEEKS, today=None, max_weeks=MAX_TREND_WEEKS):
    """Mondays of the weeks a trend shows: the filter's range (at most ``max_weeks``), else the last ``weeks``."""
    last = week_start(filters.end or today or utcnow().date())
    first = last - timedelta(weeks=weeks - 1)
    if filters.start and filters.start <= last + timedelta(days=6):
        first = max(week_start(filters.start), last - timedelta(weeks=max_weeks - 1))
    return [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]


def weekly_trend(filters=VoteFilter(), article_id=None, weeks=TREND_WEEKS, today=None,
                 max_weeks=MAX_TREND_WEEKS):
    """[WeekPoint] of helpful votes per ISO week (UTC), oldest first; weeks without votes have 0 votes."""
    mondays = trend_weeks(filters, weeks, today, max_weeks)
    day = func.date(Vote.created_at)  # SQLite and PostgreSQL both have date(); weeks are made in Python
    query = (select_vote_columns(filters, day, func.count(Vote.id), HELPFUL_VOTES)
             .where(Vote.created_at >= datetime.combine(mondays[0], time.min),
                    Vote.created_at < datetime.combine(mondays[-1] + timedelta(days=7), time.min))
             .group_by(day))
    if article_id is not None:
        query = query.where(Vote.article_id == article_id)
    points = {monday: WeekPoint(start=monday) for monday in mondays}
    for value, votes, helpful in db.session.execute(query):
        point = points[week_start(_as_date(value))]
        point.votes += votes
        point.helpful += int(helpful or 0)
    return list(points.values())


def _as_date(value):
    """A date from what date() returned: a string on SQLite, a date on PostgreSQL."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def chart_data(points, target, title):
    """The trend as the chart script reads it: helpful % and 95% range per week (null without votes), target %."""
    def percents(values):
        return [round(value * 100, 1) if point.votes else None for point, value in zip(points, values)]

    return {"title": title, "labels": [p.label for p in points], "weeks": [p.start.isoformat() for p in points],
            "helpful": percents(p.share for p in points), "low": percents(p.bounds[0] for p in points),
            "high": percents(p.bounds[1] for p in points), "votes": [p.votes for p in points],
            "target": round(target * 100, 1)}


@dataclass
class RevisionStats(Tally):
    """Helpfulness of one revision of an article."""

    revision_id: int = 0
    number: int = 0  # 1 for the article's first revision
    created_at: datetime | None = None
    title: str = ""
    note: str = ""
    published: bool = False
    change: float | None = None  # helpful share minus that of the previous revision with votes


def revision_stats(article):
    """Every revision of the article with its votes, newest first, so a lead sees whether a rewrite helped."""
    counts = dict((rid, (votes, int(helpful or 0))) for rid, votes, helpful in db.session.execute(
        select(Vote.revision_id, func.count(Vote.id), HELPFUL_VOTES)
        .where(Vote.article_id == article.id).group_by(Vote.revision_id)))
    revisions = db.session.execute(
        select(Revision.id, Revision.created_at, Revision.title, Revision.note)
        .where(Revision.article_id == article.id).order_by(Revision.id)).all()
    rows, previous = [], None
    for number, (rid, created_at, title, note) in enumerate(revisions, start=1):
        votes, helpful = counts.get(rid, (0, 0))
        row = RevisionStats(votes, helpful, rid, number, created_at, title, note, rid == article.published_revision_id)
        if row.votes:
            row.change = None if previous is None else row.share - previous
            previous = row.share
        rows.append(row)
    return rows[::-1]


@dataclass
class Overview:
    """Everything the ratings page shows for one filter."""

    filters: VoteFilter
    total: Tally
    least: list
    most: list
    articles: list
    reasons: list
    trend: list


def overview(filters=VoteFilter(), sort="least", today=None):
    """The ratings page: totals, the five least and most helpful, every rated article, reasons, weekly trend."""
    stats = article_stats(filters)
    return Overview(filters, totals(stats), attach_top_reasons(least_helpful(stats), filters), most_helpful(stats),
                    sort_stats(stats, sort), reason_counts(filters), weekly_trend(filters, today=today))


@dataclass
class ArticleReport:
    """Everything one article's ratings page shows."""

    article: Article
    title: str
    total: Tally
    reasons: list
    revisions: list
    trend: list
    comments: list


def article_report(article, today=None):
    """One article's all-time tally, reasons, per-revision table, weekly trend and visible comments."""
    found = article_stats(article_id=article.id)
    total = found[0] if found else Tally()
    title = article_title(article)
    return ArticleReport(article, title, total, reason_counts(article_id=article.id), revision_stats(article),
                         weekly_trend(article_id=article.id, today=today), recent_comments(article.id))


def article_title(article):
    """The title readers see (published revision, else the newest), or the slug."""
    return article.title


def panel_summary(days=30, limit=5, today=None):
    """(Tally, least helpful ArticleStats) over the last ``days`` days, for the dashboard panel."""
    today = today or utcnow().date()
    # The end date lets the database read the range from the created_at index instead of every vote.
    stats = article_stats(VoteFilter(start=today - timedelta(days=days - 1), end=today))
    return totals(stats), least_helpful(stats, limit)
