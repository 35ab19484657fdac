"""Inquiry reports: a month or quarter (UTC), its figures computed from the rows, and the CSV of them.

Every figure counts the inquiries *created* in the period; DEFINITIONS says precisely how each is
computed, and the page, the PDF and `flask inquiries report` show them from there.
"""
import csv
import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from app.core.csv_export import safe_cell
from app.extensions import db
from app.inquiries import sla
from app.inquiries.models import CHANNELS, STATUSES, USER_TYPES, Deflection, Inquiry, Survey
from app.kb.models import Article, utcnow

MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
QUARTER = re.compile(r"([0-9]{4})-Q([0-9])", re.IGNORECASE)
FIRST_YEAR, LAST_YEAR = 2000, 2999  # guards the date arithmetic; a help desk report needs no more
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]
RESOLVED_WITHIN_HOURS = 24
TOP = 10

DEFINITIONS = {
    "period": "Every figure counts the inquiries created in the period (UTC), start included, end excluded.",
    "first_response": "Median of (first reply − creation) over the period's inquiries that have had a reply.",
    "resolution": "Median of (resolved − creation) over the period's inquiries that are resolved now "
                  "(reopened ones count again once resolved again).",
    "resolved_within": f"Inquiries resolved within {RESOLVED_WITHIN_HOURS} hours (resolved − creation ≤ "
                       f"{RESOLVED_WITHIN_HOURS} h) ÷ all inquiries created in the period, unresolved ones "
                       "included; in a running period it can still rise.",
    "sla_breach": "Inquiries that missed their first-response or resolution target ÷ all inquiries of the "
                  "period, judged at the end of the period (or now, while it runs).",
    "csat": "Survey answers of 4 or 5 (satisfied, very satisfied) ÷ all survey answers, for the period's "
            "inquiries.",
    "nps": "% promoters (9–10) − % detractors (0–6) among the surveys that answered the 0–10 question; "
           "from −100 to +100.",
    "effort": "Mean answer to “How easy was it to get your issue handled?” (1 = very hard, 7 = very easy: "
              "higher is better) among the surveys that answered it.",
    "reopened": "Inquiries reopened at least once ÷ all inquiries of the period.",
    "subjects": "Subjects compared case-insensitively, spaces and end punctuation ignored; shown as "
                "most often written.",
    "articles": "The help article the requester was reading when they opened the contact form.",
    "deflections": "Articles suggested on the contact form that a visitor opened and then did not send "
                   "the form (recorded in the period).",
}


class PeriodError(ValueError):
    """A period the report cannot use; the message says how to write one."""


