"""What a dashboard page shows: every source's figures, charts and tables merged in order, and the same
numbers as tables for the CSV downloads."""
from dataclasses import dataclass, field

from flask import current_app

from app.core.plugins import Table, dashboard_sources
from app.extensions import db

ROLLUP_DAYS = 31  # days a page visit rolls up at most; older ones wait for `flask analytics rollup`
FIGURES_KEY = "figures"
FIGURE_COLUMNS = ["Key", "Label", "Value", "Previous", "Change", "Unit", "Target"]
CHART_LABEL_COLUMN = "Period"


@dataclass
class Parts:
    """Everything the sources added to one page, sorted by ``order`` (ties keep the sources' order)."""

    figures: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # names of the sources that raised
    pending: int = 0  # older days not rolled up yet
    rollup_failed: bool = False

    @property
    def empty(self):
        """True when nothing at all was counted in the range or the one before."""
        return (all(not figure.value and not figure.previous for figure in self.figures)
                and all(not chart_has_data(chart) for chart in self.charts)
                and all(not table.rows for table in self.tables))


def chart_has_data(chart):
    """True when some series has a value: any number for percents (0% helpful is news), non-zero for counts."""
    return any(value is not None and (value or chart.unit == "percent")
               for series in chart.series for value in series.values)


def refresh_aggregates():
    """Roll up the days dashboard pages read (today again when stale): (older days still pending, whether it failed)."""
    from app.analytics import rollup  # it imports every feature's event models: load it once they exist

    try:
        return rollup.refresh(max_days=ROLLUP_DAYS).pending, False
    except Exception:  # noqa: BLE001 - the aggregates already there still make a page
        current_app.logger.exception("dashboard: the analytics rollup failed")
        db.session.rollback()
        return 0, True


def _collect(calls):
    """Call each source; one that raises is logged and named, and the others still show."""
    parts = Parts()
    parts.pending, parts.rollup_failed = refresh_aggregates()
    for source, call in calls:
        try:
            part = call()
        except Exception:  # noqa: BLE001 - a broken plugin must not take the dashboard down
            current_app.logger.exception("dashboard source %s failed", source.key)
            db.session.rollback()  # PostgreSQL refuses further queries in an aborted transaction
            parts.failed.append(source.source)
            continue
        if part is not None:
            parts.figures += part.figures
            parts.charts += part.charts
            parts.tables += part.tables
    for name in ("figures", "charts", "tables"):
        setattr(parts, name, sorted(getattr(parts, name), key=lambda item: item.order))
    return parts


def overview_parts(period):
    """The overview's figures (``period`` against the one before), charts and tables."""
    previous = period.previous()
    return _collect([(source, lambda source=source: source.overview(period, previous))
                     for source in dashboard_sources() if source.overview])


def article_parts(article, period):
    """The per-article page's figures, charts and tables for ``article`` over ``period``."""
    return _collect([(source, lambda source=source: source.article(article, period))
                     for source in dashboard_sources() if source.article])


def find_table(parts, key):
    """The table to download as ``key``: a table, a chart's numbers, or "figures"; None when unknown."""
    if key == FIGURES_KEY:
        return figures_table(parts.figures)
    for table in parts.tables:
        if table.key == key:
            return table
    for chart in parts.charts:
        if chart.key == key:
            return chart_table(chart)
    return None


def chart_table(chart):
    """A chart's numbers: the label column, then one column per series."""
    rows = [[label, *(series.values[index] if index < len(series.values) else None for series in chart.series)]
            for index, label in enumerate(chart.labels)]
    return Table(chart.key, chart.title, [CHART_LABEL_COLUMN, *(series.label for series in chart.series)], rows)


def figures_table(figures):
    """The headline figures as rows. Percents are written in % (87.5); Change is the % change of a count,
    or the difference in percentage points of a percent."""
    rows = []
    for figure in figures:
        scale = 100 if figure.unit == "percent" else 1
        value, previous, target = (None if number is None else round(number * scale, 2)
                                   for number in (figure.value, figure.previous, figure.target))
        change = None
        if value is not None and previous is not None:
            if figure.unit == "percent":
                change = round(value - previous, 2)
            elif previous:
                change = round((value - previous) / previous * 100, 2)
        rows.append([figure.key, figure.label, value, previous, change, figure.unit, target])
    return Table(FIGURES_KEY, "Headline figures", FIGURE_COLUMNS, rows)
