"""What each PDF holds, worked out from ids and titles only, so a cached PDF is found without drawing anything.

A Plan names the articles (with the revision of each) that go into a PDF, grouped in sections (the
handbook's parts). Its key hashes everything the drawing depends on: those revisions, the titles and
order around them, the template version and the settings. A new revision changes the key of exactly
the PDFs that contain its article; every other PDF keeps its key and its cached copy.
"""
import hashlib
import json
import re
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.kb import services as kb
from app.kb.models import Article, Category

KINDS = ("article", "summary", "category", "handbook")


@dataclass(frozen=True)
class Entry:
    """One article in a PDF and the revision of it that is drawn."""

    article: Article
    revision_id: int


@dataclass(frozen=True)
class Section:
    """The articles of one category (with its subcategories'), in reading order."""

    category: Category | None
    entries: tuple


@dataclass(frozen=True)
class Plan:
    """What one PDF holds: its kind, title, file name and sections."""

    kind: str
    subject: str  # the article or category slug; "" for the handbook
    title: str
    subtitle: str
    filename: str
    sections: tuple
    draft: bool = False  # a staff export of an unpublished revision

    @property
    def entries(self):
        """Every Entry, in order."""
        return [entry for section in self.sections for entry in section.entries]

    @property
    def revision_ids(self):
        """The ids of the revisions drawn into the PDF."""
        return [entry.revision_id for entry in self.entries]

    def key(self, settings):
        """A hex digest of everything the PDF is drawn from; ``settings`` adds template version and config."""
        sections = [
            [_category_key(section.category),
             [[e.article.id, e.article.slug, e.article.kind, e.article.category_id, e.revision_id]
              for e in section.entries]]
            for section in self.sections
        ]
        material = [self.kind, self.subject, self.title, self.subtitle, self.draft, sections, settings]
        return hashlib.sha256(json.dumps(material, default=str, sort_keys=True).encode()).hexdigest()


def _category_key(category):
    if category is None:
        return None
    return [category.id, category.slug, category.title, category.description, str(category.updated_at)]


def slugify(text):
    """A file-name-safe form of a title: "Bazaarly Help Center" -> "bazaarly-help-center"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "help-center"


def article_plan(article, revision, draft=False):
    """One article (of any kind) on its own."""
    return Plan(kind="article", subject=article.slug, title=revision.title, subtitle=revision.summary or "",
                filename=f"{article.slug}.pdf", sections=(Section(None, (Entry(article, revision.id),)),),
                draft=draft)


def summary_plan(tutorial, revision, draft=False):
    """A tutorial's condensed steps on a page or two."""
    return Plan(kind="summary", subject=tutorial.slug, title=revision.title, subtitle="Tutorial summary",
                filename=f"{tutorial.slug}-summary.pdf",
                sections=(Section(None, (Entry(tutorial, revision.id),)),), draft=draft)


def category_entries(category):
    """Public articles of a category, then of each subcategory, as Entries in reading order."""
    entries = [Entry(article, article.published_revision_id) for article in kb.category_articles(category)]
    for child in category.children:
        entries.extend(Entry(article, article.published_revision_id) for article in kb.category_articles(child))
    return tuple(entries)


def category_plan(category):
    """A category guide: every public article of the category; None when it has none."""
    entries = category_entries(category)
    if not entries:
        return None
    return Plan(kind="category", subject=category.slug, title=category.title,
                subtitle=category.description or "", filename=f"{category.slug}-guide.pdf",
                sections=(Section(category, entries),))


def handbook_plan(site_name):
    """The whole help center: one part per top-level category; None when nothing is published."""
    categories = db.session.execute(
        select(Category).where(Category.parent_id.is_(None)).order_by(Category.position, Category.title)
    ).scalars().all()
    sections = tuple(Section(category, entries) for category in categories if (entries := category_entries(category)))
    if not sections:
        return None
    return Plan(kind="handbook", subject="", title=f"{site_name} handbook",
                subtitle="Every guide, FAQ, tutorial and troubleshooter in one book",
                filename=f"{slugify(site_name)}-handbook.pdf", sections=sections)
