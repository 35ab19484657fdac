"""Dashboard benchmark: the daily rollup and the support-lead overview on a year of synthetic traffic.

`make bench-dashboard` (= `.venv/bin/python bench/dashboard.py`) does, in one run:

1. creates the app on a temporary instance folder and SQLite file, migrates it with flask_migrate
   `upgrade(revision="heads")`, syncs `content/` with `app.kb.sync.sync_directory` and adds one lead;
2. generates, with a fixed seed and bulk `executemany` on a raw sqlite3 connection, the raw events of
   the 365 days ending yesterday: 1,000,000 page views (the SUM of `page_views.views`; one row per
   article, day and visitor key, a new key per visitor and day), 200,000 searches (a few thousand
   distinct normalized queries with typos, ~15 % finding nothing, ~2 % escalated) with clicks for ~55 %
   of those that found something, 100,000 helpfulness votes (~80 % yes), 3,000 inquiries (some with a
   survey) and 5,000 troubleshooter runs. Days follow a growing trend, a weekday/weekend rhythm and a
   few busy days; articles a Zipf-like popularity that drifts over the year. Today's events so far are
   added at the same rate (the overview's range includes today). A year of raw rows is kept on purpose,
   although retention is 90 days: the rollup of all of them is measured, as after an upgrade;
3. rollup: `app.analytics.rollup.rollup_day(day)` of three representative days (the busiest weekday,
   the quietest weekend day, yesterday) on a database with no aggregates yet; then, the aggregates
   emptied, `refresh()` of the whole year once; then each representative day rolled up again (its rows
   replaced). The target is on the slowest of all these runs; the median is reported too;
4. reference (a), while the year of raw rows is there: the overview's 90-day headline figures (and the
   previous 90 days', views and searches per day, the top articles) computed straight from the raw rows
   in SQL — what the aggregates save; its totals are checked against the aggregates;
5. pages: GET `/dashboard/?range=90d` through the Flask test client signed in as the lead, one warm-up
   GET then 20 timed ones (median, p95); the same for last month (`?range=YYYY-MM`) and for the
   per-article page of the most viewed article. Once with the year of raw rows kept (as right after an
   upgrade), then again after `run_maintenance()` (timed) has purged the raw rows past the 90-day
   retention (the steady state). The app's own before-request maintenance is off during the run
   (ANALYTICS_MAINTENANCE_SECONDS=0), so that it does not start inside a measured GET;
6. reference (b): a bare Flask route rendering a Jinja template of about the same size as the
   overview's HTML through the same kind of test client — what any page of that size costs here;
7. where the time goes: one more GET of the overview with every SQL statement timed (count, total, the
   slowest), under cProfile when the overview misses its target (or with --profile); and each piece of
   the page called on its own as the lead (the on-demand rollup, every dashboard source's overview,
   every panel), median of 10;
8. sizes: rows in the raw and the aggregate tables (before and after the purge), the database file;
9. prints a Markdown table with the targets (overview 90 days p95 ≤ 500 ms, in both states; rollup of
   one day ≤ 5 s) and PASS/MISS, and writes it to bench/results/dashboard.md.

TIER0_* and DATABASE_URL variables are ignored (removed from this process's environment), so the run
measures the defaults (SQLite) whatever the shell has set. It exits 0 whether or not the targets are met:
a benchmark is not a test.
"""
import argparse
import cProfile
import io
import json
import math
import pstats
import random
import re
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))
from bench.common import (  # noqa: E402
    clean_environment, load_average, log, machine, percentile, verdict, write_report)

CONTENT_DIR = ROOT / "content"
RESULTS_FILE = BENCH_DIR / "results" / "dashboard.md"

SEED = 20261123
DAYS = 365
VIEWS = 1_000_000
SEARCHES = 200_000
VOTES = 100_000
INQUIRIES = 3_000
TREE_RUNS = 5_000
TARGET_OVERVIEW_MS = 500.0  # /dashboard/?range=90d, checked on the p95
TARGET_ROLLUP_S = 5.0  # rollup_day of one day, checked on the slowest run
LEAD_EMAIL = "lead@example.com"
LEAD_PASSWORD = "bench dashboard 42"
RAW_TABLES = ("page_views", "search_queries", "search_clicks", "feedback_votes", "inquiries", "inquiry_surveys",
              "tree_runs")
AGGREGATE_TABLES = ("analytics_site_days", "analytics_article_days", "analytics_query_days", "analytics_click_days",
                    "analytics_tree_days", "analytics_tree_node_days", "analytics_rollups")

# Share of a day's events in each UTC hour: quiet nights, office hours, an evening bump.
HOUR_WEIGHTS = (1.0, 0.7, 0.5, 0.4, 0.4, 0.6, 1.2, 2.4, 3.8, 4.8, 5.2, 5.3, 5.0, 5.1, 5.2, 5.0, 4.6, 4.1, 3.8,
                4.0, 4.2, 3.6, 2.6, 1.6)
HOUR_CUM = list(accumulate(HOUR_WEIGHTS))
WEEKDAY_FACTOR = (1.12, 1.08, 1.04, 1.0, 0.94, 0.58, 0.52)  # Monday first
STOP_WORDS = set("a an and are as at be by can do does for from has have how i if in is it my of on or the this to "
                 "was what when where which who why will with you your me we our not no".split())
# What visitors ask for that the help center does not cover: these searches find nothing.
UNCOVERED = ("bitcoin", "crypto wallet", "api key", "webhook", "dark mode", "vat number", "gdpr export",
             "affiliate program", "coupon code", "gift card", "nft", "warranty claim", "shipping label",
             "translate ad", "calendar sync", "bulk upload csv", "csv import", "sso login", "two accounts merge",
             "business invoice address", "installment plan", "klarna", "bank transfer iban", "sepa",
             "delete history", "change username", "vanity url", "watermark photos", "video upload",
             "360 photos", "auction", "bidding", "escrow", "courier pickup", "return label", "tax receipt",
             "student discount", "loyalty points", "referral bonus", "family sharing", "tablet app",
             "smartwatch", "desktop app download", "linux", "screen reader", "sign language", "braille",
             "car history report", "vin check", "property valuation", "job application status", "cv upload",
             "pet adoption rules", "firearms", "tickets resale", "concert tickets", "lottery", "donations",
             "charity listing", "crowdfunding")
UNCOVERED_EXTRAS = ("how to", "help", "not working", "where is", "support", "free", "app", "settings", "2026",
                    "price", "setup", "problem")
REASONS = ("outdated", "unclear", "unsolved", "missing", "broken")
PRIORITIES = (("normal", 70), ("high", 18), ("low", 8), ("urgent", 4))
CATEGORIES = ("technical", "ad_posting", "billing", "moderation", "removal_expiry", "feature_request", "policy",
              "feedback", "other")
USER_TYPES = ("public", "registered", "advertiser", "organization", "partner")
SLA_HOURS = {"urgent": (4, 24), "high": (24, 48), "normal": (48, 120), "low": (48, 120)}


class Stopped(Exception):
    """Raised by the SIGTERM handler so the cleanup in ``finally`` runs."""








def stamp(moment):
    """A datetime as SQLAlchemy stores it in SQLite."""
    return moment.isoformat(" ", "microseconds")


