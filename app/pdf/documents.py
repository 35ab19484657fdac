"""The HTML drawn into a PDF: one chapter per article, drawn for paper by kind, in one self-contained document.

Every chapter's ids are prefixed with its anchor (c1, c2, ...; c3q2 for the second question of a FAQ
chapter), so two articles may both have a "#billing" heading. Links are rewritten for a document that
leaves the site: a link to an article in the same PDF jumps to its chapter, a link to anything else on
the site becomes an absolute link to the site, and links elsewhere stay as they are (clickable).
"""
import hashlib
import html as htmllib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from flask import render_template
from markupsafe import Markup
from app.core.markdown import render_markdown
from app.extensions import db
from app.kb import services as kb
from app.kb.models import Article, Revision
from app.kb.tutorials import render_tutorial, tutorial_facts
from app.troubleshoot.checklist import checklist
from app.troubleshoot.services import tree_of

PAGE_SIZES = ("A4", "Letter")
KIND_LABELS = {"article": "Article", "faq": "FAQ", "tutorial": "Tutorial", "troubleshooter": "Troubleshooter"}
# The HTML and CSS that shape a PDF: a change to any of them is a new template version, so cached PDFs
# drawn with the old ones are not served again.
PACKAGE = Path(__file__).resolve().parent
SHAPING_FILES = (
    *sorted((PACKAGE / "templates" / "pdf").glob("*.html")),
    PACKAGE / "documents.py",
    PACKAGE.parent / "static" / "css" / "pdf.css",
    PACKAGE.parent / "kb" / "tutorials.py",
    PACKAGE.parent / "troubleshoot" / "checklist.py",
)
# Attributes in sanitized HTML are always double-quoted (nh3 and our templates write them so).
_ATTRIBUTE = re.compile(r'(\s(?:id|href))="([^"]*)"')
_ARTICLE_PATH = re.compile(r"/articles/([a-z0-9][a-z0-9-]*)/?\Z")


@dataclass(frozen=True)
class Settings:
    """What a drawing depends on besides the content."""

    site_name: str
    site_url: str  # "https://help.example.com", no trailing slash
    contact_url: str  # absolute
    page_size: str  # A4 | Letter
    today: date

    def key(self, template_version):
        """The part of a cache key that comes from settings (the date is left out: a PDF is as of its content)."""
        return [template_version, self.site_name, self.site_url, self.contact_url, self.page_size]


@dataclass(frozen=True)
class Chapter:
    """One article (or a category's FAQs) drawn for paper."""

    anchor: str
    title: str
    kind: str
    summary: str
    html: Markup


@dataclass(frozen=True)
class Part:
    """A category in the document: its title and chapters."""

    anchor: str
    title: str
    description: str
    chapters: tuple


def template_version():
    """A short hash of the files that shape a PDF."""
    digest = hashlib.sha256()
    for path in SHAPING_FILES:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


# --- links and ids -------------------------------------------------------------------------------


def rebase(html, prefix, anchors, site_url):
    """Sanitized HTML with ids prefixed and links made to work in the PDF (see the module docstring).

    ``anchors`` maps article slugs in the document to their anchor.
    """

    def replace(match):
        name, value = match[1], htmllib.unescape(match[2])
        if name.endswith("id"):
            new = f"{prefix}-{value}"
        else:
            new = _href(value, prefix, anchors, site_url)
        return f'{name}="{htmllib.escape(new, quote=True)}"'

    return Markup(_ATTRIBUTE.sub(replace, str(html)))


