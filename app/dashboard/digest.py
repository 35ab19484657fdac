"""The digest e-mail for support leads: the headline figures of the last days against the days before, the
top search gaps, the least helpful articles and the biggest changes, each with a link to its page."""
import math
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, render_template, url_for
from sqlalchemy import select

from app.analytics.periods import DateRange, today_utc
from app.auth.models import User
from app.dashboard.content import find_table, overview_parts
from app.dashboard.formatting import as_cell, as_value, change_of, target_status
from app.extensions import db

ROWS = 5  # rows of each list
CHANGED_FIGURES = 3


@dataclass
class Section:
    """A list in the e-mail: its heading, up to ROWS lines (text, link) and the page with the rest."""

    title: str
    lines: list = field(default_factory=list)
    url: str = ""
    empty: str = "Nothing in this period."


@dataclass
class Digest:
    """A composed digest: who it covers, its subject and its plain-text body."""

    period: DateRange
    subject: str
    body: str


def digest_period(days, today=None):
    """The last ``days`` full days (UTC), ending yesterday."""
    end = (today or today_utc()) - timedelta(days=1)
    return DateRange(end - timedelta(days=days - 1), end, "custom")


def recipients(extra=()):
    """The e-mail addresses of every active lead, then ``extra`` ones, each once."""
    leads = db.session.execute(select(User.email).where(User.role == "lead", User.active.is_(True))
                               .order_by(User.email)).scalars()
    seen = {}
    for address in [*leads, *extra]:
        seen.setdefault(address.strip().lower(), address.strip())
    return list(seen.values())


def relative_change(figure):
    """How far a figure moved, as a share of where it was (infinite from zero); None without both values."""
    if figure.value is None or figure.previous is None:
        return None
    if not figure.previous:
        return math.inf if figure.value else 0.0
    return abs(figure.value - figure.previous) / abs(figure.previous)


def biggest_changes(figures, limit=CHANGED_FIGURES):
    """The figures that moved most, relative to the previous period (unchanged ones left out)."""
    moved = [(change, figure) for figure in figures if (change := relative_change(figure))]
    return [figure for _, figure in sorted(moved, key=lambda item: -item[0])[:limit]]


def _row_text(table, row):
    """The first cell, then "Column: value" for the other filled ones."""
    details = " · ".join(f"{column}: {as_cell(cell)}" for column, cell in zip(table.columns[1:], row[1:])
                         if cell not in (None, ""))
    return f"{as_cell(row[0])} ({details})" if details else as_cell(row[0])


def _section(parts, key, title, endpoint, args):
    """The first ROWS rows of table ``key`` with links to their article pages; None when no source has it."""
    table = find_table(parts, key)
    if table is None:
        return None
    lines = []
    for index, row in enumerate(table.rows[:ROWS]):
        article_id = table.article_ids[index] if table.article_ids and index < len(table.article_ids) else None
        link = url_for("dashboard.article", article_id=article_id, _external=True, **args) if article_id else ""
        lines.append((_row_text(table, row), link))
    page = url_for(endpoint, _external=True, **args) if endpoint in current_app.view_functions else ""
    return Section(title, lines, page, table.empty)


def figure_line(figure):
    """"Helpful: 87.5% (+3.1 pts from 84.4%); target 90%: missed"."""
    change, target = change_of(figure), target_status(figure)
    text = f"{figure.label}: {as_value(figure.value, figure.unit)}"
    if change is None:
        text += " (nothing to compare with)"
    else:
        text += f" ({change.amount} from {change.before})" if change.amount else f" (no change from {change.before})"
    if target:
        text += f"; {target[0].lower()}" + ("" if target[1] is None else f": {'met' if target[1] else 'missed'}")
    return text


def compose(period):
    """The digest of ``period`` against the days before (needs a request context for absolute links)."""
    parts = overview_parts(period)
    args = period.query_args()
    overview_url = url_for("dashboard.index", _external=True, **args)
    changed = biggest_changes(parts.figures)
    sections = [
        _section(parts, "search_gaps", "Top search gaps", "dashboard.gaps", args),
        _section(parts, "least_helpful", "Least helpful articles", "dashboard.index", args),
        _section(parts, "view_changes", "Biggest changes in article views", "dashboard.index", args),
    ]
    body = render_template("dashboard/email/digest.txt", period=period, previous=period.previous(), parts=parts,
                           figure_lines=[figure_line(figure) for figure in parts.figures],
                           changed_lines=[figure_line(figure) for figure in changed],
                           sections=[section for section in sections if section is not None],
                           overview_url=overview_url)
    subject = f"{current_app.config['SITE_NAME']} dashboard: {period.span}"
    return Digest(period, subject, body)