def split(total, weights):
    """``total`` shared out in proportion to ``weights`` as whole numbers that add up to it exactly."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[:total - sum(counts)]:
        counts[i] += 1
    return counts


def zipf(count, exponent):
    return [1.0 / (rank ** exponent) for rank in range(1, count + 1)]


def extra(rng, p):
    """How many more times something happens when each next time has probability ``p`` (geometric)."""
    n = 0
    while rng.random() < p:
        n += 1
    return n


def hex_key(rng, bits=128):
    return f"{rng.getrandbits(bits):0{bits // 4}x}"


def words(text):
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2 and w not in STOP_WORDS]


def typo(rng, word):
    """One slip of the keyboard: two letters swapped, one dropped or one doubled."""
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


# ---------------------------------------------------------------- the app


def make_app(instance):
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'tier0.db'}",
        "SECRET_KEY": "bench-dashboard",
        "CONTENT_DIR": str(CONTENT_DIR),
        # The rollup and purge the app runs before requests (hourly) would start inside a measured GET:
        # the run calls them itself, timed, at known points instead.
        "ANALYTICS_MAINTENANCE_SECONDS": 0,
    })
    with app.app_context():
        upgrade(revision="heads")
        db.session.remove()
    return app


def prepare(app):
    """Sync the default content, add the lead; the published articles as plain dicts."""
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from app.auth.models import User
    from app.extensions import db
    from app.kb.models import Article
    from app.kb.sync import sync_directory
    from app.troubleshoot.tree import load_tree

    with app.app_context():
        report = sync_directory(CONTENT_DIR)
        if report.failed:
            raise SystemExit(f"kb sync failed: {report.failed[:3]}")
        db.session.add(User(email=LEAD_EMAIL, name="Lead", role="lead",
                            password_hash=generate_password_hash(LEAD_PASSWORD)))
        db.session.commit()
        articles = []
        for article in db.session.execute(select(Article).where(Article.status == "published")
                                          .order_by(Article.id)).scalars():
            revision = article.published_revision
            tree = None
            if article.kind == "troubleshooter":
                tree = load_tree(revision.body)
            articles.append({"id": article.id, "slug": article.slug, "kind": article.kind, "revision": revision.id,
                             "title": revision.title, "words": words(f"{revision.title} {revision.summary} "
                                                                     f"{' '.join(t.name for t in article.tags)}"),
                             "tree": tree})
        db.session.remove()
    if not articles:
        raise SystemExit("no published article after the sync")
    return articles


# ---------------------------------------------------------------- the synthetic year


class Year:
    """The shape of the generated traffic: how busy each day is and how popular each article is on it."""

    def __init__(self, rng, articles, now):
        self.rng = rng
        self.now = now
        self.today = today = now.date()
        self.days = [today - timedelta(days=DAYS - n) for n in range(DAYS)]  # ending yesterday
        # A growing trend (+70 % over the year), the week's rhythm, noise, and a few busy weekdays
        # (an outage, a price change) as a help center sees them.
        weights = []
        for n, day in enumerate(self.days):
            trend = 0.75 + 0.5 * n / (DAYS - 1)
            weights.append(trend * WEEKDAY_FACTOR[day.weekday()] * rng.lognormvariate(0, 0.08))
        weekdays = [n for n, day in enumerate(self.days) if day.weekday() < 5]
        for n, factor in zip(rng.sample(weekdays[:-70], 2) + rng.sample(weekdays[-70:-5], 1), (1.9, 2.2, 2.6)):
            weights[n] *= factor
        self.weights = weights
        # Today so far: yesterday's rate, moved to today's weekday, for the share of the day gone by.
        done = (HOUR_CUM[now.hour - 1] if now.hour else 0) + HOUR_WEIGHTS[now.hour] * now.minute / 60
        self.today_weight = (weights[-1] / WEEKDAY_FACTOR[self.days[-1].weekday()] * WEEKDAY_FACTOR[today.weekday()]
                             * done / HOUR_CUM[-1])

        # Article popularity: Zipf over a shuffled order, each article drifting up or down over the
        # year, and one that takes off in the last month (a new policy everyone reads about).
        self.articles = articles
        order = list(range(len(articles)))
        rng.shuffle(order)
        base = [0.0] * len(articles)
        for rank, index in enumerate(order, start=1):
            base[index] = 1.0 / rank ** 0.95
        drift = [rng.gauss(0, 0.7) for _ in articles]
        rising = order[len(order) // 3]
        self.cum = []
        for n in range(DAYS + 1):
            t = n / DAYS
            day_weights = [base[i] * math.exp(drift[i] * (t - 0.5)) for i in range(len(articles))]
            if n >= DAYS - 28:
                day_weights[rising] *= 6.0
            self.cum.append(list(accumulate(day_weights)))
        self.helpful_rate = [min(0.97, max(0.45, rng.gauss(0.81, 0.08))) for _ in articles]
        self.trees = [i for i, a in enumerate(articles) if a["tree"] is not None]

    def all_days(self):
        """(index, day): the year, then today."""
        return list(enumerate(self.days)) + [(DAYS, self.today)]

    def article(self, n):
        return self.rng.choices(range(len(self.articles)), cum_weights=self.cum[n])[0]

    def moment(self, day):
        """A time on ``day`` following the hourly rhythm (before now, for today)."""
        while True:
            hour = self.rng.choices(range(24), cum_weights=HOUR_CUM)[0]
            moment = datetime.combine(day, datetime.min.time()) + timedelta(hours=hour,
                                                                              seconds=self.rng.random() * 3600)
            if moment < self.now:
                return moment


def per_day(year, total):
    """[count per day of the year] + [today's count so far]."""
    return split(total, year.weights) + [round(total * year.today_weight / sum(year.weights))]


class Vocabulary:
    """Normalized search queries, each with the article it is about (None: nothing covers it)."""

    def __init__(self, rng, articles, weights_by_article):
        found = {}
        order = sorted(range(len(articles)), key=lambda i: -weights_by_article[i])
        for i in order:  # every title and tag as typed
            article = articles[i]
            found.setdefault(" ".join(article["title"].lower().replace("?", "").split()), i)
            for word in article["words"][:4]:
                found.setdefault(word, i)
        while len(found) < 2400:  # two or three words of one article, in any order
            i = rng.choices(order, weights=zipf(len(order), 0.8))[0]
            pool = articles[i]["words"]
            if len(pool) < 2:
                continue
            found.setdefault(" ".join(rng.sample(pool, min(len(pool), rng.choice((2, 2, 3))))), i)
        matching = list(found.items())
        rng.shuffle(matching)
        for query, i in list(matching[:500]):  # slips of the keyboard (typo correction still finds the article)
            parts = query.split()
            k = rng.randrange(len(parts))
            parts[k] = typo(rng, parts[k])
            found.setdefault(" ".join(parts), i)
        self.matching = [(q, i) for q, i in found.items()]
        rng.shuffle(self.matching)
        uncovered = set(UNCOVERED)
        while len(uncovered) < 700:
            topic = rng.choice(UNCOVERED)
            choice = rng.randrange(3)
            if choice == 0:
                uncovered.add(f"{rng.choice(UNCOVERED_EXTRAS)} {topic}")
            elif choice == 1:
                uncovered.add(f"{topic} {rng.choice(UNCOVERED_EXTRAS)}")
            else:
                parts = topic.split()
                k = rng.randrange(len(parts))
                parts[k] = typo(rng, parts[k])
                uncovered.add(" ".join(parts))
        self.uncovered = sorted(uncovered)
        rng.shuffle(self.uncovered)
        self.matching_cum = list(accumulate(zipf(len(self.matching), 1.0)))
        self.uncovered_cum = list(accumulate(zipf(len(self.uncovered), 0.9)))
        self.results = {q: max(1, int(rng.lognormvariate(2.3, 0.9))) for q, _ in self.matching}

    @property
    def size(self):
        return len(self.matching) + len(self.uncovered)


class Generator:
    """Writes the synthetic year into the database through one raw sqlite3 connection."""

    def __init__(self, path, articles, year, scale=1.0):
        self.conn = sqlite3.connect(path)
        self.conn.execute("PRAGMA synchronous=OFF")
        self.conn.execute("PRAGMA cache_size=-200000")
        self.articles, self.year, self.scale, self.rng = articles, year, scale, None
        self.readers = {}  # day index: a sample of that day's reader keys
        self.escalated = {}  # day index: [(moment, visitor key)] of escalated searches
        self.inquiry_days = {}  # day index: [inquiry id]
        self.counts = {}
        self.seconds = {}

    def total(self, count):
        return max(1, round(count * self.scale))

    def run(self):
        for name, step in (("page_views", self.page_views), ("search_queries", self.searches),
                           ("feedback_votes", self.votes), ("inquiries", self.inquiries),
                           ("tree_runs", self.tree_runs)):
            # A seed per table: today's events (how many depends on the hour) do not shift the next table's.
            self.rng = self.year.rng = random.Random(f"{SEED}:{name}")
            start = time.perf_counter()
            step()
            self.conn.commit()
            self.seconds[name] = time.perf_counter() - start
            log(f"  {name}: {self.seconds[name]:.1f} s")
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()

    def page_views(self):
        rng, year = self.rng, self.year
        totals = per_day(year, self.total(VIEWS))
        views = rows = visitors = 0
        sql = "INSERT INTO page_views (article_id, revision_id, day, visitor_key, views) VALUES (?, ?, ?, ?, ?)"
        for (n, day), total in zip(year.all_days(), totals):
            batch, keys, left, text = [], [], total, day.isoformat()
            while left > 0:
                key = hex_key(rng)
                keys.append(key)
                seen = set()
                for _ in range(1 + extra(rng, 0.45)):  # articles this visitor reads today
                    i = year.article(n)
                    if i in seen:
                        continue
                    seen.add(i)
                    count = min(left, 1 + extra(rng, 0.3))  # reloads, coming back to it
                    batch.append((self.articles[i]["id"], self.articles[i]["revision"], text, key, count))
                    left -= count
                    if not left:
                        break
            self.conn.executemany(sql, batch)
            self.readers[n] = rng.sample(keys, min(len(keys), 400))
            views, rows, visitors = views + total, rows + len(batch), visitors + len(keys)
        self.counts["page_views"] = {"views": views, "rows": rows, "visitor_days": visitors,
                                     "today": totals[-1]}

    def searches(self):
        rng, year = self.rng, self.year
        vocabulary = Vocabulary(rng, self.articles, [c - p for c, p in zip(year.cum[-1], [0] + year.cum[-1][:-1])])
        totals = per_day(year, self.total(SEARCHES))
        search_sql = ("INSERT INTO search_queries (id, query, result_count, category, kind, page, source, "
                      "visitor_key, escalated, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        click_sql = ("INSERT INTO search_clicks (search_id, article_id, position, created_at) "
                     "VALUES (?, ?, ?, ?)")
        positions, position_cum = range(1, 11), list(accumulate((50, 20, 10, 6, 4, 3, 2, 2, 1.5, 1.5)))
        next_id, zero, clicks, clicked, with_results, escalated = 1, 0, 0, 0, 0, 0
        for (n, day), total in zip(year.all_days(), totals):
            searches, day_clicks = [], []
            readers = self.readers.get(n) or [hex_key(rng)]
            for _ in range(total):
                if rng.random() < 0.15:
                    query, article = rng.choices(vocabulary.uncovered, cum_weights=vocabulary.uncovered_cum)[0], None
                    results = 0
                else:
                    query, article = rng.choices(vocabulary.matching, cum_weights=vocabulary.matching_cum)[0]
                    results = max(1, vocabulary.results[query] + rng.randint(-1, 1))
                page = 1
                if results > 10 and rng.random() < 0.12:
                    page = rng.choice((2, 2, 2, 3))
                key = rng.choice(readers) if rng.random() < 0.65 else hex_key(rng)
                moment = year.moment(day)
                is_escalated = rng.random() < 0.02
                category = rng.choice(("account-and-profile", "payments-and-billing")) if rng.random() < 0.04 else ""
                searches.append((next_id, query, results, category, "", page, "web", key, int(is_escalated),
                                 stamp(moment)))
                if is_escalated:
                    escalated += 1
                    self.escalated.setdefault(n, []).append((moment, key))
                zero += results == 0
                if results:
                    with_results += 1
                    if rng.random() < 0.55:
                        clicked += 1
                        for _ in range(1 + (rng.random() < 0.15)):
                            target = article if article is not None and rng.random() < 0.7 else year.article(n)
                            position = rng.choices(positions, cum_weights=position_cum)[0]
                            day_clicks.append((next_id, self.articles[target]["id"], position,
                                               stamp(moment + timedelta(seconds=rng.uniform(3, 120)))))
                next_id += 1
            self.conn.executemany(search_sql, searches)
            self.conn.executemany(click_sql, day_clicks)
            clicks += len(day_clicks)
        self.counts["search_queries"] = {"rows": next_id - 1, "zero": zero, "distinct": vocabulary.size,
                                         "with_results": with_results, "clicked": clicked, "clicks": clicks,
                                         "escalated": escalated, "today": totals[-1]}

    def votes(self):
        rng, year = self.rng, self.year
        totals = per_day(year, self.total(VOTES))
        sql = ("INSERT INTO feedback_votes (article_id, revision_id, helpful, reason, comment, comment_state, flags, "
               "voter_key, created_at, updated_at) VALUES (?, ?, ?, ?, '', 'none', '', ?, ?, ?)")
        helpful_count = 0
        for (n, day), total in zip(year.all_days(), totals):
            batch = []
            for _ in range(total):
                i = year.article(n)
                helpful = rng.random() < year.helpful_rate[i]
                helpful_count += helpful
                reason = rng.choice(REASONS) if not helpful and rng.random() < 0.65 else ""
                moment = stamp(year.moment(day))
                batch.append((self.articles[i]["id"], self.articles[i]["revision"], int(helpful), reason,
                              hex_key(rng, 256), moment, moment))
            self.conn.executemany(sql, batch)
        self.counts["feedback_votes"] = {"rows": sum(totals), "helpful": helpful_count, "today": totals[-1]}

    def inquiries(self):
        rng, year = self.rng, self.year
        totals = per_day(year, self.total(INQUIRIES))
        inquiry_sql = (
            "INSERT INTO inquiries (id, reference, name, email, phone, user_type, user_ref, location, subject, "
            "category, description, channel, priority, status, tier, resolution, created_at, first_response_due, "
            "resolution_due, first_response_at, resolved_at, closed_at, reopened_count, link_nonce, visitor_key, "
            "source_article_id, source_revision_id, context) "
            "VALUES (?, ?, ?, ?, '', ?, '', '', ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, '{}')")
        survey_sql = ("INSERT INTO inquiry_surveys (inquiry_id, csat, resolved, comment, nps, effort, created_at) "
                      "VALUES (?, ?, ?, '', ?, NULL, ?)")
        priorities, priority_cum = [p for p, _ in PRIORITIES], list(accumulate(w for _, w in PRIORITIES))
        number, sequences, surveys = 0, {}, 0
        for (n, day), total in zip(year.all_days(), totals):
            rows, day_surveys = [], []
            for _ in range(total):
                number += 1
                escalations = self.escalated.get(n)
                pick = rng.random()
                if escalations and pick < 0.45:  # right after a search that found no answer
                    searched_at, key = rng.choice(escalations)
                    created = min(searched_at + timedelta(minutes=rng.uniform(2, 40)), year.now - timedelta(minutes=1))
                else:
                    created = year.moment(day)
                    key = rng.choice(self.readers[n]) if pick < 0.75 and self.readers.get(n) else ""
                source = None
                if rng.random() < 0.5:
                    source = self.articles[year.article(n)]
                priority = rng.choices(priorities, cum_weights=priority_cum)[0]
                first_due, resolution_due = (created + timedelta(hours=h) for h in SLA_HOURS[priority])
                age = year.now - created
                status, first_response, resolved, closed = "new", None, None, None
                if age > timedelta(hours=2) or rng.random() < 0.3:
                    first_response = created + timedelta(hours=rng.lognormvariate(1.0, 1.0))
                    resolution_time = timedelta(hours=rng.lognormvariate(2.4, 1.2))
                    if first_response < year.now:
                        status = "in_progress"
                    if created + resolution_time < year.now and rng.random() < 0.93:
                        resolved = created + resolution_time
                        first_response = min(first_response, resolved)
                        status = "resolved"
                        if resolved + timedelta(days=3) < year.now:
                            status, closed = "closed", resolved + timedelta(days=3)
                    if first_response >= year.now:
                        first_response = None
                month = created.strftime("%y%m")
                sequences[month] = sequences.get(month, 0) + 1
                subject = (f"Question about {source['title']}" if source else
                           rng.choice(("Cannot post my ad", "Charged twice", "Account locked", "Ad rejected",
                                       "Refund please", "Photos will not upload", "Other question")))
                rows.append((number, f"INQ-{month}-{sequences[month]:04d}", f"Requester {number}",
                             f"requester{number}@example.com", rng.choice(USER_TYPES), subject,
                             rng.choice(CATEGORIES), "Synthetic inquiry for bench/dashboard.py.",
                             rng.choices(("portal", "email", "phone", "chat"), weights=(70, 18, 7, 5))[0],
                             priority, status, "Answered." if resolved else "", stamp(created), stamp(first_due),
                             stamp(resolution_due), first_response and stamp(first_response),
                             resolved and stamp(resolved), closed and stamp(closed), hex_key(rng), key,
                             source and source["id"], source and source["revision"]))
                if resolved and rng.random() < 0.4:
                    answered = resolved + timedelta(hours=rng.uniform(1, 48))
                    if answered < year.now:
                        csat = rng.choices((5, 4, 3, 2, 1), weights=(55, 25, 8, 5, 7))[0]
                        nps = rng.randint(0, 10) if rng.random() < 0.5 else None
                        day_surveys.append((number, csat, int(csat >= 3 or rng.random() < 0.3), nps, stamp(answered)))
                self.inquiry_days.setdefault(n, []).append(number)
            self.conn.executemany(inquiry_sql, rows)
            self.conn.executemany(survey_sql, day_surveys)
            surveys += len(day_surveys)
        self.conn.executemany("INSERT INTO inquiry_sequences (month, last) VALUES (?, ?)", sorted(sequences.items()))
        self.counts["inquiries"] = {"rows": number, "surveys": surveys, "today": totals[-1]}

    def tree_runs(self):
        rng, year = self.rng, self.year
        if not year.trees:
            self.counts["tree_runs"] = {"rows": 0}
            return
        totals = per_day(year, self.total(TREE_RUNS))
        sql = ("INSERT INTO tree_runs (article_id, revision_id, visitor_key, started_at, updated_at, path, visited, "
               "edges, last_node, outcome, solution_node, inquiry_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        rows_total = 0
        for (n, day), total in zip(year.all_days(), totals):
            batch = []
            weights = [year.cum[n][i] - (year.cum[n][i - 1] if i else 0) for i in year.trees]
            for _ in range(total):
                article = self.articles[rng.choices(year.trees, weights=weights)[0]]
                tree = article["tree"]
                path, node = [tree.start], tree.node(tree.start)
                while node.type != "solution" and node.options and len(path) < 15 and rng.random() > 0.12:
                    target = rng.choice(node.options).target
                    if target in path:
                        break
                    path.append(target)
                    node = tree.node(target)
                outcome, solution = "", ""
                if node.type == "solution":
                    solution = node.id
                    outcome = rng.choices(("solved", "escalated", ""), weights=(62, 22, 16))[0]
                started = year.moment(day)
                updated = min(started + timedelta(seconds=sum(rng.uniform(15, 90) for _ in path)), year.now)
                inquiry = None
                if outcome == "escalated" and self.inquiry_days.get(n) and rng.random() < 0.35:
                    inquiry = rng.choice(self.inquiry_days[n])
                key = rng.choice(self.readers[n]) if self.readers.get(n) and rng.random() < 0.6 else hex_key(rng)
                edges = [f"{a}>{b}" for a, b in zip(path, path[1:])]
                batch.append((article["id"], article["revision"], key, stamp(started), stamp(updated),
                              json.dumps(path), json.dumps(path), json.dumps(edges), path[-1], outcome, solution,
                              inquiry))
            self.conn.executemany(sql, batch)
            rows_total += len(batch)
        self.counts["tree_runs"] = {"rows": rows_total, "today": totals[-1]}


# ---------------------------------------------------------------- measurements


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def representative_days(path, today):
    """{label: day}: the busiest weekday, the quietest weekend day (of the year), yesterday."""
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT day, SUM(views) FROM page_views WHERE day < ? GROUP BY day ORDER BY day",
                        (today.isoformat(),)).fetchall()
    conn.close()
    by_day = [(date.fromisoformat(day), views) for day, views in rows]
    busiest = max((d for d in by_day if d[0].weekday() < 5), key=lambda d: (d[1], d[0]))
    quietest = min((d for d in by_day if d[0].weekday() >= 5), key=lambda d: (d[1], d[0]))
    yesterday = by_day[-1]
    return {"busiest weekday": busiest, "quietest weekend day": quietest, "yesterday": yesterday}


def clear_aggregates(app):
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        for table in AGGREGATE_TABLES:
            db.session.execute(text(f"DELETE FROM {table}"))
        db.session.commit()
        db.session.remove()


def measure_rollup(app, days, runs):
    """{label: [seconds]} of rollup_day per representative day, and the seconds refresh() of the year took."""
    from app.analytics import rollup
    from app.extensions import db

    timings = {label: [] for label in days}

    def roll_each():
        for label, (day, _) in days.items():
            with app.app_context():
                seconds, _ = timed(rollup.rollup_day, day)
                db.session.remove()
            timings[label].append(seconds)
            log(f"  rollup_day({day}) [{label}]: {seconds:.2f} s")

    roll_each()  # no aggregates yet
    clear_aggregates(app)
    with app.app_context():
        refresh_s, result = timed(rollup.refresh)
        db.session.remove()
    log(f"  refresh() of the whole year: {refresh_s:.1f} s ({result!r})"[:300])
    for _ in range(runs - 1):  # again, replacing the day's rows
        roll_each()
    return timings, refresh_s, result


def sign_in(app):
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"email": LEAD_EMAIL, "password": LEAD_PASSWORD,
                                                "csrf_token": token, "next": ""})
    if response.status_code != 302:
        raise SystemExit(f"signing in failed: {response.status_code}")
    return client


