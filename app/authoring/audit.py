"""The audit log: who published, unpublished, archived, and who changed users and roles."""
from sqlalchemy import func, select

from app.authoring.models import AuditEvent
from app.extensions import db

# Every action written to the log, with the words the history pages show.
ACTIONS = {
    "created": "created the article",
    "submitted": "submitted for review",
    "changes_requested": "requested changes",
    "published": "published",
    "unpublished": "unpublished",
    "archived": "archived",
    "restored": "restored an old revision as a new draft",
    "slug_changed": "changed the address",
    "scheduled_publish": "scheduled publishing",
    "scheduled_archive": "scheduled archiving",
    "schedule_cancelled": "cancelled a schedule",
    "category_created": "created a category",
    "category_changed": "changed a category",
    "category_deleted": "deleted a category",
    "user_created": "created a user",
    "user_invited": "invited a user",
    "role_changed": "changed a role",
    "user_deactivated": "deactivated a user",
    "user_reactivated": "reactivated a user",
}


def record(action, actor=None, article=None, revision=None, user=None, detail=""):
    """Add an event to the session; it commits (or rolls back) with the change it describes."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(action=action, actor_id=getattr(actor, "id", None), article_id=getattr(article, "id", None),
                       revision_id=getattr(revision, "id", None), user_id=getattr(user, "id", None),
                       detail=(detail or "")[:5000])
    db.session.add(event)
    return event


def article_events(article_id, limit=200):
    """The newest events about one article first."""
    query = select(AuditEvent).where(AuditEvent.article_id == article_id).order_by(AuditEvent.id.desc()).limit(limit)
    return db.session.execute(query).scalars().all()


def first_published_at(article_id):
    """When the article was first published from the workspace (None if never, or only by `kb sync`)."""
    return db.session.execute(select(func.min(AuditEvent.created_at)).where(
        AuditEvent.article_id == article_id, AuditEvent.action == "published")).scalar()


def recent_events(actions=None, limit=200, before_id=None):
    """The newest events first, optionally only some actions, older than ``before_id`` for paging."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if actions:
        query = query.where(AuditEvent.action.in_(actions))
    if before_id:
        query = query.where(AuditEvent.id < before_id)
    return db.session.execute(query).scalars().all()
