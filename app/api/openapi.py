"""The API contract: its limits, and the OpenAPI 3.1 document served at /api/v1/openapi.json.

The views enforce the limits defined here, so the document and the behaviour cannot drift apart.
"""
from app.kb.models import KINDS
from app.search.query import MAX_QUERY_CHARS
from app.search.services import MAX_PER_PAGE

PER_PAGE_DEFAULT = 10
PER_PAGE_MAX = MAX_PER_PAGE
PAGE_MAX = 1000  # the search service never goes past page 1000
SUGGEST_LIMIT = 5
SUGGEST_MIN_CHARS = 2
SUGGEST_MAX_AGE = 60  # seconds a suggestion list may be cached by browsers and proxies
CATEGORY_MAX_CHARS = 120
CATEGORY_PATTERN = r"^[a-z0-9-]*$"  # category slugs: lower-case ASCII letters, digits, hyphens


def _query_parameter(name, description, schema):
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _json_response(description, schema_name, headers=None):
    response = {"description": description,
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}
    if headers:
        response["headers"] = headers
    return response


BAD_PARAMETER = _json_response("A parameter is malformed or out of range; `error` says which and why.", "Error")

SEARCH_PARAMETERS = [
    _query_parameter(
        "q", f"What to search for. Any text is accepted; the first {MAX_QUERY_CHARS} characters (after "
             "normalizing) are searched. Empty or missing: no search, `total` is 0.",
        {"type": "string", "default": ""}),
    _query_parameter(
        "category", "Only results in the category with this slug (e.g. `payments-and-billing`). Omit for all.",
        {"type": "string", "pattern": CATEGORY_PATTERN, "maxLength": CATEGORY_MAX_CHARS, "default": ""}),
    _query_parameter(
        "kind", "Only results of this kind. Omit for all kinds.",
        {"type": "string", "enum": list(KINDS)}),
    _query_parameter(
        "page", "1-based page of results.",
        {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": 1}),
    _query_parameter(
        "per_page", "Results per page.",
        {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX, "default": PER_PAGE_DEFAULT}),
]

SCHEMAS = {
    "SearchResponse": {
        "type": "object",
        "required": ["query", "total", "page", "per_page", "results", "suggestion"],
        "properties": {
            "query": {"type": "string", "description": "The query as it was searched (normalized: lower case, "
                                                       f"single spaces, at most {MAX_QUERY_CHARS} characters)."},
            "total": {"type": "integer", "minimum": 0, "description": "Number of matching public articles."},
            "page": {"type": "integer", "minimum": 1, "maximum": PAGE_MAX},
            "per_page": {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX},
            "results": {"type": "array", "maxItems": PER_PAGE_MAX, "items": {"$ref": "#/components/schemas/SearchResult"}},
            "suggestion": {"type": ["string", "null"], "description": "A corrected query (\"Did you mean\"), or null."},
        },
    },
    "SearchResult": {
        "type": "object",
        "required": ["slug", "title", "url", "kind", "category", "snippet", "score"],
        "properties": {
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "url": {"type": "string", "format": "uri", "description": "Absolute URL of the article page."},
            "kind": {"type": "string", "enum": list(KINDS)},
            "category": {"type": "string", "description": "Slug of the article's category."},
            "snippet": {"type": "string", "contentMediaType": "text/html",
                        "description": "Escaped text whose only markup is <mark>…</mark> around matched words."},
            "score": {"type": "number", "description": "Relevance, rounded to 4 decimal places; higher is better."},
        },
    },
    "SuggestResponse": {
        "type": "object",
        "required": ["query", "suggestions"],
        "properties": {
            "query": {"type": "string", "description": "The `q` parameter as received."},
            "suggestions": {"type": "array", "maxItems": SUGGEST_LIMIT,
                            "items": {"$ref": "#/components/schemas/Suggestion"}},
        },
    },
    "Suggestion": {
        "type": "object",
        "required": ["title", "url", "slug", "kind"],
        "properties": {
            "title": {"type": "string"},
            "url": {"type": "string", "format": "uri", "description": "Absolute URL of the article page."},
            "slug": {"type": "string"},
            "kind": {"type": "string", "enum": list(KINDS)},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string", "description": "What was wrong, in plain words."}},
    },
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Tier0 help center API",
        "version": "1.0.0",
        "description": "Read-only search over the public help content. Every response is JSON; characters "
                       "`<`, `>` and `&` inside strings are sent as \\u escapes.",
    },
    # Relative to this document's own address (/api/v1/openapi.json), so it holds behind any host or proxy.
    "servers": [{"url": "/api/v1"}],
    "paths": {
        "/search": {
            "get": {
                "operationId": "search",
                "summary": "Search published articles, FAQs, tutorials and troubleshooters",
                "parameters": SEARCH_PARAMETERS,
                "responses": {
                    "200": _json_response("One page of ranked results (empty when `q` is empty).", "SearchResponse"),
                    "400": BAD_PARAMETER,
                },
            },
        },
        "/suggest": {
            "get": {
                "operationId": "suggest",
                "summary": "Titles starting with the words typed so far (search as you type)",
                "parameters": [_query_parameter(
                    "q", f"The words typed so far; fewer than {SUGGEST_MIN_CHARS} characters give no suggestions.",
                    {"type": "string", "default": ""})],
                "responses": {
                    "200": _json_response(
                        f"Up to {SUGGEST_LIMIT} public articles whose titles start with the words typed.",
                        "SuggestResponse",
                        headers={"Cache-Control": {"description": f"public, max-age={SUGGEST_MAX_AGE}",
                                                   "schema": {"type": "string"}}}),
                },
            },
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {"200": {"description": "The OpenAPI 3.1 document of this API.",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
            },
        },
    },
    "components": {"schemas": SCHEMAS},
}
