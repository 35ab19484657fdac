"""The date range a dashboard page was asked for, and the choices the range picker offers."""
from app.analytics.periods import DEFAULT, RangeError, parse_range, today_utc


def range_from_request(args):
    """(DateRange, error): the range in ``?range=`` or ``?start=&end=``; a bad one gives the default and why."""
    try:
        return parse_range(args.get("range", ""), args.get("start", ""), args.get("end", "")), ""
    except RangeError as error:
        return parse_range(DEFAULT), str(error)


def choices(today=None):
    """[(value, label)] for the picker: last 7/30/90 days, this and last month, this and last quarter."""
    today = today or today_utc()
    this_month = f"{today.year}-{today.month:02d}"
    last = today.replace(day=1)
    last_month = f"{last.year - (last.month == 1)}-{(last.month - 2) % 12 + 1:02d}"
    quarter = (today.month - 1) // 3 + 1
    this_quarter = f"{today.year}-Q{quarter}"
    last_quarter = f"{today.year - 1}-Q4" if quarter == 1 else f"{today.year}-Q{quarter - 1}"
    return [("7d", "Last 7 days"), ("30d", "Last 30 days"), ("90d", "Last 90 days"),
            (this_month, "This month"), (last_month, "Last month"),
            (this_quarter, "This quarter"), (last_quarter, "Last quarter")]
