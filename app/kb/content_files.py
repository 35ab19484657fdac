"""Reading and writing the content folder format: _category.yml files and Markdown with front matter."""
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from app.kb.models import KINDS, STATUSES
from app.troubleshoot.tree import TreeError, dump_tree, parse_tree

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?$\n?", re.S | re.M)
FIRST_HEADING = re.compile(r"\A\s*#[ \t]+(.+?)[ \t#]*(?:\n|\Z)")
MARKDOWN_SUFFIXES = {".md", ".markdown"}
TREE_SUFFIXES = (".tree.yml", ".tree.yaml")
DIFFICULTIES = ("beginner", "intermediate", "advanced")
TIME_KEYS = ("time", "estimated_time", "duration")
POSITION_KEYS = ("position", "weight", "order", "nav_order", "sidebar_position")
REDIRECT_KEYS = ("redirect_from", "aliases")
INDEX_NAMES = {"index", "readme", "_index"}
ROOT_CATEGORY = "general"


class ContentError(ValueError):
    """A content file that cannot be imported; the message says why."""


@dataclass
class CategorySpec:
    """A category as described by a folder and its optional _category.yml."""

    key: str  # folder path relative to the content root, '' for the root
    slug: str
    title: str
    description: str = ""
    icon: str = ""
    position: int = 0
    parent_key: str | None = None


@dataclass
class ArticleSpec:
    """An article as described by one Markdown file."""

    path: str
    slug: str
    title: str
    summary: str
    body: str
    category_key: str
    kind: str = "article"
    status: str = "published"
    position: int = 0
    tags: list = field(default_factory=list)
    redirect_from: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)  # kind-specific settings (a tutorial's time, difficulty, ...)


SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # the shape slugify() gives: words joined by single hyphens


def is_slug(text):
    """True when text is a usable address part (lower-case letters and digits, single hyphens between)."""
    return bool(SLUG.match(text or ""))


def slugify(text):
    """Lower-case words joined by hyphens, ASCII letters and digits only."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    return slug[:160]


def humanize(name):
    """'posting-ads' -> 'Posting ads'."""
    words = re.sub(r"[-_]+", " ", name).strip()
    return words[:1].upper() + words[1:] if words else name


def read_text(path):
    """UTF-8 text of a file with BOM and CRLF normalized; ContentError when it is not UTF-8."""
    raw = Path(path).read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _load_yaml(text, what):
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ContentError(f"bad YAML in {what}{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ContentError(f"{what} must be a mapping of keys to values")
    return data


def split_front_matter(text):
    """(front matter dict, body) of a Markdown file; files without front matter have {}."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    return _load_yaml(match.group(1), "front matter"), text[match.end():]


def _string(value, name):
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise ContentError(f"{name} must be text")
    return str(value).strip()


def _integer(value, name):
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ContentError(f"{name} must be a whole number")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ContentError(f"{name} must be a whole number, got {value!r}") from None


def _string_list(value, name, split=True):
    if value is None or value == "":
        return []
    if isinstance(value, str):
        parts = value.split(",") if split else [value]
        return [part.strip() for part in parts if part.strip()]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v).strip() for v in value if str(v).strip()]
    raise ContentError(f"{name} must be a list of words")


def normalize_body(body):
    """Body text without leading blank lines and trailing whitespace."""
    return body.lstrip("\n").rstrip()


def is_content_file(path):
    """True for the files a content folder imports: Markdown articles and *.tree.yml troubleshooters."""
    name = path.name.lower()
    return path.suffix.lower() in MARKDOWN_SUFFIXES or name.endswith(TREE_SUFFIXES)


def parse_content_file(path, root, category_key):
    """ArticleSpec for a Markdown or tree file; ContentError naming the problem when it cannot be read."""
    if Path(path).name.lower().endswith(TREE_SUFFIXES):
        return parse_tree_file(path, root, category_key)
    return parse_article(path, root, category_key)


def _slug_for(meta, stem):
    slug = slugify(meta.get("slug") or stem)
    if not slug:
        raise ContentError("cannot make a slug from the file name")
    return slug


def parse_article(path, root, category_key):
    """ArticleSpec for a Markdown file; ContentError naming the problem when it cannot be read."""
    path = Path(path)
    meta, body = split_front_matter(read_text(path))
    body = normalize_body(body)

    stem = path.stem
    if stem.lower() in INDEX_NAMES:
        stem = path.parent.name if path.parent != Path(root) else "home"
    slug = _slug_for(meta, stem)

    title = _string(meta.get("title"), "title")
    if not title:
        heading = FIRST_HEADING.match(body)
        if heading:
            title = heading.group(1).strip()
            body = normalize_body(body[heading.end():])
        else:
            title = humanize(stem)
    summary = _string(meta.get("summary", meta.get("description")), "summary")

    kind = _string(meta.get("kind"), "kind") or "article"
    if kind not in KINDS:
        raise ContentError(f"unknown kind {kind!r} (expected one of: {', '.join(KINDS)})")
    if kind == "troubleshooter":
        raise ContentError("troubleshooters are written as <slug>.tree.yml files, not Markdown (see docs/content-format.md)")
    extra = tutorial_meta(meta) if kind == "tutorial" else {}
    return _spec(meta, path, root, category_key, slug=slug, title=title, summary=summary, body=body, kind=kind,
                 extra=extra)


