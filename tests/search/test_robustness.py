"""Any query string gets a normal page: operators, broken syntax, huge input, NUL bytes, other scripts."""
from urllib.parse import quote_from_bytes

import pytest

from app.search import services

ODD_QUERIES = [
    ("empty", ""),
    ("spaces", "     "),
    ("only stop words", "how do i the"),
    ("unbalanced quote", '"refund'),
    ("unbalanced parentheses", "((refund OR"),
    ("boolean operators", "refund AND NOT OR payment"),
    ("field syntax", "status:draft"),
    ("field syntax with title", "title:refund kind:faq"),
    ("wildcard", "*"),
    ("wildcards in words", "ref* pay?ent"),
    ("fuzzy syntax", "refund~2"),
    ("range syntax", "[a TO z]"),
    ("boost syntax", "refund^10"),
    ("NUL bytes", "ref\x00und\x00"),
    ("control characters", "\x01\x02\x1b[31mrefund"),
    ("10 KB of text", "refund " * 1500),
    ("one 10 KB word", "a" * 10_000),
    ("emoji", "💸 refund 🙏"),
    ("only emoji", "🔥🔥🔥"),
    ("cyrillic", "возврат денег"),
    ("chinese", "退款 支付"),
    ("arabic", "استرداد"),
    ("html", "<script>alert(1)</script>"),
    ("sql", "'; DROP TABLE articles; --"),
    ("backslashes", "\\\\ \\x00 \\"),
    ("percent and underscore", "100% _refund_"),
    ("tsquery operators", "refund & !payment | <-> :*"),
    ("websearch syntax", '-refund or "payment'),
    ("FTS5 NEAR", "NEAR(refund payment, 2)"),
    ("FTS5 column filter", "{title summary}: refund"),
    ("FTS5 column filter without braces", "title : refund - body : refund"),
    ("FTS5 initial token", "^refund"),
    ("FTS5 prefix and plus", "ref * + pay"),
    ("FTS5 special columns", "rank:1 rowid:1 fts:refund"),
    ("private use characters", "\ue000refund\ue001"),
    ("invalid UTF-8 byte", "refund \udcff"),  # sent as the raw byte 0xff
    ("many words", " ".join(f"word{i}" for i in range(500))),
]


@pytest.mark.parametrize("name, query", ODD_QUERIES, ids=[n for n, _ in ODD_QUERIES])
def test_odd_query_gets_a_normal_results_page(indexed_app, name, query):
    client = indexed_app.test_client()
    raw = quote_from_bytes(query.encode("utf-8", "surrogateescape"))

    response = client.get(f"/search?q={raw}")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "<h1>Search</h1>" in page and "Traceback" not in page
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize("name, query", ODD_QUERIES, ids=[n for n, _ in ODD_QUERIES])
def test_odd_query_never_reveals_unpublished_content(indexed_app, name, query):
    with indexed_app.app_context():
        outcome = services.search(query)

    assert all(r.article.is_public for r in outcome.results)


@pytest.mark.parametrize("params", [{"page": "x"}, {"page": "-5"}, {"page": "99999999999999999999"},
                                    {"kind": "secret"}, {"category": "x" * 5000}, {"q": "refund", "page": "3000"}])
def test_odd_parameters_get_a_normal_page(indexed_app, params):
    response = indexed_app.test_client().get("/search", query_string={"q": "refund", **params})

    assert response.status_code == 200
