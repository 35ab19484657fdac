"""The review workflow: drafts, staged edits, review, publishing, archiving, schedules and restores.

Every function takes plain values and models, adds what changed to the session and leaves the commit
to the caller, so a change and its audit event always land together.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, insert, select, update

from app.authoring import audit
from app.core import signals
from app.extensions import db
from app.kb import services as kb
from app.kb.content_files import is_slug
from app.kb.models import Article, Category, Redirect, Revision, article_related, utcnow
from app.troubleshoot.tree import TreeError, load_tree

MAX_SLUG = 160
MAX_TITLE = 300
MAX_SUMMARY = 1000
MAX_BODY = 400_000
MAX_NOTE = 500


class WorkflowError(ValueError):
    """A step that is not allowed now; the message says why, in words for the writer."""


class EditConflict(Exception):
    """Someone saved the article after the writer opened it; ``revision`` is what they saved."""

    def __init__(self, revision):
        self.revision = revision
        who = revision.author.display_name if revision is not None and revision.author else "someone"
        when = revision.created_at.strftime("%Y-%m-%d %H:%M UTC") if revision is not None else "just now"
        super().__init__(f"This article was changed by {who} at {when} after you opened it.")


@dataclass
class Draft:
    """What the editor form holds, as plain values."""

    title: str
    body: str
    category_id: int
    slug: str = ""
    summary: str = ""
    tags: list = field(default_factory=list)
    related_ids: list = field(default_factory=list)
    owner_id: int | None = None
    review_by: date | None = None
    meta: dict = field(default_factory=dict)
    note: str = ""


def check_draft(kind, draft, article=None):
    """{field: message} for everything wrong with a draft; empty when it can be saved."""
    errors = {}
    if not draft.title.strip():
        errors["title"] = "Give the article a title."
    elif len(draft.title) > MAX_TITLE:
        errors["title"] = f"Keep the title under {MAX_TITLE} characters."
    if len(draft.slug) > MAX_SLUG or not is_slug(draft.slug):
        errors["slug"] = "Use lowercase letters, digits and hyphens (e.g. reset-your-password)."
    else:
        problem = _slug_problem(draft.slug, article)
        if problem:
            errors["slug"] = problem
    if len(draft.summary) > MAX_SUMMARY:
        errors["summary"] = f"Keep the summary under {MAX_SUMMARY} characters."
    if len(draft.body) > MAX_BODY:
        errors["body"] = f"The text is too long ({len(draft.body):,} characters; at most {MAX_BODY:,})."
    elif not draft.body.strip():
        errors["body"] = "Write the text before saving." if kind != "troubleshooter" else "Write the tree before saving."
    if db.session.get(Category, draft.category_id or 0) is None:
        errors["category_id"] = "Choose a category."
    if article is not None and article.id in draft.related_ids:
        errors["related"] = "An article cannot be related to itself."
    if len(draft.note) > MAX_NOTE:
        errors["note"] = f"Keep the note under {MAX_NOTE} characters."
    return errors


def tree_problems(body):
    """Problems of a troubleshooter's YAML, [] when the tree is sound."""
    try:
        load_tree(body)
    except TreeError as exc:
        return exc.problems
    return []


def _slug_problem(slug, article):
    """Why ``slug`` cannot be this article's address, or ''."""
    owner = kb.get_article(slug)
    if owner is not None and owner is not article:
        return f"Another article already uses this address: “{owner.title}”."
    moved = kb.resolve_redirect(slug)
    if moved is not None and moved is not article:
        return f"This is an old address of “{moved.title}” and still leads there; choose another."
    return ""


def _apply_settings(article, draft):
    """Article-level settings: they are not part of a revision and change at once."""
    article.category_id = draft.category_id
    article.tags = kb.get_or_create_tags(draft.tags)
    article.owner_id = draft.owner_id
    article.review_by = draft.review_by
    if article.id is not None:
        db.session.execute(delete(article_related).where(article_related.c.article_id == article.id))
        rows = [{"article_id": article.id, "related_id": rid, "position": n}
                for n, rid in enumerate(dict.fromkeys(draft.related_ids)) if rid != article.id]
        if rows:
            db.session.execute(insert(article_related), rows)
        db.session.expire(article, ["related"])


def _rename(article, slug, by):
    """Give ``article`` a new address; a published one keeps its old address as a redirect."""
    if slug == article.slug:
        return
    old = article.slug
    db.session.execute(delete(Redirect).where(Redirect.old_slug == slug, Redirect.article_id == article.id))
    if article.published_at is not None:  # readers, search engines or other articles may know the old address
        db.session.add(Redirect(old_slug=old, article_id=article.id))
    article.slug = slug
    audit.record("slug_changed", actor=by, article=article, detail=f"/articles/{old} → /articles/{slug}")