def tutorial_meta(meta):
    """A tutorial's settings from its front matter: time, difficulty, prerequisites."""
    time_key = next((k for k in TIME_KEYS if k in meta), "time")
    time = meta.get(time_key)
    if isinstance(time, int) and not isinstance(time, bool):
        time = f"{time} minutes"
    difficulty = _string(meta.get("difficulty"), "difficulty").lower()
    if difficulty and difficulty not in DIFFICULTIES:
        raise ContentError(f"unknown difficulty {difficulty!r} (expected one of: {', '.join(DIFFICULTIES)})")
    result = {"time": _string(time, time_key), "difficulty": difficulty,
              "prerequisites": _string_list(meta.get("prerequisites"), "prerequisites", split=False)}
    return {key: value for key, value in result.items() if value}


def parse_tree_file(path, root, category_key):
    """ArticleSpec of a troubleshooter: its settings plus the validated tree, stored as canonical YAML."""
    path = Path(path)
    meta = _load_yaml(read_text(path), "tree file")
    stem = path.name[: -len(next(s for s in TREE_SUFFIXES if path.name.lower().endswith(s)))]
    slug = _slug_for(meta, stem)
    title = _string(meta.get("title"), "title") or humanize(stem)
    summary = _string(meta.get("summary", meta.get("description")), "summary")
    if meta.get("kind") not in (None, "troubleshooter"):
        raise ContentError("a .tree.yml file is always a troubleshooter; remove its 'kind'")
    try:
        tree = parse_tree({"start": meta.get("start"), "nodes": meta.get("nodes")})
    except TreeError as exc:
        problems = "".join(f"\n  - {problem.message}" for problem in exc.problems)
        raise ContentError(f"invalid troubleshooter ({len(exc.problems)} problem"
                           f"{'' if len(exc.problems) == 1 else 's'}):{problems}") from None
    return _spec(meta, path, root, category_key, slug=slug, title=title, summary=summary, body=dump_tree(tree),
                 kind="troubleshooter", extra={})


def _spec(meta, path, root, category_key, *, slug, title, summary, body, kind, extra):
    """The ArticleSpec fields every content file shares: status, position, tags, redirects."""
    status = _string(meta.get("status"), "status") or "published"
    if meta.get("draft") is True or meta.get("published") is False:
        status = "draft"
    if status not in STATUSES:
        raise ContentError(f"unknown status {status!r} (expected one of: {', '.join(STATUSES)})")

    position_key = next((k for k in POSITION_KEYS if k in meta), "position")
    redirects = []
    for key in REDIRECT_KEYS:
        for old in _string_list(meta.get(key), key):
            old_slug = slugify(old.rstrip("/").rsplit("/", 1)[-1])
            if old_slug and old_slug != slug and old_slug not in redirects:
                redirects.append(old_slug)

    return ArticleSpec(
        path=str(path.relative_to(root)),
        slug=slug,
        title=title[:300],
        summary=summary,
        body=body,
        category_key=category_key,
        kind=kind,
        status=status,
        position=_integer(meta.get(position_key), position_key),
        tags=_string_list(meta.get("tags"), "tags"),
        redirect_from=sorted(redirects),
        meta=extra,
    )

def default_category(folder, root, parent_key):
    """CategorySpec of a folder from its name alone ('posting-ads' -> 'Posting ads')."""
    folder = Path(folder)
    key = folder.relative_to(root).as_posix() if folder != Path(root) else ""
    name = folder.name if key else ROOT_CATEGORY
    slug = slugify(key.replace("/", "-")) or ROOT_CATEGORY
    return CategorySpec(key=key, slug=slug, title=humanize(name), parent_key=parent_key)


def apply_category_file(spec, meta_file):
    """Update spec from a _category.yml (title, description, icon, position); ContentError if unreadable."""
    meta = _load_yaml(read_text(meta_file), "_category.yml")
    spec.title = _string(meta.get("title"), "title") or spec.title
    spec.description = _string(meta.get("description"), "description")
    spec.icon = _string(meta.get("icon"), "icon")
    spec.position = _integer(meta.get("position"), "position")
    return spec


def dump_category(category):
    """Text of a _category.yml for a Category."""
    data = {"title": category.title, "description": category.description, "icon": category.icon,
            "position": category.position}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def _settings_yaml(article, revision, extra):
    """YAML of an article's settings: title, summary, the kind-specific ``extra``, tags, position, status, redirects."""
    meta = {"title": revision.title}
    if revision.summary:
        meta["summary"] = revision.summary
    meta.update(extra)
    meta["tags"] = [tag.name for tag in article.tags]
    meta["position"] = article.position
    meta["status"] = article.status
    redirects = sorted(r.old_slug for r in article.redirects)
    if redirects:
        meta["redirect_from"] = redirects
    return yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=None, width=1000)


def dump_article(article, revision):
    """Text of a Markdown file with front matter for an article at a revision."""
    front = _settings_yaml(article, revision, {"kind": article.kind, **(revision.meta or {})})
    return f"---\n{front}---\n{revision.body}\n"


def dump_tree_file(article, revision):
    """Text of a <slug>.tree.yml for a troubleshooter at a revision: settings, then start and nodes."""
    return f"{_settings_yaml(article, revision, {'slug': article.slug})}{revision.body.rstrip()}\n"
