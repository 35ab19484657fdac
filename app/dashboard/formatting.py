"""How the dashboard writes numbers: counts with thousands separators, shares as percents, changes in words."""
from dataclasses import dataclass
from datetime import date, datetime

from app.analytics.periods import MONTH_NAMES

NOTHING = "—"  # a value that cannot be computed (a share of zero things)
MINUS = "−"


def as_count(value):
    """1234 -> "1,234"; None -> "—"."""
    if value is None:
        return NOTHING
    return f"{round(value):,}".replace("-", MINUS)


def as_percent(share, scale=100):
    """A share 0..1 as "87%" or "87.5%" (``scale=1`` for a value already in percent); None -> "—"."""
    if share is None:
        return NOTHING
    return _trim(share * scale) + "%"


def as_value(value, unit):
    """A figure's or chart's value in its unit ("count" or "percent", a share 0..1)."""
    return as_percent(value) if unit == "percent" else as_count(value)


def as_cell(value):
    """A table cell as shown: counts with separators, dates as "3 Nov 2026", None as "—"."""
    if value is None or value == "":
        return NOTHING if value is None else ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return as_count(value)
    if isinstance(value, float):
        return _trim(value, 2) if abs(value) < 1000 else as_count(value)
    if isinstance(value, datetime):
        return f"{value.day} {MONTH_NAMES[value.month - 1][:3]} {value.year}, {value:%H:%M}"
    if isinstance(value, date):
        return f"{value.day} {MONTH_NAMES[value.month - 1][:3]} {value.year}"
    return str(value)


def is_number(value):
    """True for cells that line up on the right (numbers, not booleans)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _trim(number, decimals=1):
    """87.0 -> "87", 87.46 -> "87.5", with a real minus sign."""
    text = f"{number:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace("-", MINUS)


def _signed(number, decimals=1):
    text = _trim(number, decimals)
    return text if text.startswith(MINUS) or text == "0" else "+" + text


@dataclass
class Change:
    """A figure compared with the previous period: shown text, direction, and whether that is good news."""

    text: str  # "+12% (1,234 → 1,382)" or "+3.1 pts (84% → 87.1%)"
    direction: str  # "up", "down" or "same"
    tone: str  # "good", "bad" or "neutral"
    words: str  # for screen readers: "up 12% from 1,234 to 1,382"
    amount: str = ""  # "+12%", "+3.1 pts" ("" when unchanged)
    before: str = ""  # the previous value as shown: "1,234", "84%"

    @property
    def arrow(self):
        """▲, ▼ or ＝ (hidden from screen readers, which get ``words``)."""
        return {"up": "▲", "down": "▼"}.get(self.direction, "＝")


def change_of(figure):
    """How ``figure`` moved since the previous period, or None when one side is missing."""
    if figure.value is None or figure.previous is None:
        return None
    before, now = as_value(figure.previous, figure.unit), as_value(figure.value, figure.unit)
    difference = figure.value - figure.previous
    if figure.unit == "percent":
        shown = round(difference * 100, 1)
        amount, size = f"{_signed(shown)} pts", f"{_trim(abs(shown))} points"
    elif figure.previous:
        relative = difference / figure.previous * 100
        shown = round(relative, 0 if abs(relative) >= 10 else 1)
        amount, size = _signed(shown) + "%", _trim(abs(shown)) + "%"
    else:  # from nothing: a percentage would be infinite
        shown = difference
        amount, size = _signed(shown, 0), as_count(abs(shown))
    if not shown:
        return Change(f"No change ({before} → {now})", "same", "neutral", f"no change from {before}", "", before)
    direction = "up" if shown > 0 else "down"
    good = (direction == "up") == bool(figure.higher_is_better)
    return Change(f"{amount} ({before} → {now})", direction, "good" if good else "bad",
                  f"{direction} {size} from {before} to {now}", amount, before)


def target_status(figure):
    """("Target 90%", True/False/None): the target and whether the value meets it (None: nothing to judge)."""
    if figure.target is None:
        return None
    text = f"Target {as_value(figure.target, figure.unit)}"
    if figure.value is None:
        return text, None
    met = figure.value >= figure.target if figure.higher_is_better else figure.value <= figure.target
    return text, met


def numeric_columns(table):
    """Indexes of the columns whose filled cells are all numbers (right-aligned)."""
    return {index for index in range(len(table.columns))
            if any(is_number(row[index]) for row in table.rows if index < len(row))
            and all(row[index] is None or is_number(row[index]) for row in table.rows if index < len(row))}


def chart_data(chart):
    """What dashboard-charts.js draws: the chart's settings and series, labels as text."""
    return {"key": chart.key, "title": chart.title, "kind": chart.kind, "unit": chart.unit,
            "stacked": chart.stacked, "target": chart.target,
            "labels": [label if isinstance(label, str) else as_cell(label) for label in chart.labels],
            "series": [{"label": series.label, "kind": series.kind or chart.kind, "values": list(series.values)}
                       for series in chart.series]}


def register_filters(app):
    """Make the helpers available to every template."""
    app.jinja_env.filters.update(as_count=as_count, as_percent=as_percent, as_cell=as_cell)
    app.jinja_env.globals.update(figure_value=lambda figure: as_value(figure.value, figure.unit),
                                 figure_change=change_of, figure_target=target_status, is_number=is_number,
                                 numeric_columns=numeric_columns, chart_data=chart_data)
