"""The JSON API under /api/v1 as a client sees it: search, suggestions, and the OpenAPI document."""
import json
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from app.extensions import db
from app.kb.models import KINDS
from app.kb.sync import sync_directory
from app.search.models import SearchQuery
from tests.helpers import article_file, write

SEARCH_FIELDS = {"query", "total", "page", "per_page", "results", "suggestion"}
RESULT_FIELDS = {"slug", "title", "url", "kind", "category", "snippet", "score"}
SUGGESTION_FIELDS = {"title", "url", "slug", "kind"}

# Whatever people (and scripts) type: each must give a normal JSON answer, never a 500.
ODD_QUERIES = [
    pytest.param("refund\x00policy", id="nul-byte"),
    pytest.param("payment " * 1280, id="10kb-text"),
    pytest.param("💳 refund 🙂", id="emoji"),
    pytest.param('"unbalanced', id="unbalanced-quote"),
    pytest.param("((a OR b", id="unbalanced-parentheses"),
    pytest.param("status:draft", id="field-syntax"),
    pytest.param("*", id="wildcard"),
    pytest.param("title:*", id="field-wildcard"),
    pytest.param("возврат денег", id="cyrillic"),
    pytest.param("退款 付款", id="chinese"),
    pytest.param("<script>alert(1)</script>", id="script-tag"),
    pytest.param("   ", id="only-spaces"),
]

BAD_SEARCH_PARAMETERS = [
    pytest.param({"page": "abc"}, "page", id="page-not-a-number"),
    pytest.param({"page": "1.5"}, "page", id="page-decimal"),
    pytest.param({"page": "٣"}, "page", id="page-arabic-digit"),
    pytest.param({"page": "0"}, "page", id="page-zero"),
    pytest.param({"page": "-2"}, "page", id="page-negative"),
    pytest.param({"page": "1001"}, "page", id="page-past-the-last"),
    pytest.param({"page": "9" * 5000}, "page", id="page-huge"),
    pytest.param({"per_page": "ten"}, "per_page", id="per-page-not-a-number"),
    pytest.param({"per_page": "1e1"}, "per_page", id="per-page-exponent"),
    pytest.param({"per_page": "0"}, "per_page", id="per-page-zero"),
    pytest.param({"per_page": "51"}, "per_page", id="per-page-over-50"),
    pytest.param({"kind": "blog"}, "kind", id="kind-unknown"),
    pytest.param({"kind": "FAQ"}, "kind", id="kind-wrong-case"),
    pytest.param({"category": "<script>"}, "category", id="category-markup"),
    pytest.param({"category": "billing\x00"}, "category", id="category-nul-byte"),
    pytest.param({"category": "a" * 121}, "category", id="category-too-long"),
]


def api_get(client, path, **params):
    """GET an API path with query parameters; the response must be JSON."""
    response = client.get(f"/api/v1{path}?{urlencode(params)}" if params else f"/api/v1{path}")
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    return response