@dataclass(frozen=True)
class Period:
    """A calendar month or quarter in UTC: [start, end)."""

    kind: str  # "month" or "quarter"
    year: int
    number: int  # month 1-12 or quarter 1-4

    @property
    def first_month(self):
        """The number (1-12) of the period's first month."""
        return self.number if self.kind == "month" else 3 * self.number - 2

    @property
    def start(self):
        """The first moment of the period (naive UTC, as stored)."""
        return datetime(self.year, self.first_month, 1)

    @property
    def end(self):
        """The first moment after the period."""
        month = self.first_month + (1 if self.kind == "month" else 3)
        return datetime(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def key(self):
        """"2026-01" or "2026-Q1", as typed in the URL and on the command line."""
        return f"{self.year}-{self.number:02d}" if self.kind == "month" else f"{self.year}-Q{self.number}"

    @property
    def label(self):
        """"January 2026" or "Q1 2026 (January–March)"."""
        if self.kind == "month":
            return f"{MONTH_NAMES[self.number - 1]} {self.year}"
        return (f"Q{self.number} {self.year} ({MONTH_NAMES[self.first_month - 1]}–"
                f"{MONTH_NAMES[self.first_month + 1]})")

    @property
    def short_label(self):
        """"January 2026" or "Q1 2026" (for links to the period)."""
        return self.label if self.kind == "month" else f"Q{self.number} {self.year}"

    @property
    def days(self):
        """"1–31 January 2026" or "1 January – 31 March 2026" (the days in the period)."""
        last = self.end - timedelta(days=1)
        if self.kind == "month":
            return f"1–{last.day} {MONTH_NAMES[last.month - 1]} {self.year}"
        return f"1 {MONTH_NAMES[self.first_month - 1]} – {last.day} {MONTH_NAMES[last.month - 1]} {self.year}"

    def query_args(self):
        """{"month": "2026-01"} or {"quarter": "2026-Q1"}."""
        return {self.kind: self.key}

    def _shift(self, step):
        size = 12 if self.kind == "month" else 4
        index = self.year * size + self.number - 1 + step
        year, number = divmod(index, size)
        return Period(self.kind, year, number + 1) if FIRST_YEAR <= year <= LAST_YEAR else None

    def previous(self):
        """The period before (None before the first supported year)."""
        return self._shift(-1)

    def next(self):
        """The period after (None after the last supported year)."""
        return self._shift(1)


def current_period(now=None):
    """The month we are in (UTC)."""
    now = now or utcnow()
    return Period("month", now.year, now.month)


def parse_period(month="", quarter="", now=None):
    """A Period from "2026-01" or "2026-Q1" (one of them; neither means the current month)."""
    month, quarter = (month or "").strip(), (quarter or "").strip()
    if month and quarter:
        raise PeriodError("Choose a month or a quarter, not both.")
    if not month and not quarter:
        return current_period(now)
    if month:
        match = MONTH.fullmatch(month)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise PeriodError(f"“{month[:20]}” is not a month: write it as YYYY-MM, for example 2026-01.")
        kind, year, number = "month", int(match.group(1)), int(match.group(2))
    else:
        match = QUARTER.fullmatch(quarter)
        if not match or not 1 <= int(match.group(2)) <= 4:
            raise PeriodError(f"“{quarter[:20]}” is not a quarter: write it as YYYY-Q1 to YYYY-Q4, "
                              "for example 2026-Q1.")
        kind, year, number = "quarter", int(match.group(1)), int(match.group(2))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(f"Choose a year from {FIRST_YEAR} to {LAST_YEAR}.")
    return Period(kind, year, number)


# -- figures -------------------------------------------------------------------------------------
@dataclass
class Share:
    """count of total (value None when total is 0), optionally against a target (value >= target passes)."""

    count: int
    total: int
    target: float | None = None

    @property
    def value(self):
        """count / total, or None when there is nothing to divide."""
        return self.count / self.total if self.total else None

    @property
    def result(self):
        """"PASS", "MISS", "NO DATA", or "" when there is no target."""
        if self.target is None:
            return ""
        if self.value is None:
            return "NO DATA"
        return "PASS" if self.value >= self.target else "MISS"


@dataclass
class Row:
    """One line of a breakdown or a top list."""

    key: str
    label: str
    count: int


@dataclass
class Nps:
    """Net promoter score from the 0-10 answers."""

    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def answers(self):
        """How many surveys answered the question."""
        return self.promoters + self.passives + self.detractors

    @property
    def score(self):
        """% promoters − % detractors (−100..100), or None without answers."""
        return (self.promoters - self.detractors) * 100 / self.answers if self.answers else None


@dataclass
class Report:
    """Everything the report shows for one period."""

    period: Period
    judged_at: datetime  # the moment SLA states are judged at: min(period end, now)
    total: int = 0
    by_category: list = field(default_factory=list)
    by_status: list = field(default_factory=list)
    by_channel: list = field(default_factory=list)
    by_user_type: list = field(default_factory=list)
    first_response_hours: list = field(default_factory=list)  # one per answered inquiry
    resolution_hours: list = field(default_factory=list)  # one per resolved inquiry
    resolved_within: Share | None = None
    sla_breached: Share | None = None
    csat: Share | None = None
    nps: Nps = field(default_factory=Nps)
    efforts: list = field(default_factory=list)
    reopened: Share | None = None
    top_subjects: list = field(default_factory=list)
    source_articles: list = field(default_factory=list)
    deflections: int = 0

    @property
    def median_first_response(self):
        """Median hours to the first reply, or None."""
        return statistics.median(self.first_response_hours) if self.first_response_hours else None

    @property
    def median_resolution(self):
        """Median hours to resolution, or None."""
        return statistics.median(self.resolution_hours) if self.resolution_hours else None

    @property
    def mean_effort(self):
        """Mean effort answer (1-7), or None."""
        return statistics.fmean(self.efforts) if self.efforts else None

    @property
    def top_categories(self):
        """The categories with inquiries, most first (at most five)."""
        return [row for row in self.by_category if row.count][:5]


def _breakdown(counter, labels):
    """Rows for every known code (zeros included) and any stored code no longer configured, most first."""
    codes = list(labels) + sorted(code for code in counter if code not in labels)
    rows = [Row(code, labels.get(code, code), counter.get(code, 0)) for code in codes]
    return sorted(rows, key=lambda row: -row.count)  # stable: ties keep the configured order


def _hours(delta):
    return delta.total_seconds() / 3600


def normalize_subject(subject):
    """The key subjects are grouped by: case-folded, spaces collapsed, end punctuation dropped."""
    return " ".join((subject or "").casefold().split()).strip(" .,;:!?…-–—\"'“”")


def _top_subjects(subjects, limit=TOP):
    forms = {}
    for subject in subjects:
        key = normalize_subject(subject)
        if key:
            forms.setdefault(key, Counter())[" ".join(subject.split())] += 1
    rows = []
    for key, spellings in forms.items():
        # the spelling written most often (alphabetically first on a tie) stands for the group
        shown = min(spellings, key=lambda spelling: (-spellings[spelling], spelling))
        rows.append(Row(key, shown, sum(spellings.values())))
    return sorted(rows, key=lambda row: (-row.count, row.key))[:limit]


def source_articles(counter, limit=TOP):
    """Rows (key: article id, label: its title) of the articles cited most in ``counter`` {article id: count}."""
    top = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:limit]
    articles = {article.id: article for article in db.session.execute(
        select(Article).where(Article.id.in_([article_id for article_id, _ in top]))).scalars()} if top else {}
    return [Row(str(article_id), articles[article_id].title if article_id in articles else f"Article {article_id}",
                count) for article_id, count in top]