def get(client, path):
    start = time.perf_counter()
    response = client.get(path)
    body = response.get_data()
    return time.perf_counter() - start, response.status_code, body


def measure_page(client, path, runs):
    """(warm-up seconds, [seconds], status, body) of ``runs`` GETs after one warm-up."""
    warmup, status, body = get(client, path)
    if status != 200:
        return warmup, [], status, body
    times = []
    for _ in range(runs):
        seconds, status, body = get(client, path)
        if status != 200:
            return warmup, times, status, body
        times.append(seconds)
    return warmup, times, status, body


def measure_pages(client, paths, runs):
    """{name: measure_page(...)} of each page in ``paths`` (None: no such page)."""
    results = {}
    for name, path in paths.items():
        if path:
            results[name] = measure_page(client, path, runs)
            log(f"  {path}: {page_line('', results[name])}")
    return results


def article_page_path(app, slug, article_id):
    """The per-article dashboard page's URL, found among the dashboard's routes; None when there is none."""
    from flask import url_for

    candidates = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/dashboard/")
                  and "GET" in rule.methods and "article" in rule.endpoint and not rule.endpoint.endswith("csv")
                  and ("export" not in rule.endpoint)]
    with app.test_request_context("/"):
        for rule in sorted(candidates, key=lambda r: len(r.rule)):
            for name, value in (("slug", slug), ("article_slug", slug), ("article_id", article_id), ("id", article_id)):
                if rule.arguments == {name}:
                    return url_for(rule.endpoint, **{name: value}) + "?range=90d"
    return None


