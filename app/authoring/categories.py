"""Category management for editors: the tree with article counts, saving with checks, deleting empty ones.

Saving commits, and a committed Category change bumps the content version, so the public pages
(cached whole for anonymous readers) show it on the next request.
"""
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.authoring import audit
from app.extensions import db
from app.kb.content_files import is_slug, slugify
from app.kb.models import Article, Category

# The icons the `icon` macro in app/templates/_macros.html draws; "" draws a page.
ICONS = {
    "": "Page (default)",
    "user": "Person",
    "megaphone": "Megaphone",
    "shield": "Shield",
    "card": "Payment card",
    "wrench": "Wrench",
    "scale": "Scales",
}
SLUG_MAX = 120
TITLE_MAX = 200
DESCRIPTION_MAX = 1000
POSITION_LIMIT = 1_000_000


class CategoryError(ValueError):
    """A category that cannot be saved or deleted; ``field`` names the form field, the message is for people."""

    def __init__(self, message, field=""):
        super().__init__(message)
        self.field = field


@dataclass
class CategoryRow:
    """One category in the tree, with how deep it sits and how much is in it."""

    id: int
    title: str
    slug: str
    icon: str
    position: int
    depth: int
    article_count: int  # articles directly in it, of every status
    child_count: int


def article_counts():
    """{category_id: number of articles directly in it, whatever their status}."""
    query = select(Article.category_id, func.count(Article.id)).group_by(Article.category_id)
    return dict(db.session.execute(query).all())


def category_tree():
    """Every category as CategoryRows: each parent followed by its children, in position order."""
    categories = db.session.execute(select(Category).order_by(Category.position, Category.title)).scalars().all()
    counts = article_counts()
    known = {c.id for c in categories}
    children = {}
    for category in categories:
        parent = category.parent_id if category.parent_id in known else None
        children.setdefault(parent, []).append(category)
    rows, seen = [], set()

    def add(category, depth):
        """Append the category, then its children one level deeper."""
        seen.add(category.id)
        rows.append(CategoryRow(category.id, category.title, category.slug, category.icon, category.position,
                                depth, counts.get(category.id, 0), len(children.get(category.id, []))))
        for child in children.get(category.id, []):
            if child.id not in seen:
                add(child, depth + 1)

    for category in children.get(None, []):
        add(category, 0)
    # A loop of parents (only hand-edited data can make one) has no root: list its members at the top level.
    for category in categories:
        if category.id not in seen:
            add(category, 0)
    return rows