def resolved_within_share(rows):
    """Inquiries resolved within RESOLVED_WITHIN_HOURS of creation ÷ all ``rows`` (with created_at, resolved_at)."""
    within = sum(row.resolved_at is not None and _hours(row.resolved_at - row.created_at) <= RESOLVED_WITHIN_HOURS
                 for row in rows)
    return Share(within, len(rows), current_app.config["RESOLVED_WITHIN_HOURS_TARGET"])


def csat_share(rows):
    """Survey answers of 4 or 5 ÷ all answers among ``rows`` (with csat, None for an inquiry without a survey)."""
    answers = [row.csat for row in rows if row.csat is not None]
    return Share(sum(answer >= 4 for answer in answers), len(answers), current_app.config["CSAT_TARGET"])


def build_report(period, now=None):
    """The figures for the inquiries created in ``period``, computed from their rows."""
    config = current_app.config
    now = now or utcnow()
    report = Report(period=period, judged_at=min(period.end, now))
    rows = db.session.execute(
        select(Inquiry.created_at, Inquiry.category, Inquiry.status, Inquiry.channel, Inquiry.user_type,
               Inquiry.subject, Inquiry.first_response_at, Inquiry.first_response_due, Inquiry.resolved_at,
               Inquiry.resolution_due, Inquiry.reopened_count, Inquiry.source_article_id,
               Survey.csat, Survey.nps, Survey.effort)
        .outerjoin(Survey, Survey.inquiry_id == Inquiry.id)
        .where(Inquiry.created_at >= period.start, Inquiry.created_at < period.end)
    ).all()
    counters = {name: Counter() for name in ("category", "status", "channel", "user_type")}
    breached = reopened = 0
    articles = Counter()
    for row in rows:
        for name, counter in counters.items():
            counter[getattr(row, name)] += 1
        if row.first_response_at is not None:
            report.first_response_hours.append(_hours(row.first_response_at - row.created_at))
        if row.resolved_at is not None:
            hours = _hours(row.resolved_at - row.created_at)
            report.resolution_hours.append(hours)
        breached += sla.state(row, report.judged_at).breached
        reopened += (row.reopened_count or 0) > 0
        if row.source_article_id is not None:
            articles[row.source_article_id] += 1
        if row.nps is not None:
            if row.nps >= 9:
                report.nps.promoters += 1
            elif row.nps >= 7:
                report.nps.passives += 1
            else:
                report.nps.detractors += 1
        if row.effort is not None:
            report.efforts.append(row.effort)
    report.total = len(rows)
    report.by_category = _breakdown(counters["category"], config["INQUIRY_CATEGORIES"])
    report.by_status = _breakdown(counters["status"], STATUSES)
    report.by_channel = _breakdown(counters["channel"], CHANNELS)
    report.by_user_type = _breakdown(counters["user_type"], USER_TYPES)
    report.resolved_within = resolved_within_share(rows)
    report.sla_breached = Share(breached, report.total)
    report.csat = csat_share(rows)
    report.reopened = Share(reopened, report.total)
    report.top_subjects = _top_subjects(row.subject for row in rows)
    report.source_articles = source_articles(articles)
    report.deflections = db.session.execute(
        select(func.count()).select_from(Deflection).where(
            Deflection.created_at >= period.start, Deflection.created_at < period.end,
            Deflection.submitted.is_(False))).scalar_one()
    return report


