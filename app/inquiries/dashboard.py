"""The inquiries' part of the support-lead dashboard: inquiries opened, CSAT and resolved within 24 h (as the
inquiries report computes them), inquiries per week, the articles cited most, and per article its inquiries."""
from collections import Counter

from sqlalchemy import func, select

from app.analytics.periods import week_label, week_start
from app.core.plugins import Chart, DashboardPart, Figure, Series, Table
from app.extensions import db
from app.inquiries import reports
from app.inquiries.models import PRIORITIES, STATUSES, Inquiry, Survey

ARTICLE_LIMIT = 50


def _any_inquiry():
    """True once the help desk has had an inquiry: before that, CSAT and the rest mean nothing."""
    return db.session.execute(select(Inquiry.id).limit(1)).first() is not None


def _rows(period):
    """Creation, resolution, CSAT answer and article read first of every inquiry created in the range."""
    return db.session.execute(
        select(Inquiry.created_at, Inquiry.resolved_at, Inquiry.source_article_id, Survey.csat)
        .outerjoin(Survey, Survey.inquiry_id == Inquiry.id)
        .where(Inquiry.created_at >= period.start_at, Inquiry.created_at < period.end_at)
    ).all()


def _percent(share):
    return None if share is None else round(share * 100, 1)


def _weekly_chart(period, rows):
    """Inquiries created per ISO week (Monday first) over the range; the end weeks count only the range's days."""
    mondays = period.week_starts()
    counts = Counter(week_start(row.created_at.date()) for row in rows)
    return Chart("inquiries_per_week", "Inquiries per week", [week_label(monday) for monday in mondays],
                 [Series("Inquiries", [counts[monday] for monday in mondays])], kind="bar", order=70)


def _most_inquired(rows):
    """The articles requesters were reading when they opened the contact form, most cited first."""
    top = reports.source_articles(Counter(row.source_article_id for row in rows if row.source_article_id))
    return Table("most_inquired", "Articles cited by the most inquiries", ["Article", "Inquiries", "Share %"],
                 [[row.label, row.count, _percent(row.count / len(rows))] for row in top],
                 article_ids=[int(row.key) for row in top], order=70,
                 empty="No inquiry in this range came from a help article.",
                 note="Inquiries opened from the article's contact link, and their share of all inquiries "
                      "opened in the range.")


def overview(period, previous):
    """Inquiries opened, CSAT and resolved within 24 h against their targets, per week, most cited articles."""
    if not _any_inquiry():
        return None
    rows, before = _rows(period), _rows(previous)
    within, within_before = reports.resolved_within_share(rows), reports.resolved_within_share(before)
    csat, csat_before = reports.csat_share(rows), reports.csat_share(before)
    hours = reports.RESOLVED_WITHIN_HOURS
    figures = [
        Figure("inquiries", "Inquiries opened", len(rows), len(before), higher_is_better=False, order=70,
               note="Inquiries created in the range."),
        Figure("csat", "CSAT", csat.value, csat_before.value, unit="percent", target=csat.target, order=80,
               note="Survey answers 4–5 ÷ all answers, for inquiries created in the range."),
        Figure("resolved_24h", f"Resolved within {hours} h", within.value, within_before.value, unit="percent",
               target=within.target, order=90,
               note=f"Inquiries created in the range and resolved within {hours} hours ÷ all inquiries created "
                    "in the range, unresolved ones included (as in the inquiries report)."),
    ]
    return DashboardPart(figures=figures, charts=[_weekly_chart(period, rows)], tables=[_most_inquired(rows)])


def _citing(article, period):
    return (Inquiry.source_article_id == article.id, Inquiry.created_at >= period.start_at,
            Inquiry.created_at < period.end_at)


def article(article, period):
    """How many inquiries cited the article in the range (and before it), and the newest of them."""
    if not _any_inquiry():
        return None
    count = db.session.scalar(select(func.count(Inquiry.id)).where(*_citing(article, period)))
    count_before = db.session.scalar(select(func.count(Inquiry.id)).where(*_citing(article, period.previous())))
    found = db.session.execute(
        select(Inquiry.reference, Inquiry.subject, Inquiry.status, Inquiry.created_at, Inquiry.priority)
        .where(*_citing(article, period)).order_by(Inquiry.created_at.desc(), Inquiry.id.desc()).limit(ARTICLE_LIMIT)
    ).all()
    return DashboardPart(
        figures=[Figure("article_inquiries_count", "Inquiries citing it", count, count_before,
                        higher_is_better=False, order=70,
                        note="Inquiries created in the range from this article's contact link.")],
        tables=[Table("article_inquiries", "Inquiries that cite it",
                      ["Reference", "Subject", "Status", "Opened (UTC)", "Priority"],
                      [[row.reference, row.subject, STATUSES.get(row.status, row.status),
                        f"{row.created_at:%Y-%m-%d %H:%M}", PRIORITIES.get(row.priority, row.priority)]
                       for row in found],
                      empty="No inquiry cited this article in this range.", order=70,
                      note=f"Newest first, at most {ARTICLE_LIMIT}.")],
    )
