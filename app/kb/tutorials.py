"""Tutorials: a Markdown body cut into numbered steps, with video blocks that load nothing until played.

Body format (docs/content-format.md): optional intro Markdown, then one step per level-2 heading
(``## Title``) running to the next one; ``##`` inside fenced code does not count. A body without any
``##`` heading is one step named after the tutorial. A fenced block with the info string ``video``
holds YAML (``title`` and either ``url`` for YouTube/Vimeo or ``src`` for a file under /media/).

render_markdown() sanitizes with nh3, which would strip any player markup, so each video block is
swapped for a placeholder paragraph before rendering and replaced afterwards by HTML built here,
every value escaped. Players come only from an allow-list (YouTube in privacy-enhanced mode, Vimeo
with do-not-track); the page carries a facade (title, play button, link to the provider) and
static/js/video.js inserts the iframe when the reader presses play.
"""
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

import yaml
from markupsafe import Markup, escape

from app.core.markdown import render_markdown, sanitize, strip_tags

DIFFICULTIES = ("beginner", "intermediate", "advanced")
PROVIDER_NAMES = {"youtube": "YouTube", "vimeo": "Vimeo"}
# Hosts a video.js iframe may load (also the frame-src of tutorial pages, see kb/views.py).
PLAYER_ORIGINS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")
VIDEO_FILE_TYPES = {"mp4": "video/mp4", "webm": "video/webm", "ogv": "video/ogg"}
MAX_VIDEO_BLOCK = 20_000  # characters of YAML; a transcript longer than this belongs in the step text
MAX_TITLE = 200