def descendant_ids(category_id):
    """Ids of every category below ``category_id`` (not itself)."""
    children = {}
    for child, parent in db.session.execute(select(Category.id, Category.parent_id)):
        children.setdefault(parent, []).append(child)
    found, todo = set(), [category_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found and child != category_id:
                found.add(child)
                todo.append(child)
    return found


def _text(value, limit, label, field_name, required=False):
    """Trimmed text without NULs; CategoryError when missing or too long."""
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise CategoryError(f"{label} is required.", field_name)
    if len(text) > limit:
        raise CategoryError(f"{label} must be at most {limit:,} characters (it has {len(text):,}).", field_name)
    return text


def _whole_number(value, label, field_name, default=None):
    """An int from a number or a form string ("" gives ``default``); CategoryError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is None:
            raise CategoryError(f"{label} is required.", field_name)
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        raise CategoryError(f"{label} must be a whole number.", field_name) from None
    return number


def _clean_slug(slug, title):
    """The given slug, or one made from the title when empty; CategoryError on a bad one."""
    slug = str(slug or "").strip()
    if not slug:
        slug = slugify(title)[:SLUG_MAX].strip("-")
        if not slug:
            raise CategoryError("Could not make an address from this title: type a slug "
                                "(lower-case letters, digits and hyphens).", "slug")
        return slug
    if len(slug) > SLUG_MAX:
        raise CategoryError(f"The slug must be at most {SLUG_MAX} characters.", "slug")
    if not is_slug(slug):
        raise CategoryError("The slug may contain only lower-case letters a–z, digits and hyphens between them "
                            "(for example “payments-billing”).", "slug")
    return slug


def _clean_parent(parent_id, category_id):
    """The parent Category (or None); CategoryError when it is missing or would put the category under itself."""
    if parent_id is None or (isinstance(parent_id, str) and not parent_id.strip()):
        return None
    parent_id = _whole_number(parent_id, "Parent", "parent")
    parent = db.session.get(Category, parent_id)
    if parent is None:
        raise CategoryError("That parent category does not exist any more.", "parent")
    if category_id is not None and (parent.id == category_id or parent.id in descendant_ids(category_id)):
        raise CategoryError("A category cannot be placed under itself or one of its own subcategories.", "parent")
    return parent


def save_category(category_id, title, slug, description, icon, parent_id, position, by=None):
    """Create (``category_id`` None) or update a category from form values; CategoryError naming the field."""
    category = None
    if category_id is not None:
        category = db.session.get(Category, category_id)
        if category is None:
            raise CategoryError("That category does not exist any more.")
    title = " ".join(_text(title, TITLE_MAX, "The title", "title", required=True).split())
    slug = _clean_slug(slug, title)
    description = _text(description, DESCRIPTION_MAX, "The description", "description")
    icon = str(icon or "").strip()
    if icon not in ICONS:
        raise CategoryError("Choose one of the icons listed.", "icon")
    parent = _clean_parent(parent_id, category_id)
    position = _whole_number(position, "Position", "position", default=0)
    if abs(position) > POSITION_LIMIT:
        raise CategoryError(f"Position must be between -{POSITION_LIMIT:,} and {POSITION_LIMIT:,}.", "position")
    taken = db.session.execute(select(Category.id).where(Category.slug == slug)).scalar_one_or_none()
    if taken is not None and taken != category_id:
        raise CategoryError(f"Another category already uses the slug “{slug}”: choose another.", "slug")
    before = None if category is None else (category.title, category.slug)
    if category is None:
        category = Category(slug=slug, title=title)
        db.session.add(category)
    category.slug, category.title, category.description, category.icon = slug, title, description, icon
    category.parent, category.position = parent, position
    if before is None:
        audit.record("category_created", actor=by, detail=f"{title} (/categories/{slug})")
    else:
        audit.record("category_changed", actor=by, detail=f"{before[0]} (/categories/{before[1]}) → {title} "
                                                           f"(/categories/{slug})")
    try:
        db.session.commit()
    except IntegrityError:
        # Another editor took the slug between the check and the commit.
        db.session.rollback()
        raise CategoryError(f"Another category already uses the slug “{slug}”: choose another.", "slug") from None
    return category


def delete_category(category_id, by=None):
    """Delete an empty category (no articles, no subcategories) and return its title; CategoryError otherwise."""
    category = db.session.get(Category, category_id)
    if category is None:
        raise CategoryError("That category does not exist any more.")
    articles = article_counts().get(category.id, 0)
    children = db.session.execute(select(func.count(Category.id)).where(Category.parent_id == category.id)).scalar()
    if articles or children:
        held = [f"{articles} article{'' if articles == 1 else 's'}" if articles else "",
                f"{children} subcategor{'y' if children == 1 else 'ies'}" if children else ""]
        raise CategoryError(f"“{category.title}” still holds {' and '.join(h for h in held if h)}: "
                            "move them to another category first.")
    title = category.title
    audit.record("category_deleted", actor=by, detail=f"{title} (/categories/{category.slug})")
    db.session.delete(category)
    try:
        db.session.commit()
    except IntegrityError:
        # A writer moved an article into it meanwhile.
        db.session.rollback()
        raise CategoryError(f"“{title}” is not empty any more: move its articles first.") from None
    return title
