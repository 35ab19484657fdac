"""Date ranges the dashboard reports on (UTC days, both ends included) and the period each is compared with."""
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.kb.models import utcnow

PRESETS = {"7d": 7, "30d": 30, "90d": 90}
DEFAULT = "30d"
MAX_DAYS = 731  # two years: longer ranges say little week by week and cost a lot to draw
MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
QUARTER = re.compile(r"([0-9]{4})-Q([1-4])", re.IGNORECASE)
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]


class RangeError(ValueError):
    """A range the dashboard cannot use; the message says how to write one."""


def today_utc():
    """Today's date in UTC, the day analytics rows are filed under."""
    return utcnow().date()


def day_label(day):
    """"3 November 2026"."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def span_label(start, end):
    """"3–9 November 2026", "28 October – 3 November 2026" or "1 December 2025 – 5 January 2026"."""
    if start == end:
        return day_label(start)
    if start.year != end.year:
        return f"{day_label(start)} – {day_label(end)}"
    if start.month != end.month:
        return f"{start.day} {MONTH_NAMES[start.month - 1]} – {day_label(end)}"
    return f"{start.day}–{day_label(end)}"


def short_day(day):
    """"3 Nov"."""
    return f"{day.day} {MONTH_NAMES[day.month - 1][:3]}"


def week_start(day):
    """The Monday of the ISO week holding ``day``."""
    return day - timedelta(days=day.weekday())


def week_label(monday):
    """"Week of 3 Nov"."""
    return f"Week of {short_day(monday)}"


@dataclass(frozen=True)
class DateRange:
    """Days ``start``..``end`` (both included, UTC) chosen as ``kind`` ("7d", "30d", "90d", "month",
    "quarter", "custom", or "previous" for the period it is compared with)."""

    start: date
    end: date
    kind: str = "custom"
    key: str = ""  # what the range picker sends back: "30d", "2026-11", "2026-Q4" or "" (custom)

    @property
    def days(self):
        """How many days the range holds."""
        return (self.end - self.start).days + 1

    @property
    def start_at(self):
        """The range's first moment (naive UTC, as rows store it)."""
        return datetime.combine(self.start, datetime.min.time())

    @property
    def end_at(self):
        """The first moment after the range."""
        return datetime.combine(self.end + timedelta(days=1), datetime.min.time())

    @property
    def label(self):
        """How the page names the range: "Last 30 days", "November 2026 (1–23 November)", a span of days."""
        if self.kind in PRESETS:
            return f"Last {PRESETS[self.kind]} days"
        if self.kind == "month":
            name = f"{MONTH_NAMES[self.start.month - 1]} {self.start.year}"
            return name if self.end == _month_end(self.start) else f"{name} (to {day_label(self.end)})"
        if self.kind == "quarter":
            name = f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"
            return name if self.end == _quarter_end(self.start) else f"{name} (to {day_label(self.end)})"
        return span_label(self.start, self.end)

    @property
    def span(self):
        """The days as words: "1–23 November 2026"."""
        return span_label(self.start, self.end)

    def day_list(self):
        """Every day of the range, in order."""
        return [self.start + timedelta(days=n) for n in range(self.days)]

    def query_args(self):
        """The URL arguments that choose this range again."""
        if self.kind in PRESETS or self.kind in ("month", "quarter"):
            return {"range": self.key}
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    def week_starts(self):
        """The Mondays of the ISO weeks the range touches, in order (the end weeks may be cut by the range)."""
        first = week_start(self.start)
        return [first + timedelta(weeks=n) for n in range((week_start(self.end) - first).days // 7 + 1)]

    def previous(self):
        """The period compared with: the previous month or quarter (as many days, while this one runs),
        otherwise the same number of days just before."""
        if self.kind in ("month", "quarter"):
            months = 1 if self.kind == "month" else 3
            start = _add_months(self.start, -months)
            whole_end = self.start - timedelta(days=1)
            complete = self.end == (_month_end(self.start) if self.kind == "month" else _quarter_end(self.start))
            end = whole_end if complete else min(start + timedelta(days=self.days - 1), whole_end)
            return DateRange(start, end, "previous")
        end = self.start - timedelta(days=1)
        return DateRange(end - timedelta(days=self.days - 1), end, "previous")


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(day):
    return _add_months(day, 1) - timedelta(days=1)


def _quarter_end(day):
    return _add_months(date(day.year, (day.month - 1) // 3 * 3 + 1, 1), 3) - timedelta(days=1)


def _parse_day(text, name):
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise RangeError(f"“{text.strip()[:20]}” is not {'an' if name == 'end' else 'a'} {name} date: write it as YYYY-MM-DD, "
                         "for example 2026-11-01.") from None


def parse_range(value="", start="", end="", today=None):
    """The DateRange the picker asked for: a preset ("7d", "30d", "90d"), a month ("2026-11"), a quarter
    ("2026-Q4"), or custom ``start``/``end`` dates. Nothing means the last 30 days; the future is cut off."""
    today = today or today_utc()
    value, start, end = (value or "").strip(), (start or "").strip(), (end or "").strip()
    if start or end:
        if not (start and end):
            raise RangeError("Give both a start and an end date for a custom range.")
        first, last = _parse_day(start, "start"), _parse_day(end, "end")
        if first > last:
            raise RangeError("The start date is after the end date.")
        if first > today:
            raise RangeError("The range starts in the future: there is nothing to show yet.")
        last = min(last, today)
        if (last - first).days + 1 > MAX_DAYS:
            raise RangeError(f"Choose at most {MAX_DAYS} days (two years).")
        return DateRange(first, last, "custom", "")
    value = value or DEFAULT
    if value in PRESETS:
        return DateRange(today - timedelta(days=PRESETS[value] - 1), today, value, value)
    if value in ("month", "quarter"):  # "this month" / "this quarter" from the picker
        value = f"{today.year}-{today.month:02d}" if value == "month" else \
            f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    month, quarter = MONTH.fullmatch(value), QUARTER.fullmatch(value)
    if month and 1 <= int(month.group(2)) <= 12 and 2000 <= int(month.group(1)) <= 2999:
        first = date(int(month.group(1)), int(month.group(2)), 1)
        kind, last = "month", _month_end(first)
    elif quarter and 2000 <= int(quarter.group(1)) <= 2999:
        first = date(int(quarter.group(1)), 3 * int(quarter.group(2)) - 2, 1)
        kind, last = "quarter", _quarter_end(first)
    else:
        raise RangeError(f"“{value[:20]}” is not a range: choose last 7, 30 or 90 days, a month (2026-11), "
                         "a quarter (2026-Q4) or two dates.")
    if first > today:
        raise RangeError("That period has not started yet.")
    key = f"{first.year}-{first.month:02d}" if kind == "month" else f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    return DateRange(first, min(last, today), kind, key)
