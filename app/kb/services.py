"""Reading and changing help-center content; plain values in, models out."""
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from app.core import signals
from app.extensions import db
from app.kb.models import Article, Category, PageView, Redirect, Revision, Tag, article_tags, utcnow


def _app():
    """The real app object: signals are sent with it as the sender."""
    return current_app._get_current_object()


def public_articles():
    """SELECT of articles anonymous visitors may see."""
    return select(Article).where(Article.status == "published", Article.published_revision_id.is_not(None))


def get_article(slug):
    """The article with this slug, public or not, or None."""
    return db.session.execute(select(Article).filter_by(slug=slug)).scalar_one_or_none()


def get_public_article(slug):
    """The published article with this slug, or None."""
    return db.session.execute(public_articles().where(Article.slug == slug)).scalar_one_or_none()


def resolve_redirect(old_slug):
    """The article an old slug now points to, or None."""
    redirect = db.session.execute(select(Redirect).filter_by(old_slug=old_slug)).scalar_one_or_none()
    return redirect.article if redirect else None


def find_readable(slug, staff, kind=None):
    """(article, revision, moved) a reader asking for ``slug`` may see.

    Visitors see published revisions only; signed-in staff also see the current revision of the rest.
    ``moved`` is True when ``slug`` is an old name of ``article`` (revision is None then: redirect to it);
    ``kind`` limits which renamed articles count. (None, None, False) when there is nothing to see.
    """
    found = get_article(slug)
    if found is None or not (found.is_public or staff):
        target = resolve_redirect(slug)
        if target is not None and (target.is_public or staff) and kind in (None, target.kind):
            return target, None, True
        return None, None, False
    revision = found.published_revision if found.is_public else found.current_revision
    return (found, revision, False) if revision is not None else (None, None, False)


def get_category(slug):
    """The category with this slug, or None."""
    return db.session.execute(select(Category).filter_by(slug=slug)).scalar_one_or_none()


def public_counts_by_category():
    """{category_id: number of public articles directly in it}."""
    query = (
        select(Article.category_id, func.count(Article.id))
        .where(Article.status == "published", Article.published_revision_id.is_not(None))
        .group_by(Article.category_id)
    )
    return dict(db.session.execute(query).all())


def home_categories():
    """Top-level categories with their public article counts (children included), in order."""
    counts = public_counts_by_category()
    categories = db.session.execute(
        select(Category).where(Category.parent_id.is_(None)).order_by(Category.position, Category.title)
    ).scalars().all()
    result = []
    for category in categories:
        total = counts.get(category.id, 0) + sum(counts.get(child.id, 0) for child in category.children)
        if total:
            result.append((category, total))
    return result


def category_articles(category, kinds=None):
    """Public articles of a category in reading order."""
    query = public_articles().where(Article.category_id == category.id)
    if kinds:
        query = query.where(Article.kind.in_(kinds))
    query = query.join(Revision, Revision.id == Article.published_revision_id).order_by(
        Article.position, Revision.title
    )
    return db.session.execute(query).scalars().all()


def breadcrumbs(category):
    """Categories from the top level down to ``category``."""
    chain = []
    seen = set()
    while category is not None and category.id not in seen:
        seen.add(category.id)
        chain.append(category)
        category = category.parent
    return list(reversed(chain))


def neighbours(article):
    """(previous, next) public articles within the article's category, in reading order."""
    siblings = category_articles(article.category)
    ids = [a.id for a in siblings]
    if article.id not in ids:
        return None, None
    i = ids.index(article.id)
    return (siblings[i - 1] if i > 0 else None, siblings[i + 1] if i + 1 < len(siblings) else None)