def _href(value, prefix, anchors, site_url):
    if value.startswith("#"):
        return f"#{prefix}-{value[1:]}" if len(value) > 1 else f"#{prefix}"
    parts = urlsplit(value)
    site = urlsplit(site_url)
    if parts.scheme and (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
        return value  # another site, mailto:, tel:
    if not parts.scheme and parts.netloc:
        return value
    path = parts.path if parts.path.startswith("/") else urlsplit(urljoin(site_url + "/articles/", parts.path)).path
    article = _ARTICLE_PATH.match(path)
    if article and article[1] in anchors:
        target = anchors[article[1]]
        return f"#{target}-{parts.fragment}" if parts.fragment else f"#{target}"
    if path.rstrip("/") == "/faq" and parts.fragment in anchors:
        return f"#{anchors[parts.fragment]}"
    absolute = site_url + path
    if parts.query:
        absolute += "?" + parts.query
    if parts.fragment:
        absolute += "#" + parts.fragment
    return absolute


# --- chapters by kind ----------------------------------------------------------------------------


def _article_titles(slugs):
    """{slug: title} of the public articles among ``slugs`` (a troubleshooter's "read more" links)."""
    if not slugs:
        return {}
    rows = db.session.execute(
        kb.public_articles().where(Article.slug.in_(sorted(slugs)))
    ).scalars().all()
    return {article.slug: article.published_revision.title for article in rows}


def body_html(article, revision, settings, summary=False):
    """A revision's content drawn for paper, before rebasing: Markdown, a tutorial, or a checklist."""
    if article.kind == "tutorial":
        tutorial = render_tutorial(revision.body, revision.title, for_print=True)
        template = "pdf/_summary.html" if summary else "pdf/_tutorial.html"
        return render_template(template, tutorial=tutorial, facts=tutorial_facts(revision.meta))
    if article.kind == "troubleshooter":
        items = checklist(tree_of(revision))
        titles = _article_titles({slug for item in items for slug in item.articles})
        texts = {item.id: Markup(render_markdown(item.text).html) for item in items}  # sanitized by nh3
        return render_template("pdf/_checklist.html", items=items, texts=texts, titles=titles,
                               contact_url=settings.contact_url)
    return render_markdown(revision.body).html


def _chapters(entries, settings, anchors, summary=False, group_faqs=False):
    """Chapters for a section: one per article, its FAQs gathered in one chapter at the end (``group_faqs``)."""
    chapters, faqs = [], []
    for entry in entries:
        revision = db.session.get(Revision, entry.revision_id)
        if entry.article.kind == "faq" and group_faqs:
            faqs.append((entry, revision))
            continue
        anchor = anchors[entry.article.slug]
        html = rebase(body_html(entry.article, revision, settings, summary), anchor, anchors, settings.site_url)
        chapters.append(Chapter(anchor, revision.title, entry.article.kind, revision.summary or "", html))
    if faqs:
        anchor = anchors[faqs[0][0].article.slug].split("q", 1)[0]
        questions = [(anchors[entry.article.slug], revision.title,
                      rebase(body_html(entry.article, revision, settings), anchors[entry.article.slug], anchors,
                             settings.site_url))
                     for entry, revision in faqs]
        html = Markup(render_template("pdf/_faqs.html", questions=questions))
        chapters.append(Chapter(anchor, "Frequently asked questions", "faq", "", html))
    return tuple(chapters)


def _group_faqs(plan):
    """FAQs get a chapter of their own only when they are the whole PDF."""
    return len(plan.entries) > 1


def _anchors(plan):
    """{article slug: anchor} for every article in the plan, numbered in document order."""
    anchors, number = {}, 0
    for section in plan.sections:
        faqs = [e for e in section.entries if e.article.kind == "faq"] if _group_faqs(plan) else []
        for entry in section.entries:
            if entry not in faqs:
                number += 1
                anchors[entry.article.slug] = f"c{number}"
        if faqs:
            number += 1
            for question, entry in enumerate(faqs, start=1):
                anchors[entry.article.slug] = f"c{number}q{question}"
    return anchors


def draw(plan, settings):
    """The whole HTML document of a plan, ready for WeasyPrint."""
    anchors = _anchors(plan)
    parts = tuple(
        Part(f"p{number}", section.category.title if section.category else "",
             section.category.description if section.category else "",
             _chapters(section.entries, settings, anchors, plan.kind == "summary", _group_faqs(plan)))
        for number, section in enumerate(plan.sections, start=1)
    )
    return render_template("pdf/document.html", plan=plan, parts=parts, settings=settings,
                           kind_labels=KIND_LABELS)