def raw_figures(app, period, previous):
    """Reference (a): the overview's headline figures for ``period`` and ``previous``, views per day and the
    top articles, straight from the raw rows."""
    from sqlalchemy import text

    from app.extensions import db

    def figures(span):
        first, last = span.start.isoformat(), span.end.isoformat()
        start_at, end_at = stamp(span.start_at), stamp(span.end_at)
        views, visitors = db.session.execute(text(
            "SELECT COALESCE(SUM(views), 0), (SELECT COUNT(*) FROM (SELECT DISTINCT day, visitor_key FROM page_views "
            "WHERE day BETWEEN :a AND :b)) FROM page_views WHERE day BETWEEN :a AND :b"), {"a": first, "b": last}).one()
        searches, zero = db.session.execute(text(
            "SELECT COUNT(*), COALESCE(SUM(result_count = 0), 0) FROM search_queries "
            "WHERE created_at >= :s AND created_at < :e AND page = 1"), {"s": start_at, "e": end_at}).one()
        with_inquiry = db.session.execute(text(
            "SELECT COUNT(*) FROM (SELECT DISTINCT p.day, p.visitor_key FROM page_views p JOIN inquiries i "
            "ON i.visitor_key = p.visitor_key AND date(i.created_at) = p.day WHERE p.day BETWEEN :a AND :b)"),
            {"a": first, "b": last}).scalar()
        votes, helpful = db.session.execute(text(
            "SELECT COUNT(*), COALESCE(SUM(helpful), 0) FROM feedback_votes "
            "WHERE created_at >= :s AND created_at < :e"),
            {"s": start_at, "e": end_at}).one()
        inquiries = db.session.execute(text(
            "SELECT COUNT(*) FROM inquiries WHERE created_at >= :s AND created_at < :e"),
            {"s": start_at, "e": end_at}).scalar()
        return {"views": views, "visitors": visitors, "searches": searches, "zero": zero,
                "self_service": visitors - with_inquiry, "votes": votes, "helpful": helpful, "inquiries": inquiries}

    with app.app_context():
        result = {"period": figures(period), "previous": figures(previous)}
        first, last = period.start.isoformat(), period.end.isoformat()
        result["per_day"] = db.session.execute(text(
            "SELECT day, SUM(views), COUNT(DISTINCT visitor_key) FROM page_views WHERE day BETWEEN :a AND :b "
            "GROUP BY day ORDER BY day"), {"a": first, "b": last}).all()
        result["searches_per_day"] = db.session.execute(text(
            "SELECT date(created_at) AS d, COUNT(*), SUM(result_count = 0) FROM search_queries "
            "WHERE created_at >= :s AND created_at < :e AND page = 1 GROUP BY d ORDER BY d"),
            {"s": stamp(period.start_at), "e": stamp(period.end_at)}).all()
        result["top"] = db.session.execute(text(
            "SELECT article_id, SUM(views) AS v, COUNT(DISTINCT day || visitor_key) FROM page_views "
            "WHERE day BETWEEN :a AND :b GROUP BY article_id ORDER BY v DESC, article_id LIMIT 10"),
            {"a": first, "b": last}).all()
        db.session.remove()
    return result


