"""PDFs for the rest of the app: draw HTML in the render worker, and keep guides in the database cache."""
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.pdf import documents
from app.pdf.models import PdfExport
from app.pdf.worker import RenderError, Rendered, render_job

__all__ = ["RenderError", "Rendered", "render_document", "render_pdf", "settings", "cached_export"]


def _folders():
    """URL path prefixes the fetcher answers from, and their folders."""
    app = current_app
    return {app.static_url_path: app.static_folder,
            "/media": str(Path(app.config["CONTENT_DIR"]) / "_media")}


def render_document(html, blobs=None):
    """Draw an HTML document into a PDF in the render worker: a Rendered, or RenderError.

    ``blobs`` maps URL paths to (media type, bytes), for stored files the document shows (uploads).
    """
    config = current_app.config
    job = {"html": html, "folders": _folders(), "blobs": dict(blobs or {}),
           "timeout": config["PDF_RENDER_TIMEOUT"], "memory_mb": config["PDF_MEMORY_LIMIT_MB"],
           "idle_seconds": float(config["PDF_WORKER_IDLE_SECONDS"])}
    rendered = render_job(job, float(config["PDF_RENDER_TIMEOUT"]))
    if rendered.refused:
        current_app.logger.info("PDF: refused to fetch %d URL(s), e.g. %s", len(rendered.refused), rendered.refused[0])
    return rendered


def render_pdf(html, blobs=None):
    """The PDF bytes of an HTML document (RenderError when it cannot be drawn)."""
    return render_document(html, blobs).pdf


def settings(site_url):
    """The drawing settings for PDFs of the site at ``site_url`` (today's date, configured page size)."""
    config = current_app.config
    page_size = config["PDF_PAGE_SIZE"] if config["PDF_PAGE_SIZE"] in documents.PAGE_SIZES else "A4"
    site_url = site_url.rstrip("/")
    contact = config["CONTACT_URL"]
    return documents.Settings(site_name=config["SITE_NAME"], site_url=site_url,
                              contact_url=contact if "://" in contact else site_url + contact,
                              page_size=page_size, today=date.today())


def template_version():
    """The template version of this process (computed once)."""
    version = current_app.extensions.get("pdf_template_version")
    if version is None:
        version = current_app.extensions["pdf_template_version"] = documents.template_version()
    return version


def cached_export(plan, drawing_settings):
    """The PdfExport of a plan: from the cache when its content is unchanged, else drawn and stored.

    Drafts are drawn each time and never stored. Storing a PDF removes the older PDFs of the same subject (drawn from revisions since replaced), so the
    table holds about one PDF per article, category and handbook. RenderError when drawing fails.
    """
    key = plan.key(drawing_settings.key(template_version()))
    if not plan.draft:
        found = db.session.execute(select(PdfExport).filter_by(key=key)).scalar_one_or_none()
        if found is not None:
            return found
    from app.authoring.uploads import blobs_for  # imported here: authoring is a feature that may import pdf

    html = documents.draw(plan, drawing_settings)
    rendered = render_document(html, blobs=blobs_for(html))  # uploaded images the articles show
    export = PdfExport(key=key, kind=plan.kind, subject=plan.subject, filename=plan.filename,
                       revision_ids=plan.revision_ids, pages=rendered.pages, size=len(rendered.pdf),
                       render_ms=round(rendered.seconds * 1000), peak_memory_kb=rendered.peak_memory_kb,
                       pdf=rendered.pdf)
    if plan.draft:
        return export  # a staff preview of an unpublished revision never goes into the shared cache
    db.session.execute(delete(PdfExport).where(PdfExport.kind == plan.kind, PdfExport.subject == plan.subject,
                                               PdfExport.key != key))
    db.session.add(export)
    try:
        db.session.commit()
    except IntegrityError:  # another worker stored the same PDF meanwhile
        db.session.rollback()
        return db.session.execute(select(PdfExport).filter_by(key=key)).scalar_one()
    return export
