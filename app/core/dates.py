"""Dates typed by people (report and filter forms), checked with messages they can act on."""
from datetime import date, datetime

# Days outside this range are typing mistakes, and far-off days would overflow week and month arithmetic.
EARLIEST_DAY, LATEST_DAY = date(1970, 1, 1), date(2999, 12, 31)


def parse_day(text, label):
    """A YYYY-MM-DD string as a date (None when blank); ValueError with a message naming the field."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        shown = text if len(text) <= 30 else text[:30] + "…"
        raise ValueError(f"“{label}” must be a date written YYYY-MM-DD, like 2024-05-31 (got “{shown}”).") from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(f"“{label}” must be between {EARLIEST_DAY} and {LATEST_DAY}.")
    return day
