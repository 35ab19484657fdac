"""Markdown to safe HTML: python-markdown renders, nh3 sanitizes with an allow-list."""
import html as htmllib
import re
from dataclasses import dataclass
from functools import lru_cache

import markdown
import nh3

EXTENSIONS = ["tables", "fenced_code", "toc", "admonition", "sane_lists"]
EXTENSION_CONFIGS = {
    "toc": {"toc_depth": "2-3"},
    "tables": {"use_align_attribute": True},  # align="" instead of inline style, which CSP and nh3 reject
}

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "del",
    "ins", "mark", "small", "sub", "sup", "code", "pre", "kbd", "samp", "blockquote", "ul", "ol", "li",
    "dl", "dt", "dd", "a", "img", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "details", "summary", "div", "span", "figure", "figcaption", "abbr",
}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "abbr": {"title"},
    "details": {"open"},
    **{h: {"id"} for h in HEADINGS},
}
ALLOWED_CLASSES = {
    "div": {"admonition", "note", "tip", "warning", "danger", "important", "info"},
    "p": {"admonition-title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_SAFE_ALIGN = {"left", "right", "center"}
# After removing whitespace and control characters, a URL must not spell a script or data scheme.
_SQUEEZE = re.compile(r"[\s\x00-\x1f]+")
_BAD_SCHEME = re.compile(r"^(?:[a-z]*script|data):", re.I)


@dataclass(frozen=True)
class Rendered:
    """Sanitized HTML of a Markdown body and its table of contents (h2/h3 headings)."""

    html: str
    toc: tuple  # ((level, anchor, text), ...)


def _filter_attribute(tag, attribute, value):
    """Drop attribute values that are allowed by name but not by content."""
    if attribute == "id" and not _SAFE_ID.match(value):
        return None
    if attribute == "align" and value not in _SAFE_ALIGN:
        return None
    if attribute in ("href", "src") and _BAD_SCHEME.match(_SQUEEZE.sub("", htmllib.unescape(value))):
        return None
    return value


def sanitize(html):
    """Return html with everything outside the allow-list removed (scripts, handlers, styles, bad URLs)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_filter_attribute,
        link_rel="noopener noreferrer",
    )


def _flatten_toc(tokens, out):
    for token in tokens:
        out.append((token["level"], token["id"], token["name"]))
        _flatten_toc(token.get("children", []), out)
    return out


def strip_tags(fragment):
    """Text of an HTML fragment, entities decoded (templates escape it again on output)."""
    return htmllib.unescape(nh3.clean(fragment, tags=set()))


@lru_cache(maxsize=1024)
def render_markdown(text):
    """Render Markdown text to sanitized HTML plus its table of contents; cached by text."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    html = sanitize(md.convert(text or ""))
    toc = tuple(
        (level, anchor, strip_tags(name))
        for level, anchor, name in _flatten_toc(md.toc_tokens, [])
        if _SAFE_ID.match(anchor)
    )
    return Rendered(html=html, toc=toc)


def plain_text(text, limit=None):
    """Markdown reduced to plain text (for meta descriptions and snippets)."""
    html = render_markdown(text).html
    flat = re.sub(r"\s+", " ", strip_tags(html)).strip()
    if limit and len(flat) > limit:
        flat = flat[: limit - 1].rsplit(" ", 1)[0] + "…"
    return flat
