"""What an uploaded file is, judged by its bytes, and its size in the words people use."""

# (leading bytes, media type, extension) of the raster image formats Tier0 accepts anywhere.
IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
)


def sniff_image(data):
    """(media type, extension) of a PNG, JPEG, GIF or WebP file from its first bytes, or None."""
    for signature, media_type, extension in IMAGE_SIGNATURES:
        if data.startswith(signature):
            return media_type, extension
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def human_size(count):
    """A byte count as people read it: 5 MB, 7.2 MB, 300 KB, 900 bytes."""
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if count >= 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count} bytes"