def create_article(kind, draft, by):
    """A new draft article with its first revision."""
    article = Article(kind=kind, slug=draft.slug, status="draft", category_id=draft.category_id)
    db.session.add(article)
    db.session.flush()
    _apply_settings(article, draft)
    revision = kb.add_revision(article, draft.title.strip(), draft.summary.strip(), draft.body, author=by,
                               note=draft.note.strip() or "First draft", meta=draft.meta)
    db.session.flush()
    audit.record("created", actor=by, article=article, revision=revision)
    return article


def save_draft(article, draft, base_revision_id, by):
    """Save the editor's text as a new revision, refusing if someone saved since ``base_revision_id``.

    Returns the new revision, or None when only settings changed. Raises EditConflict (nothing saved).
    """
    current = article.current_revision
    if article.current_revision_id != base_revision_id:
        raise EditConflict(current)
    _rename(article, draft.slug, by)
    _apply_settings(article, draft)
    title, summary = draft.title.strip(), draft.summary.strip()
    if current is not None and current.same_text(title, summary, draft.body, draft.meta):
        return None
    revision = Revision(article_id=article.id, title=title, summary=summary, body=draft.body,
                        meta=dict(draft.meta), author_id=getattr(by, "id", None), note=draft.note.strip())
    db.session.add(revision)
    db.session.flush()
    # Only move the article forward if nobody else did in between: the database decides, not this process.
    moved = db.session.execute(
        update(Article)
        .where(Article.id == article.id, _same_revision(base_revision_id))
        .values(current_revision_id=revision.id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        db.session.rollback()
        raise EditConflict(db.session.get(Article, article.id).current_revision)
    db.session.refresh(article)
    _after_new_text(article)
    signals.revision_created.send(kb._app(), article=article, revision=revision)
    return revision


def _same_revision(base_revision_id):
    """WHERE clause: the article still points at the revision the writer started from."""
    if base_revision_id is None:
        return Article.current_revision_id.is_(None)
    return Article.current_revision_id == base_revision_id


def _after_new_text(article):
    """New text on a published article is a staged edit; on an archived one it is a fresh draft."""
    if article.is_public:
        if article.staged_status is None:
            article.staged_status = "draft"
    elif article.status == "archived":
        article.status = "draft"


def submit(article, by):
    """Send the newest revision to the editors for review."""
    if article.edit_status != "draft":
        raise WorkflowError("Only a draft can be submitted for review.")
    _check_publishable(article, article.current_revision)
    if article.has_staged_edit:
        article.staged_status = "in_review"
    else:
        article.status = "in_review"
    audit.record("submitted", actor=by, article=article, revision=article.current_revision)


def request_changes(article, by, comment):
    """Send a revision in review back to draft with the reviewer's comment."""
    comment = (comment or "").strip()
    if article.edit_status != "in_review":
        raise WorkflowError("Only an article in review can be sent back.")
    if not comment:
        raise WorkflowError("Say what should change, so the writer knows what to do.")
    if article.has_staged_edit:
        article.staged_status = "draft"
    else:
        article.status = "draft"
    audit.record("changes_requested", actor=by, article=article, revision=article.current_revision,
                 detail=comment[:5000])


def _check_publishable(article, revision):
    """WorkflowError when ``revision`` cannot go live (a troubleshooter whose tree is broken)."""
    if revision is None:
        raise WorkflowError("There is no text to publish yet.")
    if article.kind == "troubleshooter":
        problems = tree_problems(revision.body)
        if problems:
            raise WorkflowError("The tree has problems to fix first: " + "; ".join(p.message for p in problems[:5]))


def publish(article, by, revision=None, detail=""):
    """Make the newest revision (or ``revision``) public now; staged edits and schedules for it are done."""
    revision = revision or article.current_revision
    _check_publishable(article, revision)
    kb.publish(article, revision)
    article.staged_status = None if revision.id == article.current_revision_id else article.staged_status
    if article.publish_revision_id in (None, revision.id):
        article.publish_at, article.publish_revision_id = None, None
    audit.record("published", actor=by, article=article, revision=revision, detail=detail)


def unpublish(article, by):
    """Take a published article off the public site; it becomes a draft with its newest text."""
    if not article.is_public:
        raise WorkflowError("Only a published article can be unpublished.")
    kb.set_status(article, "draft")
    article.staged_status = None
    audit.record("unpublished", actor=by, article=article)


def archive(article, by, detail=""):
    """Retire an article: off the public site and out of search, kept with its history."""
    if article.status == "archived":
        raise WorkflowError("This article is already archived.")
    kb.set_status(article, "archived")
    article.staged_status = None
    article.publish_at, article.publish_revision_id, article.archive_at = None, None, None
    audit.record("archived", actor=by, article=article, detail=detail)


def restore(article, revision_id, by):
    """Copy an old revision into a new one on top, as a draft (or a staged edit of a published article)."""
    old = db.session.get(Revision, revision_id)
    if old is None or old.article_id != article.id:
        raise WorkflowError("That revision does not belong to this article.")
    if old.id == article.current_revision_id:
        raise WorkflowError("That revision is already the newest one.")
    revision = kb.add_revision(article, old.title, old.summary, old.body, author=by, meta=old.meta,
                               note=f"Restored from the revision of {old.created_at:%Y-%m-%d %H:%M} (#{old.id})")
    db.session.flush()
    if article.is_public:
        article.staged_status = "draft"
    elif article.status in ("archived", "in_review"):
        article.status = "draft"
    audit.record("restored", actor=by, article=article, revision=revision, detail=f"from revision #{old.id}")
    return revision


def schedule_publish(article, when, by, now=None):
    """Publish the newest revision at ``when`` (naive UTC)."""
    if when <= (now or utcnow()):
        raise WorkflowError("Choose a time in the future.")
    _check_publishable(article, article.current_revision)
    if not article.has_staged_edit and article.is_public:
        raise WorkflowError("This text is already published.")
    article.publish_at, article.publish_revision_id = when, article.current_revision_id
    audit.record("scheduled_publish", actor=by, article=article, revision=article.current_revision,
                 detail=f"{when:%Y-%m-%d %H:%M} UTC")


def schedule_archive(article, when, by, now=None):
    """Archive the article at ``when`` (naive UTC)."""
    if when <= (now or utcnow()):
        raise WorkflowError("Choose a time in the future.")
    if article.status == "archived":
        raise WorkflowError("This article is already archived.")
    article.archive_at = when
    audit.record("scheduled_archive", actor=by, article=article, detail=f"{when:%Y-%m-%d %H:%M} UTC")


def cancel_schedule(article, which, by):
    """Drop the scheduled publishing (``which="publish"``) or archiving."""
    if which == "publish" and article.publish_at is not None:
        article.publish_at, article.publish_revision_id = None, None
    elif which == "archive" and article.archive_at is not None:
        article.archive_at = None
    else:
        raise WorkflowError("Nothing of that kind is scheduled.")
    audit.record("schedule_cancelled", actor=by, article=article, detail=which)


def run_due_changes(now=None):
    """Apply every scheduled publish or archive whose time has come; [(action, slug)] done, committed.

    Each change is claimed with a conditional UPDATE first, so two processes ticking at once never
    apply the same change twice.
    """
    now = now or utcnow()
    done = []
    due = db.session.execute(
        select(Article.id, Article.publish_at, Article.archive_at).where(
            (Article.publish_at <= now) | (Article.archive_at <= now))
    ).all()
    for article_id, publish_at, archive_at in due:
        if publish_at is not None and publish_at <= now and _claim(article_id, Article.publish_at, publish_at):
            article = db.session.get(Article, article_id)
            revision = db.session.get(Revision, article.publish_revision_id or 0) or article.current_revision
            try:
                publish(article, None, revision=revision, detail=f"as scheduled for {publish_at:%Y-%m-%d %H:%M} UTC")
                article.publish_revision_id = None
                done.append(("published", article.slug))
            except WorkflowError as exc:
                audit.record("schedule_cancelled", article=article, detail=f"publish: {exc}")
        if archive_at is not None and archive_at <= now and _claim(article_id, Article.archive_at, archive_at):
            article = db.session.get(Article, article_id)
            if article.status != "archived":
                archive(article, None, detail=f"as scheduled for {archive_at:%Y-%m-%d %H:%M} UTC")
                done.append(("archived", article.slug))
        db.session.commit()
    return done


def _claim(article_id, column, value):
    """True when this process cleared the schedule (and so owns applying it)."""
    result = db.session.execute(
        update(Article).where(Article.id == article_id, column == value).values({column.key: None})
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    return result.rowcount == 1


def revision_state(article, revision):
    """How a revision stands: "published", "newest", "scheduled" or "" (older)."""
    if revision.id == article.published_revision_id and article.is_public:
        return "published"
    if revision.id == article.publish_revision_id:
        return "scheduled"
    if revision.id == article.current_revision_id:
        return "newest"
    return ""


def parse_local_time(text):
    """A datetime from an <input type=datetime-local> value (taken as UTC), or None."""
    try:
        return datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