# Python-Markdown's rules: fences start in the first column; an ATX heading needs no space after ##.
_FENCE_OPEN = re.compile(r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$")
_STEP_HEADING = re.compile(r"^##(?!#)[ \t]*(?P<title>.*?)(?:[ \t]+#+)?[ \t]*$")
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_VIMEO_ID = re.compile(r"[0-9]{1,12}")
# Path segments may not start with a dot, so no "..", no hidden files.
_MEDIA_PATH = r"/media/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*\."
_VIDEO_FILE = re.compile(_MEDIA_PATH + r"(?P<ext>mp4|webm|ogv)", re.I)
_CAPTIONS_FILE = re.compile(_MEDIA_PATH + r"vtt", re.I)
# A start tag or end tag of sanitized HTML (html5ever writes every attribute value in double quotes).
_TAG = re.compile(r'<(?P<end>/?)(?P<name>[a-zA-Z][a-zA-Z0-9]*)(?:\s+[^\s=>/]+(?:="[^"]*")?)*\s*/?>')
_IMG = re.compile(r'<img\b(?:\s+[^\s=>/]+(?:="[^"]*")?)*\s*/?>')
_HEADING_ID = re.compile(r'(<h[1-6] id=")')
_VOID = {"br", "hr", "img", "wbr"}

PROBLEMS = {
    "yaml": "The video block is not valid YAML.",
    "fields": "The video block needs a title and a url or src.",
    "title": "The video has no title.",
    "source": "The video needs a url (YouTube or Vimeo) or a src (a file under /media/).",
    "both": "The video has both a url and a src; keep one.",
    "provider": "Only YouTube and Vimeo videos can be embedded.",
    "id": "The video address has no valid video id.",
    "file": "A video file must be under /media/ and end in .mp4, .webm or .ogv.",
    "captions": "Captions must be a .vtt file under /media/.",
    "transcript": "The transcript must be text.",
    "size": "The video block is too long.",
}


@dataclass(frozen=True)
class Video:
    """One video block, checked: either something to show or the reason it can't be shown."""

    title: str = ""
    provider: str = ""  # youtube | vimeo | file ("" when there is a problem)
    embed_url: str = ""  # the player address video.js loads on play
    page_url: str = ""  # the provider's page, for readers without JavaScript and for print
    src: str = ""  # self-hosted file
    captions: str = ""
    transcript: str = ""  # Markdown
    problem: str = ""  # a PROBLEMS key

    @property
    def problem_text(self):
        """The reason in words, for the small print under "This video can't be shown"."""
        return PROBLEMS.get(self.problem, "")


@dataclass(frozen=True)
class Step:
    """A numbered step: its heading, its HTML, and what the one-page summary keeps of it."""

    number: int
    title: Markup  # inline HTML (code, emphasis)
    title_text: str  # the same as plain text, for jump links and PDF bookmarks
    html: Markup
    lead: Markup  # first paragraph or list, images removed; empty when the step has none
    video_titles: tuple = ()

    @property
    def anchor(self):
        """The id of the step's section: step-1, step-2, ..."""
        return f"step-{self.number}"


@dataclass(frozen=True)
class Tutorial:
    """A rendered tutorial body."""

    intro: Markup
    steps: tuple


@dataclass(frozen=True)
class Facts:
    """A tutorial's settings (revision.meta) ready to show."""

    time: str = ""
    difficulty: str = ""  # "" or one of DIFFICULTIES
    prerequisites: tuple = ()  # inline HTML, one per item


# --- splitting ---------------------------------------------------------------------------------


def _closing_fence(lines, start, fence):
    """Index of the line closing the fence opened at ``start``, or None when it is never closed."""
    closer = re.compile("^" + re.escape(fence) + r"[ \t]*$")  # the same fence, as Python-Markdown wants
    for index in range(start + 1, len(lines)):
        if closer.match(lines[index]):
            return index
    return None


def _blocks(text):
    """The lines of ``text`` as ("line", str), ("fence", [lines]) and ("video", [lines]) items.

    An opening fence without a closing one is ordinary text, as Python-Markdown treats it.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        opening = _FENCE_OPEN.match(line)
        end = _closing_fence(lines, index, opening["fence"]) if opening else None
        if end is None:
            yield "line", line
            index += 1
            continue
        yield ("video" if opening["info"].lower() == "video" else "fence"), lines[index:end + 1]
        index = end + 1


def split_steps(body, default_title):
    """(intro, [(title, text), ...]) of a tutorial body; video blocks stay in the text.

    Each ``## Title`` line outside fenced code starts a step. Without any, the whole body is one
    step titled ``default_title`` and the intro is empty.
    """
    intro, steps = [], []
    current = intro
    for kind, value in _blocks(body or ""):
        if kind == "line":
            heading = _STEP_HEADING.match(value)
            if heading:
                current = []
                steps.append((heading["title"].strip(), current))
                continue
            current.append(value)
        else:
            current.extend(value)
    if not steps:
        return "", [(default_title, "\n".join(intro).strip("\n"))]
    return "\n".join(intro).strip("\n"), [(title, "\n".join(lines).strip("\n")) for title, lines in steps]


# --- videos -----------------------------------------------------------------------------------


def _problem(code, title=""):
    return Video(title=title, problem=code)


def _text_value(value):
    """A YAML scalar as trimmed text ("" for anything that is not text or a number)."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def _provider_video(url):
    """(provider, id) of a YouTube or Vimeo address, or a PROBLEMS key."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "provider"
    if parts.scheme.lower() not in ("http", "https"):
        return "provider"
    path = parts.path
    if host in ("youtube.com", "www.youtube.com", "m.youtube.com"):
        if path.rstrip("/") == "/watch":
            candidate = (parse_qs(parts.query).get("v") or [""])[0]
        elif path.startswith("/embed/"):
            candidate = path[len("/embed/"):].rstrip("/")
        else:
            return "id"
        return ("youtube", candidate) if _YOUTUBE_ID.fullmatch(candidate) else "id"
    if host in ("youtu.be", "www.youtu.be") or (host in ("youtube-nocookie.com", "www.youtube-nocookie.com")
                                                  and path.startswith("/embed/")):
        candidate = path.removeprefix("/embed/").strip("/")
        return ("youtube", candidate) if _YOUTUBE_ID.fullmatch(candidate) else "id"
    if host in ("vimeo.com", "www.vimeo.com"):
        candidate = path.strip("/")
        return ("vimeo", candidate) if _VIMEO_ID.fullmatch(candidate) else "id"
    if host == "player.vimeo.com" and path.startswith("/video/"):
        candidate = path[len("/video/"):].strip("/")
        return ("vimeo", candidate) if _VIMEO_ID.fullmatch(candidate) else "id"
    return "provider"


def parse_video_block(text):
    """The Video a ```video block describes; Video.problem says why it can't be shown."""
    if len(text) > MAX_VIDEO_BLOCK:
        return _problem("size")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return _problem("yaml")
    if not isinstance(data, dict):
        return _problem("fields")
    title = _text_value(data.get("title"))[:MAX_TITLE]
    if not title:
        return _problem("title")
    transcript = data.get("transcript")
    if transcript is not None and not isinstance(transcript, str):
        return _problem("transcript", title)
    transcript = (transcript or "").strip()
    url, src = _text_value(data.get("url")), _text_value(data.get("src"))
    if url and src:
        return _problem("both", title)
    if url:
        found = _provider_video(url)
        if isinstance(found, str):
            return _problem(found, title)
        provider, video_id = found
        if provider == "youtube":
            return Video(title=title, provider=provider, transcript=transcript,
                         embed_url=f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1",
                         page_url=f"https://www.youtube.com/watch?v={video_id}")
        return Video(title=title, provider=provider, transcript=transcript,
                     embed_url=f"https://player.vimeo.com/video/{video_id}?dnt=1&autoplay=1",
                     page_url=f"https://vimeo.com/{video_id}")
    if src:
        if not _VIDEO_FILE.fullmatch(src):
            return _problem("file", title)
        captions = _text_value(data.get("captions"))
        if captions and not _CAPTIONS_FILE.fullmatch(captions):
            return _problem("captions", title)
        return Video(title=title, provider="file", src=src, captions=captions, transcript=transcript)
    return _problem("source", title)


def render_video(video):
    """The HTML of a checked video: a facade, a <video> element, or the "can't be shown" note."""
    if video.problem:
        named = Markup(" (“{}”)").format(video.title) if video.title else ""
        return Markup(
            '<div class="video video-problem" role="note" data-problem="{code}">'
            "<p>This video{named} can't be shown.</p>"
            '<p class="video-problem-reason muted">{reason}</p></div>'
        ).format(code=video.problem, named=named, reason=video.problem_text)
    if video.provider == "file":
        extension = video.src.rsplit(".", 1)[1].lower()
        track = Markup('<track kind="captions" src="{}" srclang="en" label="English" default>').format(
            video.captions) if video.captions else ""
        player = Markup(
            '<figure class="video video-file">'
            '<video controls preload="none">'
            '<source src="{src}" type="{mime}">{track}'
            '<a href="{src}">Download the video</a></video>'
            '<figcaption><span class="video-label">Video:</span> {title}</figcaption></figure>'
        ).format(src=video.src, mime=VIDEO_FILE_TYPES[extension], track=track, title=video.title)
    else:
        name = PROVIDER_NAMES[video.provider]
        # The button is hidden until video.js runs; without JavaScript the link is the way to watch.
        player = Markup(
            '<div class="video video-facade" data-provider="{provider}">'
            '<p class="video-title"><span class="video-label">Video:</span> {title}</p>'
            '<button type="button" class="video-play" data-embed="{embed}" data-title="{title}" hidden>'
            "Play video: {title}</button>"
            '<p class="video-fallback"><a href="{page}" rel="noopener noreferrer">Watch on {name}</a></p>'
            '<p class="video-note muted">Nothing is loaded from {name} until you press play.</p></div>'
        ).format(provider=video.provider, title=video.title, embed=video.embed_url, page=video.page_url, name=name)
    if video.transcript:
        player += Markup(
            '<details class="transcript"><summary>Transcript</summary><div class="prose">{}</div></details>'
        ).format(Markup(render_markdown(video.transcript).html))  # sanitized by nh3
    return player


def _render_with_videos(text, token_prefix):
    """(html with video placeholders, [(token, Video)]) of a Markdown text."""
    lines, videos = [], []
    for kind, value in _blocks(text):
        if kind == "video":
            token = f"{token_prefix}x{len(videos)}"
            videos.append((token, parse_video_block("\n".join(value[1:-1]))))
            lines.extend(["", token, ""])
        elif kind == "fence":
            lines.extend(value)
        else:
            lines.append(value)
    return render_markdown("\n".join(lines)).html, videos


def render_video_for_print(video):
    """A video on paper: its title and address as a link, and the transcript in full."""
    if video.problem:
        return render_video(video)
    address = video.page_url or video.src
    html = Markup(
        '<div class="video video-print"><p><strong>Video:</strong> {title}<br>'
        '<a href="{address}">{address}</a></p>'
    ).format(title=video.title or "untitled", address=address)
    if video.transcript:
        html += Markup('<div class="transcript"><p class="transcript-title">Transcript</p>'
                       '<div class="prose">{}</div></div>').format(
            Markup(render_markdown(video.transcript).html))  # sanitized by nh3
    return html + Markup("</div>")


def _substitute(html, videos, for_print=False):
    """Put each video's HTML where its placeholder paragraph is."""
    for token, video in videos:
        block = str(render_video_for_print(video) if for_print else render_video(video))
        paragraph = f"<p>{token}</p>"
        html = html.replace(paragraph, block) if paragraph in html else html.replace(token, block)
    return html


# --- steps ------------------------------------------------------------------------------------


def _inline(text):
    """Markdown for one line (a step title, a prerequisite) as inline HTML, without the <p>."""
    rendered = render_markdown(text).html.strip()
    match = re.fullmatch(r"<p>(.*)</p>", rendered, re.S)
    if match and "<p>" not in match[1]:
        return Markup(match[1])
    return escape(text)  # a title such as "1. Open" would render as a list


def _top_level_elements(html):
    """(tag name, outer HTML) of each top-level element of sanitized HTML."""
    depth, start, name = 0, 0, ""
    for tag in _TAG.finditer(html):
        tag_name = tag["name"].lower()
        if tag_name in _VOID:
            continue
        if not tag["end"]:
            if depth == 0:
                start, name = tag.start(), tag_name
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                yield name, html[start:tag.end()]


def _lead(html, tokens):
    """The first paragraph or list of a step, images removed (empty Markup when there is none).

    A paragraph ending in a colon keeps the list right after it: "Expired ads stay 30 days:" says little alone.
    """
    lead = ""
    for name, element in _top_level_elements(html):
        if lead:  # the paragraph before ended with a colon
            if name in ("ul", "ol"):
                lead += "\n" + _IMG.sub("", element)
            break
        if name not in ("p", "ul", "ol") or any(token in element for token in tokens):
            continue
        element = _IMG.sub("", element)
        text = strip_tags(element).strip()
        if text:
            lead = element
            if name != "p" or not text.endswith(":"):
                break
    return Markup(sanitize(lead)) if lead else Markup("")


def _render_step(number, title, text, token_prefix, for_print=False):
    html, videos = _render_with_videos(text, f"{token_prefix}s{number}")
    tokens = [token for token, _ in videos]
    lead = _lead(html, tokens)
    # Headings inside steps get the step's prefix, so two steps may both have a "### Tips".
    html = _HEADING_ID.sub(rf"\g<1>step-{number}-", _substitute(html, videos, for_print))
    title_html = _inline(title) if title else Markup("Step {}").format(number)
    return Step(
        number=number, title=title_html, title_text=strip_tags(str(title_html)).strip(), html=Markup(html),
        lead=lead, video_titles=tuple(video.title for _, video in videos if not video.problem),
    )


@lru_cache(maxsize=256)
def render_tutorial(body, title, for_print=False):
    """The intro and numbered steps of a tutorial body, rendered and sanitized; cached by text.

    ``for_print`` draws videos as their link and full transcript (for PDFs) instead of a player.
    """
    # The placeholder depends on the body, so a writer cannot type one that matches.
    token_prefix = "tier0video" + hashlib.sha256((body or "").encode()).hexdigest()[:16]
    intro_text, parts = split_steps(body, title)
    intro, intro_videos = _render_with_videos(intro_text, f"{token_prefix}i") if intro_text else ("", [])
    intro = _HEADING_ID.sub(r"\g<1>intro-", _substitute(intro, intro_videos, for_print))
    steps = tuple(_render_step(number, step_title, text, token_prefix, for_print)
                  for number, (step_title, text) in enumerate(parts, start=1))
    return Tutorial(intro=Markup(intro), steps=steps)


def tutorial_facts(meta):
    """Time, difficulty and prerequisites from a revision's meta dict; missing or odd values are left out."""
    meta = meta if isinstance(meta, dict) else {}
    time = _text_value(meta.get("time"))[:60]
    difficulty = _text_value(meta.get("difficulty")).lower()
    prerequisites = meta.get("prerequisites") or ()
    if isinstance(prerequisites, str):
        prerequisites = [prerequisites]
    items = tuple(_inline(text) for text in (_text_value(p) for p in prerequisites) if text) \
        if isinstance(prerequisites, (list, tuple)) else ()
    return Facts(time=time, difficulty=difficulty if difficulty in DIFFICULTIES else "", prerequisites=items)