def related_articles(article, limit=5):
    """The public articles a writer picked as related, then those sharing the most tags (same category breaks ties)."""
    picked = [a for a in article.related if a.is_public and a.id != article.id][:limit]
    tag_ids = [tag.id for tag in article.tags]
    if not tag_ids or len(picked) >= limit:
        return picked
    shared = func.count(article_tags.c.tag_id).label("shared")
    query = (
        public_articles()
        .join(article_tags, article_tags.c.article_id == Article.id)
        .where(article_tags.c.tag_id.in_(tag_ids), Article.id.not_in([article.id] + [a.id for a in picked]))
        .group_by(Article.id)
        .order_by(shared.desc(), (Article.category_id == article.category_id).desc(), Article.id)
        .limit(limit - len(picked))
    )
    return picked + list(db.session.execute(query).scalars().all())


def popular_articles(limit=6, days=30, today=None):
    """Public articles with the most views in the last ``days``; falls back to reading order."""
    since = (today or date.today()) - timedelta(days=days)
    views = func.sum(PageView.views).label("views")
    query = (
        public_articles()
        .join(PageView, PageView.article_id == Article.id)
        .where(PageView.day >= since, Article.kind != "faq")
        .group_by(Article.id)
        .order_by(views.desc(), Article.id)
        .limit(limit)
    )
    popular = list(db.session.execute(query).scalars().all())
    if len(popular) < limit:
        fill = public_articles().where(Article.kind != "faq", Article.id.not_in([a.id for a in popular] or [0]))
        fill = fill.join(Category).order_by(Article.position, Category.position, Article.id).limit(limit - len(popular))
        popular += db.session.execute(fill).scalars().all()
    return popular


def recently_updated(limit=6):
    """Public articles whose public revision is newest."""
    query = (
        public_articles()
        .join(Revision, Revision.id == Article.published_revision_id)
        .order_by(Revision.created_at.desc(), Article.id.desc())
        .limit(limit)
    )
    return db.session.execute(query).scalars().all()


def faq_groups():
    """[(category, [faq articles])] for every category that has public FAQs, in category order."""
    faqs = db.session.execute(
        public_articles()
        .where(Article.kind == "faq")
        .join(Category)
        .join(Revision, Revision.id == Article.published_revision_id)
        .order_by(Category.position, Category.title, Article.position, Revision.title)
    ).scalars().all()
    groups = {}
    for faq in faqs:
        groups.setdefault(faq.category, []).append(faq)
    return list(groups.items())


def sitemap_articles():
    """Every public article with its last change, for sitemap.xml."""
    query = public_articles().join(Revision, Revision.id == Article.published_revision_id).order_by(Article.id)
    return db.session.execute(query).scalars().all()


def all_categories():
    """Every category in display order."""
    return db.session.execute(select(Category).order_by(Category.position, Category.title)).scalars().all()


def normalize_tag_names(names):
    """Tag names lower-cased and trimmed, blanks and repeats dropped, order kept."""
    wanted = []
    for name in names:
        name = str(name).strip().lower()[:60]
        if name and name not in wanted:
            wanted.append(name)
    return wanted


def get_or_create_tags(names):
    """Tag rows for the given names (normalized with normalize_tag_names)."""
    wanted = normalize_tag_names(names)
    if not wanted:
        return []
    existing = {t.name: t for t in db.session.execute(select(Tag).where(Tag.name.in_(wanted))).scalars()}
    tags = []
    for name in wanted:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
        tags.append(tag)
    return tags


def add_revision(article, title, summary, body, author=None, note="", meta=None):
    """Append a new immutable revision to ``article`` and make it the current one."""
    revision = Revision(article=article, title=title, summary=summary or "", body=body or "", meta=dict(meta or {}),
                        author=author, note=note)
    db.session.add(revision)
    article.current_revision = revision
    article.updated_at = utcnow()
    signals.revision_created.send(_app(), article=article, revision=revision)
    return revision


def publish(article, revision):
    """Make ``revision`` the public text of ``article``."""
    article.status = "published"
    article.published_revision = revision
    article.published_at = utcnow()
    signals.article_published.send(_app(), article=article, revision=revision)


def set_status(article, status):
    """Change a status other than publishing; leaving 'published' withdraws the public revision."""
    was_public = article.is_public
    article.status = status
    if status != "published":
        article.published_revision = None
        if was_public:
            signals.article_unpublished.send(_app(), article=article)