def aggregate_totals(app, period):
    """Views, visitors, searches and zero-result searches of ``period`` summed from analytics_site_days."""
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        row = db.session.execute(text(
            "SELECT COALESCE(SUM(views), 0), COALESCE(SUM(visitors), 0), COALESCE(SUM(searches), 0), "
            "COALESCE(SUM(zero_result_searches), 0), COUNT(*) FROM analytics_site_days "
            "WHERE day BETWEEN :a AND :b"), {"a": period.start.isoformat(), "b": period.end.isoformat()}).one()
        db.session.remove()
    return dict(zip(("views", "visitors", "searches", "zero", "days"), row))


def agreement(totals, figures):
    """One sentence: do the aggregates give the raw rows' totals?"""
    same = all(totals[k] == figures[k] for k in ("views", "visitors", "searches", "zero"))
    return (f"The aggregates ({totals['days']} rows of analytics_site_days) give {totals['views']:,} views, "
            f"{totals['visitors']:,} visitors, {totals['searches']:,} searches and {totals['zero']:,} zero-result "
            f"searches for the 90 days — {'the same as' if same else '**not the same as**'} the raw rows"
            + ("." if same else f" ({figures['views']:,}, {figures['visitors']:,}, {figures['searches']:,}, "
                                f"{figures['zero']:,})."))


