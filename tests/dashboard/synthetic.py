"""A fixed data set for the dashboard: three articles in one category, page views, searches and clicks, votes
and inquiries with surveys, on days of September and October 2026. EXPECTED holds every headline number as
the page shows it, worked out by hand in the comments beside the rows.

October 2026 (31 days) is compared with September 2026 (30 days); the custom range 1–10 October with
21–30 September (the ten days before it)."""
from datetime import date, datetime, timedelta

from app.analytics import rollup
from app.extensions import db
from app.inquiries.models import Inquiry, Survey
from app.kb import services as kb
from app.kb.models import PageView
from app.kb.sync import sync_directory
from app.search.models import SearchClick, SearchQuery
from plugins.feedback.models import Vote
from tests.helpers import article_file, write

NOW = datetime(2026, 11, 23, 12, 0)  # when the rollup runs: every day above is over and settled
ARTICLES = {  # slug: title, all in the category "Payments"
    "returns": "Refunds and returns",
    "card-declined": "Card declined",
    "change-card": "Change your card",
}

# (day, slug, visitor key, views): keys change every day, so one reader on two days is two visitors.
PAGE_VIEWS = [
    # 5 October: 3 visitors, 1,200 + 1 + 1 + 2 = 1,204 views
    (date(2026, 10, 5), "returns", "oct05-a", 1200),
    (date(2026, 10, 5), "returns", "oct05-b", 1),
    (date(2026, 10, 5), "card-declined", "oct05-b", 1),
    (date(2026, 10, 5), "card-declined", "oct05-c", 2),
    # 20 October: 3 visitors, 2 + 1 + 1 = 4 views
    (date(2026, 10, 20), "returns", "oct20-a", 2),
    (date(2026, 10, 20), "change-card", "oct20-d", 1),
    (date(2026, 10, 20), "returns", "oct20-e", 1),
    # 10 September: 2 visitors, 1,000 + 1 views
    (date(2026, 9, 10), "returns", "sep10-a", 1000),
    (date(2026, 9, 10), "card-declined", "sep10-b", 1),
    # 25 September: 2 visitors, 1 + 4 views
    (date(2026, 9, 25), "returns", "sep25-c", 1),
    (date(2026, 9, 25), "change-card", "sep25-d", 4),
]

# (when, query, results, page, clicked, escalated): only first result pages count as searches.
SEARCHES = [
    *[(datetime(2026, 10, 5, 9, n), "refund", 3, 1, n < 2, False) for n in range(4)],  # 2 of 4 opened
    (datetime(2026, 10, 5, 9, 30), "refund", 3, 2, False, False),  # a second page: not a search
    (datetime(2026, 10, 12, 8), "crypto payment", 0, 1, False, False),
    (datetime(2026, 10, 13, 8), "crypto payment", 0, 1, False, False),
    (datetime(2026, 10, 20, 8), "crypto payment", 0, 1, False, False),
    (datetime(2026, 10, 20, 9), "invoice copy", 0, 1, False, False),
    (datetime(2026, 10, 20, 10), "invoice copy", 0, 1, False, False),
    (datetime(2026, 10, 28, 7), "chargeback", 1, 1, False, True),  # followed by an inquiry
    # September: 6 searches, 1 without results
    *[(datetime(2026, 9, 10, 9, n), "refund", 3, 1, n < 3, False) for n in range(5)],
    (datetime(2026, 9, 25, 9), "crypto payment", 0, 1, False, False),
]

# (when, slug, yes votes, no votes)
VOTES = [
    (datetime(2026, 10, 15, 10), "returns", 10, 0),
    (datetime(2026, 10, 15, 11), "card-declined", 9, 1),  # 10 votes, one "no": the least helpful
    (datetime(2026, 9, 15, 10), "returns", 3, 3),
    (datetime(2026, 9, 15, 11), "card-declined", 3, 1),
]

# (created, visitor key, article read first, hours to resolution or None, CSAT answer or None)
INQUIRIES = [
    (datetime(2026, 10, 5, 10), "oct05-b", "card-declined", 5, 5),  # a reader of 5 October
    (datetime(2026, 10, 20, 9), "oct20-d", "returns", 30, 3),  # a reader of 20 October; resolved late
    (datetime(2026, 10, 21, 12), "oct21-x", None, None, None),  # not a reader that day; still open
    (datetime(2026, 10, 28, 8), "", "returns", 2, 4),
    (datetime(2026, 9, 10, 11), "sep10-b", "returns", 1, 5),  # a reader of 10 September
    (datetime(2026, 9, 26, 15), "", None, 20, 4),
]

