"""render_pdf(html) -> bytes, with a URL fetcher that serves the app's static files and nothing else.

A PDF is drawn from HTML that may carry text people typed (subjects, names, comments). Whatever that
HTML links to, WeasyPrint must not open a connection or read a file outside the static folder: the
fetcher below answers only for files inside it and refuses every other URL (http, https, ftp, data,
file elsewhere), so nothing reaches the network or the rest of the disk.
"""
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from flask import current_app
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs ("/static/css/app.css", as url_for writes them) are resolved against this made-up
# origin; ".invalid" can never resolve (RFC 2606), and the fetcher maps its /static/ paths to files.
INTERNAL_BASE_URL = "https://tier0.invalid/"


class RefusedURL(ValueError):
    """A URL the PDF renderer will not fetch (WeasyPrint logs it and leaves the resource out)."""


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class StaticFilesOnly(URLFetcher):
    """A WeasyPrint URL fetcher answering from one folder of files; ``served`` and ``refused`` list the URLs."""

    def __init__(self, static_folder, static_url_path="/static", origins=(INTERNAL_BASE_URL,)):
        # No protocol allowed and no redirects for the parent class too, should anything ever reach it.
        super().__init__(allowed_protocols=(), allow_redirects=False, timeout=1)
        self.root = Path(static_folder).resolve()
        self.url_prefix = "/" + static_url_path.strip("/") + "/"
        self.origins = {_origin(origin) for origin in origins if urlsplit(origin).scheme in ("http", "https")}
        self.served, self.refused = [], []

    def fetch(self, url, headers=None):
        """The static file the URL names, or RefusedURL."""
        path = self.local_path(url)
        if path is None:
            self.refused.append(url)
            raise RefusedURL(f"not fetched (only the app's static files are): {url[:120]}")
        self.served.append(url)
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime_type})

    def local_path(self, url):
        """The file inside the static folder that ``url`` names, or None for anything else."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "file" and parts.netloc in ("", "localhost"):
            return self._inside(unquote(parts.path))
        if (scheme in ("http", "https") and _origin(url) in self.origins
                and parts.path.startswith(self.url_prefix)):
            return self._inside(str(self.root) + "/" + unquote(parts.path[len(self.url_prefix):]))
        return None

    def _inside(self, path):
        # Refuse "..", "." and odd characters outright rather than trust normalisation to undo them;
        # then resolve symlinks and check the real file is still under the folder.
        if "\x00" in path or "\\" in path or any(part in (".", "..") for part in path.split("/")):
            return None
        candidate = Path(path).resolve()
        if candidate == self.root or not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate


def render_pdf(html, base_url=None, *, fetcher=None):
    """The PDF (bytes) of an HTML document; only files of the app's static folder are loaded.

    ``base_url`` resolves relative links (default: an internal origin whose /static/ paths are the
    static folder). ``fetcher`` replaces the default StaticFilesOnly, e.g. to inspect what was fetched.
    """
    base_url = base_url or INTERNAL_BASE_URL
    if fetcher is None:
        fetcher = StaticFilesOnly(current_app.static_folder, current_app.static_url_path,
                                  origins=(INTERNAL_BASE_URL, base_url))
    return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
