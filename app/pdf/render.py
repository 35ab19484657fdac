"""The locked-down URL fetcher and the one call that turns HTML into PDF bytes (run inside the render worker).

A PDF is drawn from HTML that carries text people typed (article bodies, subjects, names). Whatever that
HTML links to, WeasyPrint must not open a connection or read a file outside the app's own files: the
fetcher answers only for

- files inside the folders it is given (the app's static folder at /static/, the content media at /media/),
- stored files handed to it as bytes (uploads, looked up by the caller before rendering),
- ``data:`` URLs of raster images,

and refuses every other URL: file:, http(s) to any host, ftp, other data: types, redirects (it never
follows one: it makes no request at all). PDF attachments are switched off as well.
"""
import base64
import binascii
import io
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs ("/static/css/pdf.css", as url_for writes them) are resolved against this made-up origin;
# ".invalid" can never resolve (RFC 2606), and the fetcher maps its paths to files.
INTERNAL_BASE_URL = "https://tier0.invalid/"
INTERNAL_ORIGIN = "https://tier0.invalid"
DATA_IMAGE = re.compile(r"data:(image/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/=\s]*)\Z", re.I)
MAX_DATA_URL = 5 * 1024 * 1024
RASTER_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


class RefusedURL(ValueError):
    """A URL the PDF renderer will not fetch (WeasyPrint logs it and leaves the resource out)."""


class LockedDownFetcher(URLFetcher):
    """A WeasyPrint URL fetcher answering from named folders and given bytes; ``served``/``refused`` list URLs.

    ``folders`` maps a URL path prefix ("/static/") to a folder; ``blobs`` maps an exact URL path
    ("/uploads/12/screen.png") to (media type, bytes).
    """

    def __init__(self, folders=None, blobs=None):
        # No protocol allowed and no redirects for the parent class too, should anything ever reach it.
        super().__init__(allowed_protocols=(), allow_redirects=False, timeout=1)
        self.roots = {"/" + prefix.strip("/") + "/": Path(folder).resolve() for prefix, folder in (folders or {}).items()}
        self.blobs = dict(blobs or {})
        self.served, self.refused = [], []

    def fetch(self, url, headers=None):
        """The file, stored bytes or data image the URL names, or RefusedURL."""
        found = self.lookup(url)
        if found is None or (found[0] in RASTER_TYPES and not _decodes(found[1])):
            self.refused.append(url[:200])
            raise RefusedURL(f"not fetched (only the app's own files and images that decode are): {url[:120]}")
        self.served.append(url[:200])
        media_type, body = found
        return URLFetcherResponse(url, body=body, headers={"Content-Type": media_type})

    def lookup(self, url):
        """(media type, bytes) for a URL the fetcher may answer, or None."""
        if url[:5].lower() == "data:":
            return self._data_image(url)
        parts = urlsplit(url)
        if f"{parts.scheme.lower()}://{parts.netloc.lower()}" != INTERNAL_ORIGIN:
            return None
        path = unquote(parts.path)
        if path in self.blobs:
            return self.blobs[path]
        local = self.local_path(url)
        if local is None:
            return None
        return mimetypes.guess_type(local.name)[0] or "application/octet-stream", local.read_bytes()

    def local_path(self, url):
        """The file inside one of the folders that ``url`` names, or None for anything else."""
        parts = urlsplit(url)
        if f"{parts.scheme.lower()}://{parts.netloc.lower()}" != INTERNAL_ORIGIN:
            return None
        for prefix, root in self.roots.items():
            if parts.path.startswith(prefix):
                return _inside(root, unquote(parts.path[len(prefix):]))
        return None

    @staticmethod
    def _data_image(url):
        if len(url) > MAX_DATA_URL:
            return None
        match = DATA_IMAGE.match(url)
        if not match:
            return None
        try:
            return match[1].lower(), base64.b64decode(match[2], validate=False)
        except (binascii.Error, ValueError):
            return None


def _decodes(data):
    """True when an image decodes in full; a truncated or corrupt one would stop the whole PDF at drawing time."""
    from PIL import Image  # WeasyPrint's own dependency

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except Exception:  # noqa: BLE001  (Pillow raises many kinds of errors for bad files)
        return False
    return True


def _inside(root, relative):
    # Refuse "..", "." and odd characters outright rather than trust normalisation to undo them;
    # then resolve symlinks and check the real file is still under the folder.
    parts = relative.split("/")
    if not relative or "\x00" in relative or "\\" in relative or any(part in ("", ".", "..") for part in parts):
        return None
    candidate = (root / relative).resolve()
    if candidate == root or not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def write_pdf(html, fetcher):
    """(PDF bytes, page count) of an HTML document, fetching through ``fetcher``, with no attachments."""
    import weasyprint  # loaded by the render worker, never by the web processes

    document = weasyprint.HTML(string=html, base_url=INTERNAL_BASE_URL, url_fetcher=fetcher).render()
    # <link rel="attachment"> and <a rel="attachment"> would embed files in the PDF: never.
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    return document.write_pdf(attachments=None), len(document.pages)