BARE_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/site.css"></head>
<body><header><nav>{% for link in nav %}<a href="{{ link.url }}">{{ link.label }}</a> {% endfor %}</nav></header>
<main><h1>{{ title }}</h1>
<section class="figures">{% for f in figures %}<div class="figure"><h2>{{ f.label }}</h2>
<p class="value">{{ "{:,}".format(f.value) }}</p><p class="change">{{ "%+.1f"|format(f.change) }} %</p></div>
{% endfor %}</section>
{% for table in tables %}<table><caption>{{ table.title }}</caption>
<thead><tr>{% for h in table.headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
<tbody>{% for row in table.rows %}<tr><td><a href="/articles/{{ row[0] }}">{{ row[1] }}</a></td>
<td>{{ "{:,}".format(row[2]) }}</td><td>{{ "{:,}".format(row[3]) }}</td><td>{{ "%+.1f"|format(row[4]) }} %</td></tr>
{% endfor %}</tbody></table>
{% endfor %}</main></body></html>
"""


def bare_app(size):
    """Reference (b): a bare Flask app whose one page renders a Jinja template to about ``size`` bytes."""
    from flask import Flask, render_template
    from jinja2 import DictLoader

    bare = Flask("bench_dashboard_bare")
    bare.jinja_loader = DictLoader({"page.html": BARE_TEMPLATE})
    rng = random.Random(SEED)
    context = {
        "title": "Overview", "nav": [{"url": f"/section/{n}", "label": f"Section {n}"} for n in range(8)],
        "figures": [{"label": f"Figure {n}", "value": rng.randint(1000, 900000), "change": rng.uniform(-30, 30)}
                    for n in range(8)],
        "tables": [],
    }

    def table():
        return {"title": f"Table {len(context['tables']) + 1}", "headers": ("Article", "Views", "Visitors", "Change"),
                "rows": [(f"article-{rng.randint(1, 999)}", f"How to do thing {rng.randint(1, 999)} on the site",
                          rng.randint(100, 90000), rng.randint(100, 60000), rng.uniform(-50, 50)) for _ in range(10)]}

    with bare.test_request_context("/"):
        while len(render_template("page.html", **context).encode()) < size:
            context["tables"].append(table())
        rendered = len(render_template("page.html", **context).encode())

    @bare.get("/")
    def page():
        return render_template("page.html", **context)

    return bare, rendered


class StatementLog:
    """Every SQL statement run while it is on: (seconds, statement, parameters)."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.engine, self.statements, self.on = engine, [], False
        self._event = event

        def before(conn, cursor, statement, parameters, context, executemany):
            conn.info.setdefault("bench_started", []).append(time.perf_counter())

        def after(conn, cursor, statement, parameters, context, executemany):
            started = conn.info["bench_started"].pop()
            if self.on:
                self.statements.append((time.perf_counter() - started, statement, parameters))

        self.before, self.after = before, after
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)

    def remove(self):
        self._event.remove(self.engine, "before_cursor_execute", self.before)
        self._event.remove(self.engine, "after_cursor_execute", self.after)


def profile_request(app, client, path, full):
    """One GET of ``path`` with every statement timed (and under cProfile when ``full``)."""
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    statements = StatementLog(engine)
    profiler = cProfile.Profile() if full else None
    statements.on = True
    if profiler:
        profiler.enable()
    seconds, status, _ = get(client, path)
    if profiler:
        profiler.disable()
    statements.on = False
    statements.remove()
    result = {"seconds": seconds, "status": status, "statements": statements.statements}
    if profiler:
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        rows = []
        for (filename, line, name), (_, calls, tottime, cumtime, _) in stats.stats.items():
            if str(ROOT) in filename and "/.venv/" not in filename and "bench/" not in filename:
                rows.append((cumtime, tottime, calls, f"{Path(filename).relative_to(ROOT)}:{line} {name}"))
        result["functions"] = sorted(rows, reverse=True)[:20]
        stats.sort_stats("tottime").print_stats(12)
        result["tottime"] = stream.getvalue()
    return result


def breakdown(app, runs):
    """{piece: median seconds} of each piece of the 90-day overview called on its own, as the lead: the
    on-demand rollup, every dashboard source's overview and every panel the lead sees."""
    from flask_login import login_user
    from sqlalchemy import select

    from app.analytics import rollup
    from app.analytics.periods import parse_range
    from app.auth.models import User
    from app.core.plugins import dashboard_sources, visible_panels
    from app.dashboard.content import ROLLUP_DAYS
    from app.extensions import db

    with app.test_request_context("/dashboard/?range=90d"):
        login_user(db.session.execute(select(User).filter_by(email=LEAD_EMAIL)).scalar_one())
        period = parse_range("90d")
        previous = period.previous()
        steps = [(f"`rollup.refresh(max_days={ROLLUP_DAYS})`, the on-demand rollup",
                  lambda: rollup.refresh(max_days=ROLLUP_DAYS))]
        steps += [(f"source `{s.source}` / `{s.key}`: overview", lambda s=s: s.overview(period, previous))
                  for s in dashboard_sources() if s.overview]
        steps += [(f"panel `{p.plugin}` / `{p.key}`: render", p.render) for p in visible_panels("lead")]
        times = {label: [] for label, _ in steps}
        for _ in range(runs):
            for label, call in steps:
                times[label].append(timed(call)[0])
                db.session.rollback()  # nothing cached in the session from one call to the next
        db.session.remove()
    return {label: statistics.median(values) for label, values in times.items()}


