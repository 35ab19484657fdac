"""JSON views of /api/v1: each parses the query string, calls one search service and serializes the answer."""
import re

from flask import current_app, request, url_for
from werkzeug.exceptions import HTTPException

from app.api import bp
from app.api.openapi import (
    CATEGORY_MAX_CHARS,
    CATEGORY_PATTERN,
    DOCUMENT,
    PAGE_MAX,
    PER_PAGE_DEFAULT,
    PER_PAGE_MAX,
    SUGGEST_LIMIT,
    SUGGEST_MAX_AGE,
)
from app.core.security import request_visitor_key
from app.extensions import db
from app.kb.models import KINDS
from app.search import analytics
from app.search import services as search_services

INTEGER = re.compile(r"[+-]?[0-9]+")


class BadParameter(ValueError):
    """A query-string parameter the API cannot use; the message is shown to the client as is."""


def json_response(data, status=200, headers=None):
    """A JSON response in which <, > and & are \\u escapes, so no body can ever be read as HTML."""
    body = current_app.json.dumps(data)
    # These characters only occur inside JSON strings, where the escapes mean the same text.
    body = body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return current_app.response_class(body + "\n", status=status, headers=headers, mimetype="application/json")


def integer_arg(name, default, low, high):
    """An integer query parameter within low..high; BadParameter when it is not."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not INTEGER.fullmatch(raw):
        raise BadParameter(f"{name} must be an integer")
    # Compare digit counts first: int() of a huge digit string is slow (or refused outright).
    digits = raw.lstrip("+-").lstrip("0")
    if len(digits) > len(str(high)) or not low <= int(raw) <= high:
        raise BadParameter(f"{name} must be between {low} and {high}")
    return int(raw)


def kind_arg():
    """The kind filter: empty (all kinds) or one of KINDS."""
    kind = request.args.get("kind", "").strip()
    if kind and kind not in KINDS:
        raise BadParameter(f"kind must be one of: {', '.join(KINDS)}")
    return kind


def category_arg():
    """The category filter: empty (all categories) or something shaped like a category slug."""
    category = request.args.get("category", "").strip()
    if len(category) > CATEGORY_MAX_CHARS or not re.fullmatch(CATEGORY_PATTERN, category):
        raise BadParameter(f"category must be a category slug (lower-case letters, digits and hyphens, "
                           f"at most {CATEGORY_MAX_CHARS} characters)")
    return category


def search_result_json(result):
    """One search Result as the API shows it."""
    article = result.article
    return {
        "slug": article.slug,
        "title": article.published_revision.title,
        "url": url_for("kb.article", slug=article.slug, _external=True),
        "kind": article.kind,
        "category": article.category.slug,
        "snippet": str(result.snippet),
        "score": round(float(result.score), 4),
    }


def suggestion_json(article):
    """One suggested Article as the API shows it."""
    return {
        "title": article.published_revision.title,
        "url": url_for("kb.article", slug=article.slug, _external=True),
        "slug": article.slug,
        "kind": article.kind,
    }


@bp.get("/search")
def search():
    """Ranked public results for ?q= with filters and paging; a non-empty search is recorded (source "api")."""
    outcome = search_services.search(
        request.args.get("q", ""),
        category=category_arg(),
        kind=kind_arg(),
        page=integer_arg("page", 1, 1, PAGE_MAX),
        per_page=integer_arg("per_page", PER_PAGE_DEFAULT, 1, PER_PAGE_MAX),
    )
    if outcome.query:
        analytics.record_search(outcome, request_visitor_key(), source="api")
    return json_response({
        "query": outcome.query,
        "total": outcome.total,
        "page": outcome.page,
        "per_page": outcome.per_page,
        "results": [search_result_json(result) for result in outcome.results],
        "suggestion": outcome.suggestion,
    })


@bp.get("/suggest")
def suggest():
    """Up to five public titles starting with the words typed (search as you type); never recorded."""
    query = request.args.get("q", "")
    articles = search_services.suggest(query, limit=SUGGEST_LIMIT)
    # Suggestions are the same for everyone, so browsers and proxies may reuse them for a minute.
    return json_response({"query": query, "suggestions": [suggestion_json(article) for article in articles]},
                         headers={"Cache-Control": f"public, max-age={SUGGEST_MAX_AGE}"})


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document describing this API."""
    return json_response(DOCUMENT)


@bp.errorhandler(BadParameter)
def bad_parameter(error):
    """A parameter the API cannot use: 400 with a message naming it."""
    return json_response({"error": str(error)}, 400)


@bp.errorhandler(HTTPException)
def http_error(error):
    """HTTP errors raised inside the API answer in JSON, not with the HTML error page."""
    if error.code is None or error.code < 400:
        return error
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return json_response({"error": error.description or error.name}, error.code, headers)


@bp.errorhandler(500)
def server_error(error):
    """Unhandled exceptions in the API: roll back, log, and answer with a JSON 500 (no details)."""
    db.session.rollback()
    original = getattr(error, "original_exception", None) or error
    if not isinstance(original, HTTPException):
        current_app.logger.error("Unhandled error on %s %s", request.method, request.path, exc_info=original)
    return json_response({"error": "An error on our side stopped this request. Please try again shortly."}, 500)
