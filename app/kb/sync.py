"""`flask kb sync` and `flask kb export`: the content folder in and out of the database."""
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.core import signals
from app.extensions import db
from app.kb import services
from app.kb.content_files import (
    ContentError,
    apply_category_file,
    default_category,
    dump_article,
    dump_category,
    dump_tree_file,
    is_content_file,
    parse_content_file,
)
from app.kb.models import Article, Category, Redirect


@dataclass
class SyncPlan:
    """What a content folder holds: categories, readable articles, and files that failed."""

    root: Path
    categories: list = field(default_factory=list)
    articles: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # [(path, reason)]


@dataclass
class SyncReport:
    """The outcome of a sync, by slug."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # [(path, reason)]
    warnings: list = field(default_factory=list)  # [(path, message)]

    def summary(self):
        """One line: created / updated / unchanged / failed."""
        return (f"created: {len(self.created)}, updated: {len(self.updated)}, "
                f"unchanged: {len(self.unchanged)}, failed: {len(self.failed)}")


def _visible(path):
    """Skip hidden files and tool folders such as .git, _site or _includes."""
    return not path.name.startswith((".", "_"))


def _has_content_below(folder):
    """True when a visible content file (Markdown or tree) lies somewhere below folder."""
    return any(
        is_content_file(p) and not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts)
        for p in folder.rglob("*")
    )


def read_directory(root):
    """Parse a content folder without touching the database."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder")
    plan = SyncPlan(root=root)
    seen_slugs = {}

    def walk(folder, parent_key):
        entries = sorted(folder.iterdir())
        files = [p for p in entries if p.is_file() and is_content_file(p) and _visible(p)]
        meta_file = folder / "_category.yml"
        # A folder is a category when it holds articles, directly or in subfolders (those become its topics).
        is_category = bool(files) or (folder != root and (meta_file.is_file() or _has_content_below(folder)))
        key = folder.relative_to(root).as_posix() if folder != root else ""
        if is_category:
            category = default_category(folder, root, parent_key)
            if meta_file.is_file():
                try:
                    apply_category_file(category, meta_file)
                except (ContentError, OSError) as exc:
                    plan.failed.append((str(meta_file.relative_to(root)), str(exc)))
            plan.categories.append(category)
        for path in files:
            rel = str(path.relative_to(root))
            try:
                spec = parse_content_file(path, root, key)
            except (ContentError, OSError) as exc:
                plan.failed.append((rel, str(exc)))
                continue
            if spec.slug in seen_slugs:
                plan.failed.append((rel, f"duplicate slug {spec.slug!r} (already used by {seen_slugs[spec.slug]})"))
                continue
            seen_slugs[spec.slug] = rel
            plan.articles.append(spec)
        # Top-level folders are top-level categories even when the root holds loose files.
        child_parent = key if (is_category and folder != root) else parent_key
        for sub in entries:
            if sub.is_dir() and _visible(sub):
                walk(sub, child_parent)

    walk(root, None)
    return plan


