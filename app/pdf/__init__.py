"""PDF documents from HTML (WeasyPrint), fetching nothing but the app's own static files."""
from app.pdf.render import StaticFilesOnly, render_pdf

__all__ = ["StaticFilesOnly", "render_pdf"]