def search_json(client, **params):
    """The body of a successful search."""
    response = api_get(client, "/search", **params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def recorded_searches(app):
    """(query, source) of every stored search."""
    with app.app_context():
        return db.session.execute(select(SearchQuery.query, SearchQuery.source)).all()


@pytest.fixture
def openapi(client):
    """The OpenAPI document, parsed from the raw response text."""
    response = api_get(client, "/openapi.json")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


# -- search ----------------------------------------------------------------------------------------

def test_search_returns_the_documented_shape_with_the_refunds_article(client, synced_app):
    body = search_json(client, q="refund")

    assert set(body) == SEARCH_FIELDS
    assert body["query"] == "refund"
    assert body["total"] >= len(body["results"]) > 0
    assert (body["page"], body["per_page"]) == (1, 10)
    refunds = next(r for r in body["results"] if r["slug"] == "refunds")
    assert set(refunds) == RESULT_FIELDS
    assert refunds["title"] == "Refunds for upgrades"
    assert refunds["url"] == "http://localhost/articles/refunds"
    assert (refunds["kind"], refunds["category"]) == ("article", "payments-and-billing")
    assert "<mark>" in refunds["snippet"].lower()
    assert isinstance(refunds["score"], float) and refunds["score"] == round(refunds["score"], 4)


def test_search_result_urls_open_the_article(client, synced_app):
    first = search_json(client, q="refund")["results"][0]

    assert client.get(first["url"]).status_code == 200


def test_kind_filter_returns_only_that_kind(client, synced_app):
    results = search_json(client, q="refund", kind="faq")["results"]

    assert results
    assert {r["kind"] for r in results} == {"faq"}


def test_category_filter_returns_only_that_category(client, synced_app):
    everywhere = search_json(client, q="refund", per_page=50)["results"]
    in_payments = search_json(client, q="refund", category="payments-and-billing", per_page=50)["results"]

    assert {r["category"] for r in everywhere} != {"payments-and-billing"}
    assert in_payments
    assert {r["category"] for r in in_payments} == {"payments-and-billing"}


def test_filtered_total_counts_only_filtered_results(client, synced_app):
    body = search_json(client, q="refund", kind="faq", per_page=50)

    assert body["total"] == len(body["results"])


def test_an_unknown_category_finds_nothing(client, synced_app):
    body = search_json(client, q="refund", category="no-such-category")

    assert body["results"] == []


def test_second_page_continues_the_first(client, synced_app):
    all_slugs = [r["slug"] for r in search_json(client, q="refund", per_page=50)["results"]]

    second = search_json(client, q="refund", page=2, per_page=2)

    assert (second["page"], second["per_page"]) == (2, 2)
    assert [r["slug"] for r in second["results"]] == all_slugs[2:4]


def test_empty_query_returns_no_results_and_is_not_recorded(client, synced_app):
    body = search_json(client, q="")

    assert (body["total"], body["results"], body["suggestion"]) == (0, [], None)
    assert recorded_searches(synced_app) == []


def test_search_is_recorded_as_an_api_search(client, synced_app):
    search_json(client, q="Refund")

    assert recorded_searches(synced_app) == [("refund", "api")]


@pytest.mark.parametrize("params, parameter", BAD_SEARCH_PARAMETERS)
def test_bad_parameters_get_a_400_naming_the_parameter(client, synced_app, params, parameter):
    response = api_get(client, "/search", q="refund", **params)

    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"].startswith(f"{parameter} must be")
    assert recorded_searches(synced_app) == []


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_any_search_text_gets_a_json_answer(client, synced_app, query):
    body = search_json(client, q=query)

    assert set(body) == SEARCH_FIELDS
    assert len(body["query"]) <= 200


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_any_suggest_text_gets_a_json_answer(client, synced_app, query):
    response = api_get(client, "/suggest", q=query)

    assert response.status_code == 200
    assert response.get_json()["query"] == query


def test_markup_in_the_query_never_comes_back_as_markup(client, synced_app):
    response = api_get(client, "/search", q="<script>alert(1)</script>")

    assert "<script" not in response.get_data(as_text=True).lower()
    body = response.get_json()
    assert body["query"] == "<script>alert(1)</script>"  # plain text: whoever shows it escapes it
    for result in body["results"]:
        snippet = result["snippet"].lower()
        assert "<script" not in snippet
        assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_drafts_never_appear(client, app, tmp_path):
    write(tmp_path, "billing/live.md", article_file("Zorblax pricing", "The zorblax plan is live."))
    write(tmp_path, "billing/draft.md", article_file("Zorblax secret plan", "Zorblax, not yet.", status="draft"))
    with app.app_context():
        assert not sync_directory(tmp_path).failed

    search_slugs = [r["slug"] for r in search_json(client, q="zorblax")["results"]]
    suggest_slugs = [s["slug"] for s in api_get(client, "/suggest", q="zorblax").get_json()["suggestions"]]

    assert search_slugs == ["live"]
    assert suggest_slugs == ["live"]


# -- suggest ---------------------------------------------------------------------------------------

def test_suggest_returns_titles_starting_with_the_words_typed(client, synced_app):
    response = api_get(client, "/suggest", q="pay")

    body = response.get_json()
    assert body["query"] == "pay"
    assert 0 < len(body["suggestions"]) <= 5
    for suggestion in body["suggestions"]:
        assert set(suggestion) == SUGGESTION_FIELDS
        assert suggestion["kind"] in KINDS
        assert suggestion["url"] == f"http://localhost/articles/{suggestion['slug']}"
    assert any(s["title"].lower().startswith("pay") for s in body["suggestions"])


@pytest.mark.parametrize("query", ["", "p", " p "])
def test_suggest_needs_two_characters(client, synced_app, query):
    assert api_get(client, "/suggest", q=query).get_json()["suggestions"] == []


def test_suggestions_may_be_cached_for_a_minute(client, synced_app):
    assert api_get(client, "/suggest", q="pay").headers["Cache-Control"] == "public, max-age=60"


def test_suggestions_are_not_recorded_as_searches(client, synced_app):
    api_get(client, "/suggest", q="pay")

    assert recorded_searches(synced_app) == []


# -- OpenAPI document ------------------------------------------------------------------------------

def test_openapi_document_is_version_3_1_with_both_endpoints(openapi):
    assert openapi["openapi"].startswith("3.1")
    assert {"/search", "/suggest"} <= set(openapi["paths"])
    assert {"SearchResponse", "SearchResult", "SuggestResponse", "Suggestion", "Error"} <= set(
        openapi["components"]["schemas"])


def test_openapi_lists_the_parameters_with_their_limits(openapi):
    search = {p["name"]: p["schema"] for p in openapi["paths"]["/search"]["get"]["parameters"]}
    suggest = {p["name"] for p in openapi["paths"]["/suggest"]["get"]["parameters"]}

    assert set(search) == {"q", "category", "kind", "page", "per_page"}
    assert search["kind"]["enum"] == list(KINDS)
    assert (search["per_page"]["type"], search["per_page"]["minimum"], search["per_page"]["maximum"]) == (
        "integer", 1, 50)
    assert search["page"]["type"] == "integer"
    assert suggest == {"q"}


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_schema_reference_resolves(openapi):
    refs = set(_refs(openapi))

    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in openapi["components"]["schemas"]


def test_every_documented_operation_is_a_route(app, openapi):
    base = openapi["servers"][0]["url"]
    adapter = app.url_map.bind("localhost")

    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            endpoint, _ = adapter.match(base + path, method=method.upper())
            assert endpoint == f"api.{operation['operationId']}"


# One request per documented (path, status): each must answer with that status and the documented schema.
DOCUMENTED_RESPONSES = [
    ("/search", {"q": "refund"}, "200"),
    ("/search", {"q": "refund", "per_page": "500"}, "400"),
    ("/suggest", {"q": "pay"}, "200"),
    ("/openapi.json", {}, "200"),
]


def test_the_examples_cover_every_documented_response(openapi):
    documented = {(path, status) for path, ops in openapi["paths"].items()
                  for op in ops.values() for status in op["responses"]}

    assert documented == {(path, status) for path, _, status in DOCUMENTED_RESPONSES}


def _assert_matches(schema, value, document, where="body"):
    """A small JSON Schema check: $ref, type (with null), required, properties, items, enum, maxItems."""
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    python_types = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float),
                    "null": type(None), "boolean": bool}
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else types
    assert not types or isinstance(value, tuple(python_types[t] for t in types)), f"{where}: {value!r} not {types}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if isinstance(value, dict):
        assert set(schema.get("required", [])) <= set(value), f"{where}: missing {schema.get('required')}"
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                _assert_matches(sub, value[name], document, f"{where}.{name}")
    if isinstance(value, list):
        assert len(value) <= schema.get("maxItems", len(value))
        for i, item in enumerate(value):
            _assert_matches(schema.get("items", {}), item, document, f"{where}[{i}]")


@pytest.mark.parametrize("path, params, status", DOCUMENTED_RESPONSES)
def test_responses_match_their_documented_schema(client, synced_app, openapi, path, params, status):
    response = api_get(client, path, **params)

    assert str(response.status_code) == status
    schema = openapi["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]
    _assert_matches(schema, response.get_json(), openapi)