# -- formatting ----------------------------------------------------------------------------------
def format_hours(hours):
    """Hours as people say them: "45 min", "5 h 30 min", "2 d 4 h" ("–" for none)."""
    if hours is None:
        return "–"
    minutes = round(hours * 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        whole, rest = divmod(minutes, 60)
        return f"{whole} h {rest} min" if rest else f"{whole} h"
    whole_hours = round(hours)
    days, rest = divmod(whole_hours, 24)
    return f"{days} d {rest} h" if rest else f"{days} d"


def format_percent(share, digits=0):
    """A 0..1 share as "80%" ("–" for none)."""
    return "–" if share is None else f"{share * 100:.{digits}f}%"


def format_score(score):
    """An NPS as "+25", "0" or "−10" ("–" for none)."""
    if score is None:
        return "–"
    rounded = round(score)
    return f"+{rounded}" if rounded > 0 else (f"−{-rounded}" if rounded < 0 else "0")


def format_effort(effort):
    """Mean effort with one decimal ("–" for none)."""
    return "–" if effort is None else f"{effort:.1f}"


@dataclass
class Figure:
    """One headline figure as shown (``shown``, ``basis``) and as exported (``value``, ``unit``)."""

    key: str
    label: str
    shown: str
    value: float | int | None
    unit: str  # count, hours, share (0..1) or score
    basis: str = ""  # what it was computed from, e.g. "4 of 10 inquiries"
    target: float | None = None
    result: str = ""  # PASS, MISS, NO DATA, or "" without a target


def _plural(count, noun, nouns=None):
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


def _of(share, noun, nouns=None):
    return f"{share.count:,} of {_plural(share.total, noun, nouns)}"


def summary(report):
    """The headline figures, in the order the page, the PDF, the CSV and the command show them."""
    within, csat, nps = report.resolved_within, report.csat, report.nps
    return [
        Figure("inquiries", "Inquiries", f"{report.total:,}", report.total, "count", "created in the period"),
        Figure("median_first_response_hours", "Median first response", format_hours(report.median_first_response),
               report.median_first_response, "hours", f"{len(report.first_response_hours):,} answered"),
        Figure("median_resolution_hours", "Median resolution time", format_hours(report.median_resolution),
               report.median_resolution, "hours", f"{len(report.resolution_hours):,} resolved"),
        Figure("resolved_within_24h", f"Resolved within {RESOLVED_WITHIN_HOURS} hours", format_percent(within.value),
               within.value, "share", _of(within, "inquiry", "inquiries"), within.target, within.result),
        Figure("sla_breach_rate", "SLA breach rate", format_percent(report.sla_breached.value),
               report.sla_breached.value, "share", _of(report.sla_breached, "inquiry", "inquiries")),
        Figure("csat", "CSAT (4–5 of 5)", format_percent(csat.value), csat.value, "share",
               _of(csat, "survey answer"), csat.target, csat.result),
        Figure("nps", "NPS", format_score(nps.score), nps.score, "score",
               ", ".join([_plural(nps.promoters, "promoter"), _plural(nps.passives, "passive"),
                          _plural(nps.detractors, "detractor")]) if nps.answers else "no answers"),
        Figure("mean_effort", "Mean effort (1–7)", format_effort(report.mean_effort), report.mean_effort, "score",
               _plural(len(report.efforts), "answer")),
        Figure("reopened_rate", "Reopened", format_percent(report.reopened.value), report.reopened.value, "share",
               _of(report.reopened, "inquiry", "inquiries")),
        Figure("deflections", "Deflections", f"{report.deflections:,}", report.deflections, "count",
               "suggested articles opened, form not sent"),
    ]


def breakdowns(report):
    """(section key, title, column heading, rows) of every breakdown and top list, in the order shown."""
    return [
        ("category", "By category", "Category", report.by_category),
        ("status", "By status", "Status", report.by_status),
        ("channel", "By channel", "Channel", report.by_channel),
        ("user_type", "By user type", "User type", report.by_user_type),
        ("top_subject", "Top subjects", "Subject", report.top_subjects),
        ("source_article", "Articles read before contacting us", "Article", report.source_articles),
    ]


# -- CSV -----------------------------------------------------------------------------------------
CSV_COLUMNS = ["section", "key", "label", "value", "unit", "target", "result"]
def _number(value, digits=4):
    return "" if value is None else (round(value, digits) if isinstance(value, float) else value)


def csv_rows(report):
    """One table, one row per figure: section, key, label, value, unit, target, result."""
    period = report.period
    yield CSV_COLUMNS
    yield ["period", period.kind, period.label, period.key, "", "", ""]
    yield ["period", "start", "Start (UTC, included)", period.start.strftime("%Y-%m-%d %H:%M:%S"), "", "", ""]
    yield ["period", "end", "End (UTC, excluded)", period.end.strftime("%Y-%m-%d %H:%M:%S"), "", "", ""]
    for figure in summary(report):
        yield ["summary", figure.key, figure.label, _number(figure.value), figure.unit, _number(figure.target),
               figure.result]
    for section, _, _, rows in breakdowns(report):
        for row in rows:
            yield [section, row.key, row.label, row.count, "count", "", ""]


def as_csv(report):
    """The report as one CSV document (RFC 4180, CRLF), every text cell made formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in csv_rows(report):
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def filename(period, extension):
    """inquiries-report-2026-01.csv"""
    return f"inquiries-report-{period.key}.{extension}"
