"""The content backlog: turning a search gap into something to write, following it to done, and whether
searches for it found results once the article was out."""
from dataclasses import dataclass

from sqlalchemy import case, func, select

from app.analytics.gaps import SearchCounts, before_and_after, query_key
from app.analytics.periods import day_label
from app.authoring.audit import first_published_at
from app.dashboard.models import BACKLOG_STATUSES, CLOSED_STATUSES, BacklogItem
from app.extensions import db
from app.kb.models import Article, Revision, utcnow
from app.search.query import normalize

TITLE_LIMIT = 200
NOTE_LIMIT = 5000
MAX_SPELLINGS = 50
OPEN_STATUSES = tuple(status for status in BACKLOG_STATUSES if status not in CLOSED_STATUSES)


class BacklogError(ValueError):
    """A backlog change that cannot be saved; ``field`` names the form field, the message is for people."""

    def __init__(self, message, field=""):
        super().__init__(message)
        self.field = field


def _text(value, limit, label, field_name, required=False):
    text = (value or "").strip()
    if required and not text:
        raise BacklogError(f"{label} is required.", field_name)
    if len(text) > limit:
        raise BacklogError(f"{label} must be at most {limit:,} characters (it has {len(text):,}).", field_name)
    return text


def _open_item_for(names, except_id=None):
    """An item still to do (open, planned, writing) filed for one of ``names`` (keys or spellings)."""
    keys = {query_key(name) for name in names}
    found = db.session.execute(select(BacklogItem).where(BacklogItem.status.in_(OPEN_STATUSES))
                               .order_by(BacklogItem.id)).scalars()
    for item in found:
        if item.id != except_id and keys & {query_key(name) for name in [item.gap_key, *(item.queries or [])]}:
            return item
    return None


def _refuse_duplicate(names, except_id=None):
    item = _open_item_for(names, except_id)
    if item:
        raise BacklogError(f"“{item.title}” is already on the backlog for these searches ({item.status_label.lower()}"
                           f", item {item.id}): carry on there instead.")


def create_item(title, note, gap_key, queries, by_user_id=None):
    """A new open backlog item for a search gap (``gap_key`` and its spellings ``queries``)."""
    title = _text(title, TITLE_LIMIT, "The title", "title", required=True)
    note = _text(note, NOTE_LIMIT, "The note", "note")
    gap_key = normalize(gap_key)
    if not gap_key:
        raise BacklogError("Choose the search gap this item is about.")
    spellings = list(dict.fromkeys([normalize(q) for q in queries or []] + [gap_key]))
    spellings = [spelling for spelling in spellings if spelling][:MAX_SPELLINGS]
    _refuse_duplicate(spellings)
    now = utcnow()
    item = BacklogItem(title=title, note=note, status="open", gap_key=gap_key, queries=spellings,
                       created_by_id=by_user_id, created_at=now, updated_at=now)
    db.session.add(item)
    db.session.commit()
    return item


def find_article(slug_or_id):
    """The article named by its slug (or its address) or its number; None for nothing typed."""
    text = (slug_or_id or "").strip()
    if not text:
        return None
    slug = text.rstrip("/").rsplit("/", 1)[-1]  # a pasted address works as well as the slug
    article = None
    if slug.isdigit():
        article = db.session.get(Article, int(slug))
    if article is None:
        article = db.session.execute(select(Article).filter_by(slug=slug[:160])).scalar_one_or_none()
    if article is None:
        raise BacklogError(f"No article has the address or number “{text[:80]}”. Type its slug, "
                           "as in /articles/<slug>, or leave it empty.", "article")
    return article


def update_item(item, title, note, status, article_slug_or_id):
    """Change an item's title, note, status and linked article; closing stamps ``closed_at``, reopening clears it."""
    title = _text(title, TITLE_LIMIT, "The title", "title", required=True)
    note = _text(note, NOTE_LIMIT, "The note", "note")
    status = (status or "").strip()
    if status not in BACKLOG_STATUSES:
        choices = ", ".join(BACKLOG_STATUSES.values())
        raise BacklogError(f"Choose a status: {choices}.", "status")
    article = find_article(article_slug_or_id)
    was_closed = item.status in CLOSED_STATUSES
    if was_closed and status in OPEN_STATUSES:
        _refuse_duplicate([item.gap_key, *(item.queries or [])], except_id=item.id)
    now = utcnow()
    if status in CLOSED_STATUSES and not was_closed:
        item.closed_at = now
    elif status in OPEN_STATUSES:
        item.closed_at = None
    item.title, item.note, item.status, item.article = title, note, status, article
    item.updated_at = now
    db.session.commit()
    return item


def items(status=None):
    """Backlog items (of one status when given): those still to do first, then the most recently changed."""
    query = select(BacklogItem).order_by(case((BacklogItem.status.in_(CLOSED_STATUSES), 1), else_=0),
                                         BacklogItem.updated_at.desc(), BacklogItem.id.desc())
    if status:
        query = query.where(BacklogItem.status == status)
    return db.session.execute(query).scalars().all()


def status_counts():
    """{status: items} for every status, zero included."""
    rows = db.session.execute(select(BacklogItem.status, func.count()).group_by(BacklogItem.status)).all()
    counts = dict.fromkeys(BACKLOG_STATUSES, 0)
    counts.update({status: count for status, count in rows if status in counts})
    return counts


def get_item(item_id):
    """The item with this number, or None."""
    return db.session.get(BacklogItem, item_id)


def article_choices(limit=500):
    """[(slug, title)] of the most recently changed articles, for the link field's suggestions."""
    revision = func.coalesce(Article.published_revision_id, Article.current_revision_id)
    rows = db.session.execute(select(Article.slug, Revision.title).outerjoin(Revision, Revision.id == revision)
                              .order_by(Article.updated_at.desc(), Article.id.desc()).limit(limit)).all()
    return [(slug, title or slug) for slug, title in rows]


@dataclass
class Outcome:
    """Whether searches for an item's spellings found results after its article came out."""

    text: str
    before: SearchCounts | None = None
    after: SearchCounts | None = None


def _counts_text(counts):
    if not counts.searches:
        return "no searches"
    share = round(100 * counts.zero_share)
    searches = f"{counts.searches:,} search{'' if counts.searches == 1 else 'es'}"
    return f"{searches}, {counts.zero_results:,} without results ({share}%)"


def outcome(item, today=None):
    """How searches for the item's spellings went before and after its linked article was published."""
    article = item.article
    if article is None:
        return Outcome("No article linked yet.")
    if article.published_at is None:
        return Outcome(f"“{article.title}” is not published yet.")
    # Publishing an edit moves published_at; the gap was filled when the article first went live.
    published = first_published_at(article.id) or article.published_at
    before, after = before_and_after(item.queries or [item.gap_key], published, today)
    if not after.days:
        return Outcome(f"Published on {day_label(published.date())}: the searches since then are "
                       "counted from the next day.", before, after)
    text = f"Since the article was published: {_counts_text(after)}"
    if before.days:
        text += f" — the {before.days} day{'' if before.days == 1 else 's'} before: {_counts_text(before)}"
    return Outcome(text + ".", before, after)


CSV_HEADER = ["Title", "Status", "Search gap", "Spellings", "Article", "Created", "Updated", "Closed", "Searches"]


def csv_rows(rows, today=None):
    """The backlog as table rows for the CSV download."""
    return [[item.title, item.status_label, item.gap_key, ", ".join(item.queries or []),
             item.article.slug if item.article else "", item.created_at, item.updated_at, item.closed_at,
             outcome(item, today).text] for item in rows]