def _assign(obj, **values):
    """Set attributes that differ; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _upsert_category(spec, by_key):
    category = services.get_category(spec.slug)
    if category is None:
        category = Category(slug=spec.slug, title=spec.title)
        db.session.add(category)
    parent = by_key.get(spec.parent_key) if spec.parent_key is not None else None
    _assign(category, title=spec.title, description=spec.description, icon=spec.icon,
            position=spec.position, parent=parent)
    by_key[spec.key] = category


def _renamed_article(spec, import_slugs):
    """An existing article this file renames: one whose slug is in redirect_from and not imported itself."""
    for old in spec.redirect_from:
        if old not in import_slugs:
            article = services.get_article(old)
            if article is not None:
                return article
    return None


def _sync_redirects(article, spec, report):
    changed = False
    for old in spec.redirect_from:
        other = services.get_article(old)
        if other is not None and other is not article:
            report.warnings.append((spec.path, f"redirect_from {old!r} is the slug of another article; skipped"))
            continue
        redirect = db.session.execute(select(Redirect).filter_by(old_slug=old)).scalar_one_or_none()
        if redirect is None:
            db.session.add(Redirect(old_slug=old, article=article))
            changed = True
        elif redirect.article is not article:
            redirect.article = article
            changed = True
    return changed


def _claim_slug(article):
    """A redirect whose old slug an article now uses would hide that article: drop it."""
    stale = db.session.execute(select(Redirect).filter_by(old_slug=article.slug)).scalar_one_or_none()
    if stale is not None:
        db.session.delete(stale)


def _upsert_article(spec, category, import_slugs, report):
    """Create or update one article from its spec; returns 'created', 'updated' or 'unchanged'."""
    article = services.get_article(spec.slug)
    created = renamed = False
    if article is None:
        article = _renamed_article(spec, import_slugs)
        if article is not None:
            article.slug = spec.slug
            renamed = True
        else:
            article = Article(slug=spec.slug, kind=spec.kind, category=category, position=spec.position, status="draft")
            db.session.add(article)
            created = True
        _claim_slug(article)
    changed = _assign(article, kind=spec.kind, category=category, position=spec.position)

    head = article.current_revision
    if head is None or not head.same_text(spec.title, spec.summary, spec.body, spec.meta):
        head = services.add_revision(article, spec.title, spec.summary, spec.body, note=f"Synced from {spec.path}",
                                     meta=spec.meta)
        changed = True
    if sorted(t.name for t in article.tags) != sorted(services.normalize_tag_names(spec.tags)):
        article.tags = services.get_or_create_tags(spec.tags)
        changed = True
    if spec.status == "published":
        if article.status != "published" or article.published_revision is not head:
            services.publish(article, head)
            changed = True
    elif article.status != spec.status:
        services.set_status(article, spec.status)
        changed = True
    changed = _sync_redirects(article, spec, report) or changed
    if created:
        return "created"
    return "updated" if changed or renamed else "unchanged"


def apply_plan(plan, articles=None):
    """Upsert a parsed folder into the database, one short transaction per file."""
    report = SyncReport(failed=list(plan.failed))
    # Listeners may batch follow-up work (such as search indexing) until content_synced is sent.
    db.session.info["bulk_import"] = True
    try:
        _apply(plan, articles, report)
    finally:
        db.session.info.pop("bulk_import", None)
    signals.content_synced.send(current_app._get_current_object(), report=report)
    return report


def _apply(plan, articles, report):
    """Categories first, then one short transaction per article."""
    by_key = {}
    for spec in plan.categories:
        _upsert_category(spec, by_key)
    db.session.commit()
    import_slugs = {spec.slug for spec in plan.articles}
    for spec in articles if articles is not None else plan.articles:
        try:
            outcome = _upsert_article(spec, by_key[spec.category_key], import_slugs, report)
            db.session.commit()
        except Exception as exc:  # one bad row must not stop the import; it is reported with its path
            db.session.rollback()
            report.failed.append((spec.path, f"could not be saved ({exc.__class__.__name__}: {str(exc).splitlines()[0][:200]})"))
            continue
        getattr(report, outcome).append(spec.slug)


def sync_directory(root):
    """Read and import a content folder; returns the SyncReport."""
    return apply_plan(read_directory(root))


def category_folder(category):
    """Folder path of a category in an exported tree (nested categories become nested folders)."""
    parts = []
    for node in services.breadcrumbs(category):
        name = node.slug
        if node.parent is not None and name.startswith(node.parent.slug + "-"):
            name = name[len(node.parent.slug) + 1:]
        parts.append(name)
    return Path(*parts)


def export_directory(root):
    """Write every category and article back as files; returns the number of articles written."""
    root = Path(root)
    written = 0
    for category in services.all_categories():
        folder = root / category_folder(category)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "_category.yml").write_text(dump_category(category), encoding="utf-8")
        articles = db.session.execute(
            select(Article).filter_by(category_id=category.id).order_by(Article.position, Article.slug)
        ).scalars()
        for article in articles:
            # A staged edit is not exported as published: the file carries what the public sees.
            revision = article.published_revision if article.is_public else article.current_revision
            if revision is None:
                continue
            if article.kind == "troubleshooter":
                (folder / f"{article.slug}.tree.yml").write_text(dump_tree_file(article, revision), encoding="utf-8")
            else:
                (folder / f"{article.slug}.md").write_text(dump_article(article, revision), encoding="utf-8")
            written += 1
    return written
