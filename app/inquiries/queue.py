"""The staff queue: plain filter values in, inquiries out; counts for the dashboard and the article page."""
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select

from app.auth.models import User
from app.core.dates import parse_day
from app.extensions import db
from app.inquiries import sla
from app.inquiries.models import CHANNELS, OPEN_STATUSES, PRIORITIES, STATUSES, Inquiry

PER_PAGE = 50
STAFF_ROLES = ("lead", "admin")  # the only roles that see inquiries
UNASSIGNED = "unassigned"


class FilterError(ValueError):
    """Filter values that cannot be used; ``errors`` is {field: message for people}."""

    def __init__(self, errors):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class QueueFilter:
    """Which inquiries the queue lists; empty values mean "any"."""

    status: str = ""  # a status code, or "open" for every open status
    category: str = ""
    priority: str = ""
    channel: str = ""
    assignee: str = ""  # a user id as text, or UNASSIGNED
    breached: bool = False
    start: date | None = None  # created on or after this day (UTC)
    end: date | None = None  # created on or before this day (UTC)
    article: int | None = None  # source article id
    text: str = ""  # part of a reference, e-mail, name or subject

    def query_args(self):
        """The filter as URL query arguments (for pagination links that keep it)."""
        args = {
            "status": self.status, "category": self.category, "priority": self.priority,
            "channel": self.channel, "assignee": self.assignee, "breached": "yes" if self.breached else "",
            "from": self.start.isoformat() if self.start else "", "to": self.end.isoformat() if self.end else "",
            "article": str(self.article) if self.article is not None else "", "q": self.text,
        }
        return {key: value for key, value in args.items() if value}

    @property
    def active(self):
        """True when any filter is set."""
        return any(getattr(self, f.name) not in ("", None, False) for f in fields(self))


def parse_filters(args, categories):
    """A QueueFilter from query-string values; FilterError naming each field that is wrong."""
    value = {key: str(args.get(key, "")).strip()[:100] for key in
             ("status", "category", "priority", "channel", "assignee", "breached", "from", "to", "article", "q")}
    errors = {}
    choices = {"status": {**STATUSES, "open": "Open"}, "category": categories, "priority": PRIORITIES,
               "channel": CHANNELS}
    for key, allowed in choices.items():
        if value[key] and value[key] not in allowed:
            errors[key] = f"There is no {key} “{value[key][:40]}”."
    if value["assignee"] and value["assignee"] != UNASSIGNED and not value["assignee"].isdigit():
        errors["assignee"] = "Choose an assignee from the list."
    if value["article"] and not value["article"].isdigit():
        errors["article"] = "The article is given by its number, like 12."
    days = {}
    for key, label in (("from", "From"), ("to", "To")):
        try:
            days[key] = parse_day(value[key], label)
        except ValueError as error:
            errors[key] = str(error)
    if days.get("from") and days.get("to") and days["from"] > days["to"]:
        errors["from"] = "“From” must be on or before “To”."
    if errors:
        raise FilterError(errors)
    return QueueFilter(
        status=value["status"], category=value["category"], priority=value["priority"], channel=value["channel"],
        assignee=value["assignee"], breached=value["breached"].lower() in ("yes", "1", "on", "true"),
        start=days["from"], end=days["to"], article=int(value["article"]) if value["article"] else None,
        text=" ".join(value["q"].split()),
    )


def _like(text):
    """A LIKE pattern matching ``text`` anywhere, its own % and _ taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filtered_query(filters, now):
    """SELECT of the inquiries matching ``filters``, newest first."""
    query = select(Inquiry)
    if filters.status == "open":
        query = query.where(Inquiry.status.in_(OPEN_STATUSES))
    elif filters.status:
        query = query.where(Inquiry.status == filters.status)
    for name in ("category", "priority", "channel"):
        if getattr(filters, name):
            query = query.where(getattr(Inquiry, name) == getattr(filters, name))
    if filters.assignee == UNASSIGNED:
        query = query.where(Inquiry.assignee_id.is_(None))
    elif filters.assignee:
        query = query.where(Inquiry.assignee_id == int(filters.assignee))
    if filters.breached:
        query = query.where(sla.breached_clause(Inquiry, now))
    if filters.start:
        query = query.where(Inquiry.created_at >= datetime.combine(filters.start, datetime.min.time()))
    if filters.end:
        query = query.where(Inquiry.created_at < datetime.combine(filters.end + timedelta(days=1), datetime.min.time()))
    if filters.article is not None:
        query = query.where(Inquiry.source_article_id == filters.article)
    if filters.text:
        pattern = _like(filters.text)
        query = query.where(or_(*(func.lower(column).like(pattern, escape="\\") for column in
                                  (Inquiry.reference, Inquiry.email, Inquiry.name, Inquiry.subject))))
    return query.order_by(Inquiry.created_at.desc(), Inquiry.id.desc())


def search(filters, now, page=1, per_page=PER_PAGE):
    """One page (flask_sqlalchemy Pagination) of the inquiries matching ``filters``, newest first."""
    return db.paginate(filtered_query(filters, now), page=max(1, page), per_page=per_page, error_out=False)


def assignable_staff():
    """Active leads and admins, by name: who an inquiry can be given to."""
    query = select(User).where(User.role.in_(STAFF_ROLES), User.active.is_(True))
    return sorted(db.session.execute(query).scalars(), key=lambda user: user.display_name.lower())


@dataclass
class QueueSummary:
    """What the dashboard panel shows."""

    open: int
    breached: int
    oldest_unanswered: Inquiry | None


def summary(now):
    """Open inquiries, how many of them missed a target, and the oldest one still waiting for a reply."""
    is_open = Inquiry.status.in_(OPEN_STATUSES)
    open_count = db.session.scalar(select(func.count(Inquiry.id)).where(is_open))
    breached = db.session.scalar(select(func.count(Inquiry.id)).where(is_open, sla.breached_clause(Inquiry, now)))
    oldest = db.session.execute(
        select(Inquiry).where(is_open, Inquiry.first_response_at.is_(None))
        .order_by(Inquiry.created_at, Inquiry.id).limit(1)).scalar_one_or_none()
    return QueueSummary(open_count, breached, oldest)


def citing_count(article_id):
    """How many inquiries were sent from this article."""
    if article_id is None:
        return 0
    return db.session.scalar(select(func.count(Inquiry.id)).where(Inquiry.source_article_id == article_id))


def duration_text(delta):
    """A timedelta for people: "3 days 4 hours", "2 hours 5 minutes", "under a minute"."""
    if delta is None:
        return ""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour")] if days else [(hours, "hour"), (minutes, "minute")]
    words = [f"{count} {unit}{'' if count == 1 else 's'}" for count, unit in parts if count]
    return " ".join(words) or "under a minute"