def sizes(path):
    """({table: rows}, {dbstat name: bytes}, bytes of the database file and its WAL) after a checkpoint."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in RAW_TABLES + AGGREGATE_TABLES}
    try:
        on_disk = dict(conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
    except sqlite3.Error:  # SQLite built without dbstat
        on_disk = {}
    conn.close()
    file_bytes = sum(p.stat().st_size for p in Path(path).parent.glob(Path(path).name + "*"))
    return counts, on_disk, file_bytes


def table_bytes(on_disk, table):
    """Bytes of a table and its indexes (dbstat names indexes after their table; sqlite_autoindex_<table>_N)."""
    return sum(size for name, size in on_disk.items()
               if name == table or name.startswith((f"ix_{table}_", f"uq_{table}_", f"sqlite_autoindex_{table}_")))


# ---------------------------------------------------------------- report








def ms(seconds):
    return f"{seconds * 1e3:,.1f} ms"


def page_figures(result):
    """(median, p95, warm-up) in seconds of a measure_page result, or None when the page failed."""
    if not result:
        return None
    warmup, times, status, _ = result
    if status != 200 or not times:
        return None
    return statistics.median(times), percentile(times, 95), warmup


def page_line(label, result, target=None):
    figures = page_figures(result)
    if figures is None:
        return f"{label}: HTTP {result[2] if result else '—'}"
    p50, p95, warmup = figures
    return f"{label} median {ms(p50)}, p95 {ms(p95)}, warm-up {ms(warmup)}"


def generated(counts, seconds):
    pv, sq, fv, inq = counts["page_views"], counts["search_queries"], counts["feedback_votes"], counts["inquiries"]
    runs = counts["tree_runs"]
    return (
        f"Generated in {sum(seconds.values()):.0f} s, over the {DAYS} days ending yesterday: "
        f"{pv['views'] - pv['today']:,} page views ({pv['rows']:,} rows, {pv['visitor_days']:,} visitor-days), "
        f"{sq['rows'] - sq['today']:,} searches ({sq['distinct']:,} distinct queries; "
        f"{sq['zero'] / sq['rows']:.1%} found nothing, {sq['escalated'] / sq['rows']:.1%} escalated; "
        f"{sq['clicked'] / max(1, sq['with_results']):.0%} of those with results clicked, {sq['clicks']:,} clicks), "
        f"{fv['rows'] - fv['today']:,} votes ({fv['helpful'] / fv['rows']:.0%} helpful), "
        f"{inq['rows'] - inq['today']:,} inquiries ({inq['surveys']:,} surveys) and "
        f"{runs['rows'] - runs.get('today', 0):,} troubleshooter runs. Today so far is added at the same rate, "
        f"since the 90-day range ends today: views {pv['today']:,}, searches {sq['today']:,}, votes {fv['today']:,}, "
        f"inquiries {inq['today']}, runs {runs.get('today', 0)}.")


def target_lines(data):
    lines = ["| target | measured | |", "| --- | ---: | --- |"]
    p95s = [page_figures(pages.get("overview"))
            for pages in (data.get("pages", {}), data.get("pages_after", {})) if pages]
    if p95s and all(p95s):
        worst = max(f[1] for f in p95s) * 1e3
        shown = " / ".join(f"{f[1] * 1e3:,.1f} ms" for f in p95s)
        lines.append(f"| overview `/dashboard/?range=90d`, p95 ≤ {TARGET_OVERVIEW_MS:g} ms (raw year kept / after "
                     f"the purge) | {shown} | **{verdict(worst <= TARGET_OVERVIEW_MS)}** |")
    else:
        lines.append(f"| overview `/dashboard/?range=90d`, p95 ≤ {TARGET_OVERVIEW_MS:g} ms | not measured "
                     f"(HTTP {data['pages']['overview'][2]}) | — |")
    worst = max(s for runs in data["rollup"]["days"].values() for s in runs)
    lines.append(f"| rollup of one day, ≤ {TARGET_ROLLUP_S:g} s (slowest run) | {worst:.2f} s | "
                 f"**{verdict(worst <= TARGET_ROLLUP_S)}** |")
    return lines


def rollup_lines(rollup):
    every = [s for runs in rollup["days"].values() for s in runs]
    lines = ["", "Rollup, `rollup_day(day)`: run 1 on a database without aggregates, the others after `refresh()` "
             "(they replace the day's rows):", "",
             "| day | page views that day | runs | run 1 | median | slowest |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for label, runs in rollup["days"].items():
        day, views = rollup["which"][label]
        lines.append(f"| {label}, {day} | {views:,} | {len(runs)} | {runs[0]:.2f} s | {statistics.median(runs):.2f} s "
                     f"| {max(runs):.2f} s |")
    lines += ["", f"All {len(every)} runs: median {statistics.median(every):.2f} s, slowest {max(every):.2f} s. "
              f"`refresh()` of the whole year at once ({DAYS} days and today, aggregates emptied first): "
              f"{rollup['refresh_s']:.1f} s (no target)."]
    return lines


def pages_lines(data):
    runs = data["runs"]
    lines = ["", f"Pages, through the Flask test client signed in as a lead: one warm-up GET, then {runs} timed. "
             "First with the year of raw rows still there (as right after an upgrade), then after the purge of the "
             "raw rows past the 90-day retention (the steady state):", "",
             "| page | median | p95 | warm-up | after the purge: median | p95 |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    labels = {"overview": "overview, 90 days `/dashboard/?range=90d`",
              "month": f"overview, last month `/dashboard/?range={data['month_key']}`",
              "article": f"per-article page, most viewed article `{data['article_path']}`"}
    for name, label in labels.items():
        before = page_figures(data["pages"].get(name))
        after = page_figures(data.get("pages_after", {}).get(name))
        if before is None:
            result = data["pages"].get(name)
            lines.append(f"| {label} | {'HTTP ' + str(result[2]) if result else 'no such page'} | | | | |")
            continue
        tail = f"{ms(after[0])} | {ms(after[1])}" if after else "— | —"
        lines.append(f"| {label} | {ms(before[0])} | {ms(before[1])} | {ms(before[2])} | {tail} |")
    raw, bare = data["raw"], data["bare"]
    lines.append(f"| reference (a): the 90-day figures from the raw rows (SQL only, no page) | "
                 f"{ms(statistics.median(raw['times']))} | {ms(percentile(raw['times'], 95))} | — | — | — |")
    lines.append(f"| reference (b): bare Flask, a Jinja page of {bare['size'] / 1024:.0f} KiB (the overview: "
                 f"{data['overview_size'] / 1024:.0f} KiB) | {ms(statistics.median(bare['times']))} | "
                 f"{ms(percentile(bare['times'], 95))} | — | — | — |")
    figures = raw["result"]["period"]
    lines += ["", "Reference (a) is SQL over `page_views`, `search_queries`, `feedback_votes` and `inquiries` for the "
              "90 days and the 90 before: views, visitors, searches, zero-result searches, readers without an "
              "inquiry that day, votes, helpful votes, inquiries; then views and searches per day and the top 10 "
              f"articles ({figures['views']:,} views, {figures['visitors']:,} visitor-days and "
              f"{figures['searches']:,} searches in the 90 days; {len(raw['times'])} runs)."]
    if data.get("agreement"):
        lines.append(data["agreement"])
    return lines


def breakdown_lines(data):
    page = page_figures(data["pages"]["overview"])[0]
    parts = data["breakdown"]
    lines = ["", "Where the time of the 90-day overview goes: each piece called on its own as the lead (median of "
             f"10 calls, raw year kept), against the page's median of {ms(page)}:", "",
             "| piece | median | share of the page |", "| --- | ---: | ---: |"]
    for label, seconds in sorted(parts.items(), key=lambda item: -item[1]):
        lines.append(f"| {label} | {ms(seconds)} | {seconds / page:.0%} |")
    rest = page - sum(parts.values())
    lines.append(f"| the rest: signing-in check, the template (charts, tables), Flask | {ms(rest)} | "
                 f"{rest / page:.0%} |")
    return lines


def profile_lines(prof):
    total_sql = sum(s for s, _, _ in prof["statements"])
    lines = ["", f"One more GET of the 90-day overview with every SQL statement timed: {ms(prof['seconds'])}, "
             f"{len(prof['statements'])} statements taking {ms(total_sql)} ({total_sql / prof['seconds']:.0%} of the "
             "request; the time to the first row, which for a GROUP BY is nearly all of it)."]
    slow = sorted(prof["statements"], key=lambda s: -s[0])[:5]
    if slow:
        lines += ["", "Slowest statements:", ""]
        lines += [f"- {ms(seconds)}: `{' '.join(statement.split())[:300]}…`" for seconds, statement, _ in slow]
    if prof.get("functions"):
        lines += ["", "Profile (cProfile, which slows many small calls down; the project's functions by cumulative "
                  "time):", "",
                  "| function | calls | cumulative | own |", "| --- | ---: | ---: | ---: |"]
        lines += [f"| `{name}` | {calls} | {ms(cumtime)} | {ms(tottime)} |"
                  for cumtime, tottime, calls, name in prof["functions"][:15]]
    return lines


def sizes_lines(data):
    (counts, on_disk, file_bytes), after = data["sizes"], data.get("sizes_after")
    lines = ["", f"Sizes: database file {file_bytes / 2**20:,.0f} MiB with the year of raw rows"
             + (f", {after[2] / 2**20:,.0f} MiB after the purge (SQLite keeps the freed pages)" if after else "")
             + ".", "",
             "| table | rows | on disk, with indexes | rows after the purge |", "| --- | ---: | ---: | ---: |"]
    for table in RAW_TABLES + AGGREGATE_TABLES:
        size = f"{table_bytes(on_disk, table) / 2**20:,.1f} MiB" if on_disk else "n/a"
        lines.append(f"| {table} | {counts[table]:,} | {size} | {after[0][table]:,} |" if after
                     else f"| {table} | {counts[table]:,} | {size} | — |")
    purge = data.get("purge")
    if purge:
        lines += ["", f"The purge (`run_maintenance()`: rolls up due days, then deletes raw rows before "
                  f"{purge['cutoff']}) took {purge['seconds']:.1f} s and deleted "
                  + ", ".join(f"{n:,} {table}" for table, n in purge["deleted"].items()) + "."]
    return lines


def render(data):
    gen = data["generator"]
    lines = [
        f"{date.today().isoformat()} — {machine()}; Flask test client, default content ({data['articles']} "
        f"articles), scale {data['scale']:g}; whole run {data['total_s']:.0f} s; load average {data['load']}.",
        "",
        generated(gen.counts, gen.seconds),
        "",
        *target_lines(data),
    ]
    if data.get("rollup"):
        lines += rollup_lines(data["rollup"])
    lines += pages_lines(data)
    if data.get("breakdown"):
        lines += breakdown_lines(data)
    if data.get("profile"):
        lines += profile_lines(data["profile"])
    lines += sizes_lines(data)
    lines += ["", "Generation: " + ", ".join(f"{name} {s:.1f} s" for name, s in gen.seconds.items()) + "."]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed GETs of each page (default 20)")
    parser.add_argument("--rollup-runs", type=int, default=3, help="rollups of each representative day (default 3)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the generated volumes (default 1)")
    parser.add_argument("--quick", action="store_true", help="scale 0.05 and 5 runs, for a smoke check")
    parser.add_argument("--profile", action="store_true", help="profile the overview even when it meets its target")
    parser.add_argument("--output", default=str(RESULTS_FILE),
                        help="Markdown file written (default bench/results/dashboard.md)")
    args = parser.parse_args(argv)
    scale = 0.05 if args.quick else args.scale
    runs = 5 if args.quick else args.runs
    if runs < 1 or args.rollup_runs < 1 or not 0 < scale <= 1:
        parser.error("--runs and --rollup-runs must be positive, --scale in (0, 1]")

    dropped = clean_environment()
    if dropped:
        log(f"ignoring {', '.join(dropped)}: the benchmark measures the defaults")

    def on_sigterm(signum, frame):
        raise Stopped()

    signal.signal(signal.SIGTERM, on_sigterm)
    started = time.perf_counter()
    load_before = load_average()
    data = {"runs": runs, "scale": scale}
    tmp = tempfile.TemporaryDirectory(prefix="tier0-bench-dashboard-")
    try:
        instance = Path(tmp.name) / "instance"
        instance.mkdir()
        db_path = instance / "tier0.db"
        log(f"instance folder: {instance}")
        app = make_app(instance)
        articles = prepare(app)
        data["articles"] = len(articles)
        log(f"synced {len(articles)} published articles; generating the year (scale {scale:g})")

        from app.analytics.periods import parse_range
        from app.kb.models import utcnow

        rng = random.Random(SEED)
        year = Year(rng, articles, utcnow())
        today = year.today
        generator = Generator(str(db_path), articles, year, scale)
        generator.run()
        data["generator"] = generator

        log("rollup:")
        which = representative_days(db_path, today)
        timings, refresh_s, _ = measure_rollup(app, which, args.rollup_runs)
        data["rollup"] = {"days": timings, "which": which, "refresh_s": refresh_s}

        period = parse_range("90d", today=today)
        log("reference (a), while the year of raw rows is there:")
        raw_times, raw_result = [], None
        for _ in range(5):
            seconds, raw_result = timed(raw_figures, app, period, period.previous())
            raw_times.append(seconds)
        data["raw"] = {"times": raw_times, "result": raw_result}
        log(f"  raw SQL: median {ms(statistics.median(raw_times))}")
        if "rollup" in data:
            data["agreement"] = agreement(aggregate_totals(app, period), raw_result["period"])
            log(f"  {data['agreement']}")
        data["sizes"] = sizes(db_path)

        client = sign_in(app)
        last_month = today.replace(day=1) - timedelta(days=1)
        data["month_key"] = f"{last_month.year}-{last_month.month:02d}"
        conn = sqlite3.connect(db_path)
        top_id = conn.execute("SELECT article_id FROM page_views GROUP BY article_id "
                              "ORDER BY SUM(views) DESC, article_id LIMIT 1").fetchone()[0]
        conn.close()
        top = next(a for a in articles if a["id"] == top_id)
        data["article_path"] = article_page_path(app, top["slug"], top["id"])
        paths = {"overview": "/dashboard/?range=90d", "month": f"/dashboard/?range={data['month_key']}",
                 "article": data["article_path"]}
        log("pages, the year of raw rows kept:")
        data["pages"] = measure_pages(client, paths, runs)
        overview = data["pages"]["overview"]
        data["overview_size"] = len(overview[3])
        missed = not overview[1] or percentile(overview[1], 95) * 1e3 > TARGET_OVERVIEW_MS
        if overview[2] == 200:
            data["profile"] = profile_request(app, client, paths["overview"], full=missed or args.profile)
            if data["profile"].get("tottime"):
                log(data["profile"]["tottime"])

        if overview[2] == 200:
            data["breakdown"] = breakdown(app, 10)
            for label, seconds in data["breakdown"].items():
                log(f"  {label}: {ms(seconds)}")

        if "rollup" in data:
            from app.analytics.maintenance import run_maintenance
            from app.extensions import db

            with app.app_context():
                purge_s, (_, purged) = timed(run_maintenance)
                data["purge"] = {"seconds": purge_s, "deleted": dict(purged.deleted), "cutoff": purged.cutoff}
                db.session.remove()
            log(f"maintenance (the purge of raw rows past the retention): {purge_s:.1f} s, {purged.deleted}")
            data["sizes_after"] = sizes(db_path)
            log("pages, after the purge:")
            data["pages_after"] = measure_pages(client, paths, runs)

        bare, bare_size = bare_app(max(data["overview_size"], 1000))
        _, bare_times, _, _ = measure_page(bare.test_client(), "/", runs)
        data["bare"] = {"times": bare_times, "size": bare_size}
        log(f"reference (b): bare Flask {bare_size / 1024:.0f} KiB page: median {ms(statistics.median(bare_times))}")
        data["total_s"] = time.perf_counter() - started
        data["load"] = f"{load_before} at the start, {load_average()} at the end"
    except (KeyboardInterrupt, Stopped):
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        tmp.cleanup()

    report_md = "## Dashboard benchmark\n\n" + render(data)
    print()
    print(report_md)
    write_report(report_md, args.output, ROOT)
    return 0  # a benchmark is not a test: a missed target is printed, not an error


if __name__ == "__main__":
    sys.exit(main())
