"""Images writers upload: checked by their bytes, stored in the database, found again for pages and PDFs.

An upload is accepted only when its bytes are a PNG, JPEG, GIF or WebP image that Pillow decodes in
full. The name and the browser's content type are never trusted: a script or page named ``photo.png``
is refused, and a real JPEG named ``photo.png`` is kept as ``photo.jpg``. SVG is refused because it can
carry scripts.
"""
import hashlib
import html as htmllib
import io
import re
import secrets
import unicodedata
import warnings
from urllib.parse import unquote, urlsplit

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import undefer

from app.authoring.models import Upload
from app.core.files import human_size, sniff_image
from app.extensions import db

PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}
EXTENSIONS = {"image/png": ("png",), "image/jpeg": ("jpg", "jpeg"), "image/gif": ("gif",), "image/webp": ("webp",)}
ACCEPTED = "PNG, JPEG, GIF or WebP"
DEFAULT_MAX_PIXELS = 40_000_000
MAX_FILENAME = 100
# Text that a browser would run or show as a page: named as such in the error message.
_ACTIVE = (b"<script", b"<html", b"<!doctype", b"<?php", b"<iframe", b"javascript:")
_UPLOAD_PATH = re.compile(r"/uploads/([A-Za-z0-9_-]{1,32})/[^/?#]+\Z")
_LINKED_URL = re.compile(r"""\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)


class UploadError(ValueError):
    """An upload that cannot be accepted; the message tells the writer why, in plain words."""


def sniff(data):
    """(media type, Pillow format, extension) of an accepted image format, judged by its first bytes, or None."""
    found = sniff_image(data)
    if found is None:
        return None
    media_type, extension = found
    return media_type, PILLOW_FORMATS[media_type], extension


def _refusal(data, name):
    """The message for bytes that are not an accepted image, naming what they look like."""
    head = data[:4096].lower()
    if b"<svg" in head:
        return (f"“{name}” is an SVG drawing. SVG files can carry scripts, so they are not accepted: "
                f"export it as PNG instead.")
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or any(marker in head for marker in _ACTIVE):
        return f"“{name}” is a web page or script, not an image. Images must be {ACCEPTED} files."
    return f"“{name}” is not an image we accept. Images must be {ACCEPTED} files."


def _decode(data, pillow_format, name, max_pixels):
    """(width, height) of an image that decodes in full, or UploadError."""
    from PIL import Image  # WeasyPrint's own dependency; loaded only when an upload arrives

    broken = f"“{name}” could not be read as an image: it may be damaged or cut short. Please save it again and retry."
    too_big = (f"“{name}” has too many pixels to show (at most {max_pixels / 1_000_000:g} megapixels). "
               f"Please make it smaller and try again.")
    # Pillow warns (and raises past twice its own limit) about "decompression bombs" as it opens a file;
    # our own, lower limit is checked on the size in the header, before any pixel is decoded.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise UploadError(too_big)
                image.verify()  # checks the structure (chunk checksums) without decoding
            with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
                image.load()  # a full decode: truncated or corrupt pixel data fails here
        except UploadError:
            raise
        except Image.DecompressionBombError:
            raise UploadError(too_big) from None
        except Exception:  # noqa: BLE001  (Pillow raises many kinds of errors for bad files)
            raise UploadError(broken) from None
    if not width or not height:
        raise UploadError(broken)
    return width, height


def clean_filename(filename, extension, allowed=None):
    """A safe name for the URL: lowercase [a-z0-9._-], at most 100 characters, ending in the real extension."""
    allowed = allowed or (extension,)
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    stem, dot, given = name.rpartition(".")
    if not dot:
        stem, given = name, ""
    ending = given if given in allowed else extension  # a .jpeg stays .jpeg; a JPEG named .png becomes .jpg
    stem = re.sub(r"[^a-z0-9._-]+", "-", stem)
    stem = re.sub(r"([._-])[._-]+", r"\1", stem).strip("._-")
    stem = stem[: MAX_FILENAME - len(ending) - 1].rstrip("._-") or "image"
    return f"{stem}.{ending}"


def alt_text(filename):
    """Alt text guessed from a file name: "screen_shot-2.png" → "Screen shot 2" (Markdown brackets removed)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    words = re.sub(r"[\s_\-.\[\]()<>*`!\\#|{}]+", " ", stem)
    words = " ".join(words.split())[:100]
    return (words[:1].upper() + words[1:]) if words else "Image"


def markdown_for(upload, alt=None):
    """The Markdown that shows an upload in an article."""
    return f"![{alt or alt_text(upload.filename)}]({upload.path})"


def store_upload(data: bytes, filename: str, uploaded_by=None) -> Upload:
    """Check an image and store it (added and flushed; the caller commits); the earlier row for the same bytes.

    ``uploaded_by`` is a User or a user id. UploadError with a message for the writer when refused.
    """
    config = current_app.config
    shown = (filename or "").replace("\\", "/").rsplit("/", 1)[-1][:120] or "The file"
    if not data:
        raise UploadError(f"“{shown}” is empty. Please choose an image file.")
    limit = config.get("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
    if len(data) > limit:
        raise UploadError(f"The file is {human_size(len(data))}; images may be at most {human_size(limit)}.")
    found = sniff(data)
    if found is None:
        raise UploadError(_refusal(data, shown))
    media_type, pillow_format, extension = found
    width, height = _decode(data, pillow_format, shown, config.get("UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS))

    digest = hashlib.sha256(data).hexdigest()
    existing = db.session.execute(select(Upload).filter_by(sha256=digest).limit(1)).scalar_one_or_none()
    if existing is not None:
        return existing
    upload = Upload(key=secrets.token_urlsafe(16), filename=clean_filename(filename, extension, EXTENSIONS[media_type]),
                    media_type=media_type, size=len(data), width=width, height=height, sha256=digest,
                    uploaded_by_id=getattr(uploaded_by, "id", uploaded_by), data=data)
    db.session.add(upload)
    db.session.flush()
    return upload


def get_upload(key, with_data=False):
    """The upload with this key, or None (its bytes loaded at once when ``with_data``)."""
    if not key or len(key) > 32:
        return None
    query = select(Upload).filter_by(key=key)
    if with_data:
        query = query.options(undefer(Upload.data))
    return db.session.execute(query).scalar_one_or_none()


def recent_uploads(limit=60):
    """The latest uploads, newest first (bytes not loaded)."""
    query = select(Upload).order_by(Upload.created_at.desc(), Upload.id.desc()).limit(limit)
    return db.session.execute(query).scalars().all()


def upload_paths(html):
    """{URL path: key} of every /uploads/<key>/<name> that a src or href in ``html`` points to, on any host."""
    found = {}
    for match in _LINKED_URL.finditer(html or ""):
        url = htmllib.unescape(next(group for group in match.groups() if group is not None)).strip()
        try:
            path = unquote(urlsplit(url).path)
        except ValueError:  # e.g. a malformed IPv6 host: not ours to serve
            continue
        upload = _UPLOAD_PATH.match(path)
        if upload:
            found[path] = upload[1]
    return found


def blobs_for(html: str) -> dict:
    """{URL path: (media type, bytes)} of the stored uploads ``html`` shows, for the PDF fetcher."""
    paths = upload_paths(html)
    if not paths:
        return {}
    query = select(Upload).where(Upload.key.in_(sorted(set(paths.values())))).options(undefer(Upload.data))
    uploads = {upload.key: upload for upload in db.session.execute(query).scalars()}
    return {path: (uploads[key].media_type, uploads[key].data) for path, key in paths.items() if key in uploads}