EXPECTED = {
    # range: {figure key: (value, change with the previous value, target status or None)} as shown
    "2026-10": {
        "views": ("1,208", "+20% (1,006 → 1,208)", None),  # 1,204 + 4 against 1,001 + 5
        "visitors": ("6", "+50% (4 → 6)", None),  # 3 + 3 against 2 + 2
        "searches": ("10", "+67% (6 → 10)", None),  # 4 refund + 3 crypto + 2 invoice + 1 chargeback
        "zero_result_rate": ("50%", "+33.3 pts (16.7% → 50%)", None),  # 5 of 10 against 1 of 6
        "helpful": ("95%", "+35 pts (60% → 95%)", "Target 90% · met"),  # 19 of 20 against 6 of 10
        "self_service_rate": ("66.7%", "−8.3 pts (75% → 66.7%)", None),  # (6 − 2) / 6 against (4 − 1) / 4
        "inquiries": ("4", "+100% (2 → 4)", None),
        "csat": ("66.7%", "−33.3 pts (100% → 66.7%)", "Target 90% · missed"),  # 5, 3, 4 against 5, 4
        "resolved_24h": ("50%", "−50 pts (100% → 50%)", "Target 80% · missed"),  # 5 h, 2 h of 4; 1 h, 20 h
    },
    "custom": {  # 1–10 October against 21–30 September
        "views": ("1,204", "+23,980% (5 → 1,204)", None),
        "visitors": ("3", "+50% (2 → 3)", None),
        "searches": ("4", "+300% (1 → 4)", None),
        "zero_result_rate": ("0%", "−100 pts (100% → 0%)", None),
        "self_service_rate": ("66.7%", "−33.3 pts (100% → 66.7%)", None),  # oct05-b asked the same day
        "inquiries": ("1", "No change (1 → 1)", None),
    },
}
# The same figures in the "figures" CSV: (value, previous, change) with percents in % and changes as
# % for counts, percentage points for percents.
EXPECTED_CSV = {
    "views": ("1208", "1006", "20.08"),
    "visitors": ("6", "4", "50.0"),
    "searches": ("10", "6", "66.67"),
    "zero_result_rate": ("50.0", "16.67", "33.33"),
    "helpful": ("95.0", "60.0", "35.0"),
    "self_service_rate": ("66.67", "75.0", "-8.33"),
    "inquiries": ("4", "2", "100.0"),
    "csat": ("66.67", "100.0", "-33.33"),
    "resolved_24h": ("50.0", "100.0", "-50.0"),
}
# October's tables: the top articles by views, the most cited and the least helpful.
EXPECTED_TOP_ARTICLES = [  # title, views, visitors, change against September
    ("Refunds and returns", 1204, 4, 203),
    ("Card declined", 3, 2, 2),
    ("Change your card", 1, 1, -3),
]


def build(root):
    """Write the articles under ``root``, import them and add every row above; returns {slug: article id}."""
    for slug, title in ARTICLES.items():
        write(root, f"payments/{slug}.md", article_file(title, f"How {title.lower()} works."))
    report = sync_directory(root)
    assert not report.failed, report.failed
    articles = {slug: kb.get_article(slug) for slug in ARTICLES}
    ids = {slug: article.id for slug, article in articles.items()}
    for day, slug, key, views in PAGE_VIEWS:
        db.session.add(PageView(article_id=ids[slug], revision_id=articles[slug].published_revision_id, day=day,
                                visitor_key=key, views=views))
    for number, (when, query, results, page, clicked, escalated) in enumerate(SEARCHES):
        search = SearchQuery(query=query, result_count=results, page=page, visitor_key=f"searcher-{number}",
                             escalated=escalated, created_at=when)
        db.session.add(search)
        if clicked:
            db.session.flush()
            db.session.add(SearchClick(search_id=search.id, article_id=ids["returns"], position=1,
                                       created_at=when + timedelta(seconds=30)))
    for when, slug, yes, no in VOTES:
        for number in range(yes + no):
            db.session.add(Vote(article_id=ids[slug], revision_id=articles[slug].published_revision_id,
                                helpful=number < yes, reason="" if number < yes else "unclear",
                                voter_key=f"{slug}-{when:%m%d}-{number}", created_at=when, updated_at=when))
    for number, (created, key, slug, hours, csat) in enumerate(INQUIRIES, start=1):
        inquiry = Inquiry(reference=f"INQ-{created:%y%m}-{number:04d}", name="Ann Example", email="ann@example.com",
                          user_type="public", subject=f"Question {number}", category="billing",
                          description="Details.", status="new" if hours is None else "resolved",
                          created_at=created, link_nonce=f"nonce-{number}", visitor_key=key,
                          source_article_id=ids[slug] if slug else None,
                          resolved_at=None if hours is None else created + timedelta(hours=hours))
        if csat is not None:
            inquiry.survey = Survey(csat=csat, resolved=csat >= 4, created_at=created + timedelta(days=1))
        db.session.add(inquiry)
    db.session.commit()
    rollup.refresh(now=NOW)
    return ids
