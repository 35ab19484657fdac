"""The writers' "Needs attention" list: overdue reviews, reviews waiting, broken links and plugin checks.

Every section is a list of plain rows, so the page only renders and tests read the lists directly.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from app.authoring import links
from app.authoring.models import AuditEvent
from app.core.plugins import attention_checks
from app.extensions import db
from app.kb.models import Article, utcnow

LINKS_SHOWN = 3  # broken links listed per article; the count says how many more there are


@dataclass
class Row:
    """One article in a section: what the table shows about it and why it is listed."""

    article_id: int
    title: str
    kind: str
    owner: str  # the owner's name or e-mail, "" when nobody looks after it
    reason: str
    value: str = ""  # a short figure for the section's value column (days overdue, helpful %)
    when: datetime | None = None  # the review's submission time
    links: list = field(default_factory=list)  # (url, problem) of broken links, the first LINKS_SHOWN
    link_count: int = 0  # every broken link of the article


@dataclass
class CheckSection:
    """The rows one registered attention check returned, or ``failed`` when it raised."""

    key: str
    title: str
    rows: list = field(default_factory=list)
    failed: bool = False


@dataclass
class Attention:
    """Everything the "Needs attention" page lists, as of ``today``."""

    today: date
    overdue: list = field(default_factory=list)
    in_review: list = field(default_factory=list)
    broken_links: list = field(default_factory=list)
    links_checked_at: datetime | None = None  # the last `flask kb check-links` finding; None when none ever
    checks: list = field(default_factory=list)  # CheckSection per registered check

    def summary(self):
        """[(anchor, title, count)] of every section, in page order."""
        core = [("overdue", "Past its review date", len(self.overdue)),
                ("in-review", "Waiting for review", len(self.in_review)),
                ("broken-links", "Broken links", len(self.broken_links))]
        return core + [(f"check-{c.key}", c.title, len(c.rows)) for c in self.checks]


def _owner_label(article):
    """The owner as people know them: name, else e-mail, else ""."""
    owner = article.owner
    return (owner.name or owner.email) if owner is not None else ""


def _row(article, reason, **extra):
    """A Row for ``article``."""
    return Row(article.id, article.title, article.kind, _owner_label(article), reason, **extra)


def _with_text(query):
    """Load what a row shows (titles and owners) without a query per article."""
    return query.options(selectinload(Article.published_revision), selectinload(Article.current_revision),
                         selectinload(Article.owner))


def _plural(count, word):
    """'1 day', '3 days'."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def overdue_reviews(today):
    """Articles (not archived) whose review-by date is before ``today``, oldest first."""
    query = _with_text(select(Article).where(Article.review_by.is_not(None), Article.review_by < today,
                                             Article.status != "archived")
                       .order_by(Article.review_by, Article.id))
    rows = []
    for article in db.session.execute(query).scalars():
        days = (today - article.review_by).days
        rows.append(_row(article, f"Review was due on {article.review_by.isoformat()}",
                         value=f"{_plural(days, 'day')} overdue"))
    return rows


def waiting_for_review(limit=500):
    """Articles whose newest revision is in review, longest waiting first, with who submitted it and when."""
    query = _with_text(select(Article).where(or_(
        Article.status == "in_review",
        and_(Article.status == "published", Article.staged_status == "in_review"),
    )).order_by(Article.updated_at, Article.id).limit(limit))
    articles = db.session.execute(query).scalars().all()
    submissions = _latest_submissions([a.id for a in articles])
    rows = []
    for article in articles:
        event = submissions.get(article.id)
        what = "Edit of the published article" if article.status == "published" else "New article"
        if event is None:
            reason = f"{what}, submitted for review"
        else:
            who = (event.actor.name or event.actor.email) if event.actor is not None else "a former user"
            reason = f"{what}, submitted by {who}"
        rows.append(_row(article, reason, when=event.created_at if event is not None else None))
    # Longest waiting first; articles without a recorded submission follow, by their last change (a stable sort).
    return sorted(rows, key=lambda row: (row.when is None, row.when or datetime.min))


def _latest_submissions(article_ids):
    """{article_id: its newest "submitted" AuditEvent} for the given articles."""
    if not article_ids:
        return {}
    newest = (select(func.max(AuditEvent.id)).where(AuditEvent.action == "submitted",
                                                    AuditEvent.article_id.in_(article_ids))
              .group_by(AuditEvent.article_id))
    events = db.session.execute(select(AuditEvent).where(AuditEvent.id.in_(newest))
                                .options(selectinload(AuditEvent.actor))).scalars()
    return {event.article_id: event for event in events}


def broken_links():
    """(rows per article with broken links in its published text, most first; the last check's time or None)."""
    run = links.last_run()
    checked_at = run.finished_at if run is not None else None
    per_article = {article_id: [(p.url, p.problem) for p in problems]
                   for article_id, problems in links.problems_by_article().items()}
    if not per_article:
        return [], checked_at
    articles = db.session.execute(_with_text(select(Article).where(Article.id.in_(list(per_article))))).scalars()
    rows = []
    for article in articles:
        problems = per_article[article.id]
        rows.append(_row(article, _plural(len(problems), "broken link"), links=problems[:LINKS_SHOWN],
                         link_count=len(problems)))
    return sorted(rows, key=lambda row: (-row.link_count, row.title.lower())), checked_at


def run_checks(today):
    """A CheckSection per registered attention check; a check that raises is logged and marked failed."""
    sections = []
    for registered in attention_checks():
        try:
            items = list(registered.check(today))
        except Exception:  # noqa: BLE001 - one broken plugin must not take the writers' page down
            current_app.logger.exception("attention check %s failed", registered.key)
            db.session.rollback()  # a failed query leaves a PostgreSQL transaction unusable
            sections.append(CheckSection(registered.key, registered.title, failed=True))
            continue
        sections.append(CheckSection(registered.key, registered.title, _check_rows(items)))
    return sections


def _check_rows(items):
    """Rows for a check's AttentionItems, in the check's order; items of deleted articles are dropped."""
    ids = {item.article_id for item in items}
    if not ids:
        return []
    query = _with_text(select(Article).where(Article.id.in_(list(ids))))
    articles = {article.id: article for article in db.session.execute(query).scalars()}
    return [_row(articles[item.article_id], item.reason, value=item.value)
            for item in items if item.article_id in articles]


def needs_attention(today=None):
    """Every section of the "Needs attention" page as of ``today`` (the UTC date by default)."""
    today = today or utcnow().date()
    links, checked_at = broken_links()
    # Stale translations will be one more section here once articles have translations: those whose
    # source revision is newer than the translation's, registered with add_feature_attention_check.
    return Attention(today=today, overdue=overdue_reviews(today), in_review=waiting_for_review(),
                     broken_links=links, links_checked_at=checked_at, checks=run_checks(today))
