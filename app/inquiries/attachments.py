"""Attachment checks: the type comes from the file's bytes, never from its name."""
import secrets

from app.core.files import human_size, sniff_image

PDF_SIGNATURE = b"%PDF-"
# Text that a browser or server could run or render as a page is refused even as "text".
ACTIVE_MARKERS = (b"<?php", b"<script", b"<svg", b"<html", b"<!doctype", b"<iframe", b"<body", b"<?xml", b"javascript:")
ALLOWED_DESCRIPTION = "PNG, JPEG, GIF or WebP images, PDF, or plain text"


class AttachmentError(ValueError):
    """A file that cannot be accepted; the message names the file."""


def sniff(data):
    """(MIME type, extension) of accepted content, or None."""
    if data.startswith(PDF_SIGNATURE):
        return "application/pdf", "pdf"
    return sniff_image(data) or _plain_text(data)


def _plain_text(data):
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lowered = data[:65536].lower()
    if any(marker in lowered for marker in ACTIVE_MARKERS):
        return None
    return "text/plain", "txt"


def check(filename, data, max_bytes):
    """(MIME type, stored name) for an acceptable file, or AttachmentError with a message for the visitor."""
    name = (filename or "file").replace("\\", "/").rsplit("/", 1)[-1][:200] or "file"
    if not data:
        raise AttachmentError(f"“{name}” is empty.")
    if len(data) > max_bytes:
        raise AttachmentError(f"“{name}” is too large: files can be at most {human_size(max_bytes)}.")
    found = sniff(data)
    if found is None:
        raise AttachmentError(f"“{name}” is not a file type we accept ({ALLOWED_DESCRIPTION}).")
    mime, extension = found
    return mime, f"{secrets.token_hex(16)}.{extension}", name
