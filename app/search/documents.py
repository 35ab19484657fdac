"""What gets indexed for an article: the text of its public revision, split into weighted fields."""
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.markdown import render_markdown, strip_tags
from app.extensions import db
from app.kb.models import Article
from app.kb.services import public_articles
from app.troubleshoot.tree import TreeError, load_tree, search_text

# Private-use characters mark highlighted words in snippets; they are removed from indexed text.
MARK_START, MARK_END = "\ue000", "\ue001"
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ue000\ue001]")
# Table cells and list items end with a separator so snippets do not run them together.
_ITEM_END = re.compile(r"</(td|th|li)>", re.I)


@dataclass
class SearchDoc:
    """One searchable article."""

    article_id: int
    revision_id: int
    slug: str
    kind: str
    category_slug: str
    title: str
    summary: str
    headings: str
    tags: str
    body: str


def clean(text):
    """Text safe to index: control characters and the snippet markers removed."""
    return _UNSAFE.sub(" ", text or "")


def build_document(article):
    """The SearchDoc of a public article (its published revision)."""
    revision = article.published_revision
    headings, body = _tree_text(revision) if article.kind == "troubleshooter" else _markdown_text(revision)
    return SearchDoc(
        article_id=article.id,
        revision_id=revision.id,
        slug=article.slug,
        kind=article.kind,
        category_slug=article.category.slug,
        title=clean(revision.title),
        summary=clean(revision.summary),
        headings=clean(headings),
        tags=clean(" ".join(tag.name for tag in article.tags)),
        body=clean(re.sub(r"\s+", " ", body).strip()),
    )


def _markdown_text(revision):
    """(headings, body text) of a Markdown revision."""
    rendered = render_markdown(revision.body)
    return " · ".join(text for _, _, text in rendered.toc), strip_tags(_ITEM_END.sub(" · </\\1>", rendered.html))


def _tree_text(revision):
    """(no headings, the text of every node and answer) of a troubleshooter revision."""
    try:
        return "", search_text(load_tree(revision.body))
    except TreeError:  # stored trees are validated on the way in; an old broken one is still found by title
        return "", ""


def public_documents(article_ids=None):
    """SearchDocs of public articles (all, or those among article_ids)."""
    query = public_articles().options(
        selectinload(Article.published_revision), selectinload(Article.category), selectinload(Article.tags)
    )
    if article_ids is not None:
        query = query.where(Article.id.in_(list(article_ids)))
    return [build_document(a) for a in db.session.execute(query.order_by(Article.id)).scalars()]


def public_revision_ids():
    """{article_id: published revision id} of every public article (for drift checks)."""
    rows = db.session.execute(select(Article.id, Article.published_revision_id).where(
        Article.status == "published", Article.published_revision_id.is_not(None)))
    return dict(rows.all())
