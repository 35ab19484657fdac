"""Reading the editor's form into plain values, and back."""
from datetime import date

from app.authoring.workflow import Draft
from app.kb.content_files import slugify
from app.kb.tutorials import DIFFICULTIES

FIELDS = ("title", "slug", "summary", "category_id", "tags", "related", "owner_id", "review_by", "body", "note",
          "duration", "difficulty", "prerequisites")


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def read_article_form(form, kind):
    """(Draft, errors) from the posted editor form; errors only for values that cannot be read at all."""
    errors = {}
    title = (form.get("title") or "").strip()
    slug = (form.get("slug") or "").strip().lower() or slugify(title)[:160]
    review_by = None
    if (form.get("review_by") or "").strip():
        try:
            review_by = date.fromisoformat(form["review_by"].strip())
        except ValueError:
            errors["review_by"] = "Use a date like 2026-12-31."
    owner_id = _int(form.get("owner_id")) if form.get("owner_id") else None
    related = [i for i in (_int(v) for v in form.getlist("related")) if i is not None]
    meta = {}
    if kind == "tutorial":
        meta = tutorial_meta(form, errors)
    draft = Draft(
        title=title,
        slug=slug,
        summary=(form.get("summary") or "").strip(),
        body=(form.get("body") or "").replace("\r\n", "\n"),
        category_id=_int(form.get("category_id")) or 0,
        tags=[t for t in (form.get("tags") or "").split(",") if t.strip()],
        related_ids=related,
        owner_id=owner_id,
        review_by=review_by,
        meta=meta,
        note=(form.get("note") or "").strip(),
    )
    return draft, errors


def tutorial_meta(form, errors):
    """A tutorial's settings (time, difficulty, prerequisites) as stored in Revision.meta."""
    meta = {}
    time = (form.get("duration") or "").strip()
    if time:
        meta["time"] = time[:60]
    difficulty = (form.get("difficulty") or "").strip().lower()
    if difficulty:
        if difficulty in DIFFICULTIES:
            meta["difficulty"] = difficulty
        else:
            errors["difficulty"] = f"Choose one of: {', '.join(DIFFICULTIES)}."
    prerequisites = [line.strip() for line in (form.get("prerequisites") or "").splitlines() if line.strip()]
    if prerequisites:
        meta["prerequisites"] = prerequisites[:20]
    return meta


def form_values(article=None, revision=None, draft=None):
    """The values the editor form shows: from a posted draft, or from an article and its revision."""
    if draft is not None:
        meta = draft.meta
        return {
            "title": draft.title, "slug": draft.slug, "summary": draft.summary, "body": draft.body,
            "category_id": draft.category_id, "tags": ", ".join(t.strip() for t in draft.tags),
            "related": list(draft.related_ids), "owner_id": draft.owner_id,
            "review_by": draft.review_by.isoformat() if draft.review_by else "", "note": draft.note,
            **_meta_values(meta),
        }
    if article is None:
        return {"title": "", "slug": "", "summary": "", "body": "", "category_id": None, "tags": "", "related": [],
                "owner_id": None, "review_by": "", "note": "", **_meta_values({})}
    return {
        "title": revision.title if revision else "", "slug": article.slug,
        "summary": revision.summary if revision else "", "body": revision.body if revision else "",
        "category_id": article.category_id, "tags": ", ".join(tag.name for tag in article.tags),
        "related": [a.id for a in article.related], "owner_id": article.owner_id,
        "review_by": article.review_by.isoformat() if article.review_by else "", "note": "",
        **_meta_values(revision.meta if revision else {}),
    }


def _meta_values(meta):
    meta = meta or {}
    prerequisites = meta.get("prerequisites") or []
    if isinstance(prerequisites, str):
        prerequisites = [prerequisites]
    return {"duration": str(meta.get("time") or ""), "difficulty": str(meta.get("difficulty") or ""),
            "prerequisites": "\n".join(str(p) for p in prerequisites)}


def values_from_autosave(data):
    """Editor values from an autosave's stored form (only known fields, as strings)."""
    values = {key: data.get(key, "") for key in FIELDS}
    values["related"] = [i for i in (_int(v) for v in (data.get("related") or [])) if i is not None]
    values["category_id"] = _int(values["category_id"])
    values["owner_id"] = _int(values["owner_id"])
    return values
