"""What the workspace lists: content with its workflow state, people, and editor autosaves."""
from sqlalchemy import or_, select

from app.auth.models import User
from app.authoring.categories import category_tree
from app.authoring.models import AuditEvent, Autosave
from app.extensions import db
from app.kb.models import Article, Revision, utcnow

KIND_LABELS = {"article": "Article", "faq": "FAQ", "tutorial": "Tutorial", "troubleshooter": "Troubleshooter"}
STATUS_LABELS = {"draft": "Draft", "in_review": "In review", "published": "Published", "archived": "Archived"}
# Filters of the content list: what a writer asks ("what waits for review?"), not raw column values.
STATE_FILTERS = {
    "draft": "Drafts (new or staged edits)",
    "in_review": "In review",
    "published": "Published",
    "scheduled": "Scheduled",
    "archived": "Archived",
}
PAGE_SIZE = 50

STARTERS = {
    "article": "Start with the answer in one or two sentences.\n\n## Steps\n\n1. First step.\n2. Second step.\n",
    "faq": "The short answer, in a sentence or two.\n",
    "tutorial": "What the reader will have done by the end, and why it helps.\n\n## First step\n\nWhat to do.\n\n"
                "## Second step\n\nWhat to do next.\n",
    "troubleshooter": (
        "start: first-question\nnodes:\n  - id: first-question\n    type: question\n"
        "    text: What happens when you try?\n    options:\n      - label: It shows an error\n"
        "        next: fix-error\n      - label: Nothing happens\n        next: contact-us\n"
        "  - id: fix-error\n    type: solution\n    text: Do this to fix the error.\n    outcome: solved\n"
        "  - id: contact-us\n    type: solution\n    text: Our team can look into it for you.\n    outcome: escalate\n"
    ),
}


def _listed(state=None, kind=None, category_id=None, text=None, owner_id=None):
    """SELECT of the articles the workspace list shows for these filters."""
    query = select(Article).join(Revision, Revision.id == Article.current_revision_id, isouter=True)
    if state == "draft":
        query = query.where(or_(Article.status == "draft",
                                (Article.status == "published") & (Article.staged_status == "draft")))
    elif state == "in_review":
        query = query.where(or_(Article.status == "in_review",
                                (Article.status == "published") & (Article.staged_status == "in_review")))
    elif state == "scheduled":
        query = query.where(or_(Article.publish_at.is_not(None), Article.archive_at.is_not(None)))
    elif state in ("published", "archived"):
        query = query.where(Article.status == state)
    if kind in KIND_LABELS:
        query = query.where(Article.kind == kind)
    if category_id:
        query = query.where(Article.category_id == category_id)
    if owner_id:
        query = query.where(Article.owner_id == owner_id)
    if text:
        like = f"%{text.strip().lower()}%"
        query = query.where(or_(db.func.lower(Revision.title).like(like), Article.slug.like(like)))
    return query


def _count(query):
    return db.session.execute(select(db.func.count()).select_from(query.subquery())).scalar_one()


def content_list(state=None, kind=None, category_id=None, text=None, owner_id=None, page=1):
    """(articles, total) for the workspace list, newest change first."""
    query = _listed(state, kind, category_id, text, owner_id)
    articles = db.session.execute(
        query.order_by(Article.updated_at.desc(), Article.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).scalars().all()
    return articles, _count(query)


def state_counts():
    """{state filter: count} for the list's tabs."""
    return {state: _count(_listed(state=state)) for state in STATE_FILTERS}


def staff_users():
    """Active staff who can own content, by name."""
    return db.session.execute(
        select(User).where(User.active.is_(True), User.role.in_(("writer", "editor", "admin")))
        .order_by(User.name, User.email)
    ).scalars().all()


def article_choices():
    """[(id, title, kind)] of every non-archived article, for the related-articles picker."""
    rows = db.session.execute(
        select(Article.id, Revision.title, Article.kind)
        .join(Revision, Revision.id == Article.current_revision_id)
        .where(Article.status != "archived").order_by(Revision.title)
    ).all()
    return [tuple(row) for row in rows]


def categories_for_select():
    """[(id, label)] of categories, children indented under their parents."""
    return [(row.id, "— " * row.depth + row.title) for row in category_tree()]


def latest_event(article_id, action):
    """The newest audit event of one action on an article, or None."""
    return db.session.execute(
        select(AuditEvent).where(AuditEvent.article_id == article_id, AuditEvent.action == action)
        .order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()


def revisions_of(article_id):
    """Every revision of an article, newest first, with authors loaded."""
    return db.session.execute(
        select(Revision).where(Revision.article_id == article_id).order_by(Revision.id.desc())
    ).scalars().all()


# -- autosaves ----------------------------------------------------------------------------------------
def slot_for(article=None, kind="article"):
    """The autosave slot of an article, or of a new article of ``kind``."""
    return f"article:{article.id}" if article is not None else f"new:{kind}"


def get_autosave(user_id, slot):
    """The user's autosave in this slot, or None."""
    return db.session.execute(select(Autosave).filter_by(user_id=user_id, slot=slot)).scalar_one_or_none()


def save_autosave(user_id, slot, data, base_revision_id):
    """Keep the editor's unsaved form for this user and slot (one row, overwritten); returns it, committed."""
    autosave = get_autosave(user_id, slot)
    if autosave is None:
        autosave = Autosave(user_id=user_id, slot=slot)
        db.session.add(autosave)
    autosave.data = data
    autosave.base_revision_id = base_revision_id
    autosave.saved_at = utcnow()
    db.session.commit()
    return autosave


def discard_autosave(user_id, slot):
    """Forget the user's autosave in this slot (after a real save, or when they discard it)."""
    autosave = get_autosave(user_id, slot)
    if autosave is not None:
        db.session.delete(autosave)
