"""The FAQ page: schema.org FAQPage structured data, and answers linkable from search results."""
import json
import re

import pytest

from app.kb.sync import sync_directory
from tests.helpers import article_file, write

TRICKY_ANSWER = "Never paste `</script><script>alert(1)</script>` into a listing & keep <b>calm</b>."


@pytest.fixture
def site(app, tmp_path):
    root = tmp_path / "content"
    write(root, "billing/_category.yml", "title: Billing\nposition: 1\n")
    write(root, "billing/charged-twice.md", article_file("Why was I charged twice?", "Usually a **hold**.", kind="faq",
                                                         position=1))
    write(root, "billing/refund-time.md", article_file("How long do refunds take?", "Up to 5 days.", kind="faq",
                                                       position=2))
    write(root, "billing/draft-faq.md", article_file("Unreleased question", "Not yet.", kind="faq", status="draft"))
    write(root, "account/_category.yml", "title: Account\nposition: 2\n")
    write(root, "account/zebra-tags.md", article_file("Can I paste zebracode </script> tags?", TRICKY_ANSWER,
                                                      kind="faq"))
    write(root, "account/login.md", article_file("Log in with zebracode", "Use your e-mail."))
    with app.app_context():
        assert not sync_directory(root).failed
    return root


def structured_data(page):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_faq_page_describes_every_public_question_as_faqpage(client, site):
    data = structured_data(client.get("/faq").get_data(as_text=True))

    assert data["@context"] == "https://schema.org" and data["@type"] == "FAQPage"
    questions = {item["name"]: item for item in data["mainEntity"]}
    assert set(questions) == {"Why was I charged twice?", "How long do refunds take?",
                              "Can I paste zebracode </script> tags?"}
    assert all(item["@type"] == "Question" and item["acceptedAnswer"]["@type"] == "Answer"
               for item in questions.values())
    assert questions["Why was I charged twice?"]["acceptedAnswer"]["text"] == "Usually a hold."


def test_structured_data_cannot_close_its_script_tag(client, site):
    page = client.get("/faq").get_data(as_text=True)
    block = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]

    assert "<" not in block and ">" not in block and "&" not in block
    data = structured_data(page)
    answer = next(item for item in data["mainEntity"] if "zebracode" in item["name"])["acceptedAnswer"]["text"]
    assert answer == "Never paste </script><script>alert(1)</script> into a listing & keep calm."


def test_faq_page_without_questions_has_no_structured_data(client):
    page = client.get("/faq").get_data(as_text=True)

    assert "application/ld+json" not in page and "No questions have been published yet." in page


def test_faq_answers_keep_their_anchors(client, site):
    page = client.get("/faq").get_data(as_text=True)

    assert '<details class="faq-item" id="refund-time">' in page
    assert 'href="/faq#refund-time">Link to this answer</a>' in page


def test_search_results_link_faqs_to_their_answer_on_the_faq_page(client, site):
    page = client.get("/search", query_string={"q": "zebracode"}).get_data(as_text=True)
    results = page.split('<ol class="search-results"', 1)[1].split("</ol>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", results, re.S)

    faq = next(item for item in items if "paste zebracode" in item)
    assert '<a href="/faq#zebra-tags">In the FAQ</a>' in faq
    assert re.search(r'<a href="/articles/zebra-tags\?s=\d+&amp;p=\d">', faq)  # the tracked main link is kept
    article = next(item for item in items if "Log in with zebracode" in item)
    assert "In the FAQ" not in article
