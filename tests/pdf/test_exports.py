"""PDF downloads as a reader gets them: the guide's cover, contents with page numbers, bookmarks, links, kinds."""
import re

import pytest
from werkzeug.http import parse_options_header

from app.auth.services import create_user
from app.extensions import db
from app.kb.sync import sync_directory
from app.pdf.models import PdfExport
from tests.helpers import login, write
from tests.pdf.conftest import links, outline, page_texts, reader

GUIDE_CHAPTERS = ["Refunds", "Invoices", "Payment failed", "Renew an ad", "Frequently asked questions"]


def test_category_guide_has_cover_contents_with_page_numbers_and_one_chapter_per_article(client, site):
    response = client.get("/categories/billing.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    texts = page_texts(response.data)
    # Cover: site name, guide title, description, date; no running header or footer on it.
    assert "Bazaarly Help Center".upper() in texts[0] and "Billing" in texts[0]
    assert "Payments, refunds and invoices." in texts[0] and re.search(r"\d{1,2} \w+ 20\d\d", texts[0])
    assert "Page 1 of" not in texts[0]
    # Contents: every chapter in category order, each with the page it starts on.
    contents = texts[1]
    assert contents.startswith("Billing Contents") or "Contents" in contents
    numbers = {}
    for title in GUIDE_CHAPTERS:
        match = re.search(re.escape(title) + r"\s*\.{3,}\s*(\d+)", contents)
        assert match, (title, contents)
        numbers[title] = int(match[1])
    assert list(numbers.values()) == sorted(numbers.values()) and numbers["Refunds"] == 3
    for title, number in numbers.items():  # the number is where the chapter really starts
        assert title in texts[number - 1], (title, number)
    # Running header (guide and chapter title) and footer (date, page X of Y) on inner pages.
    pages = len(texts)
    assert texts[2].startswith("BILLING · ARTICLE Refunds")
    assert re.search(rf"Billing Refunds \d{{1,2}} \w+ 20\d\d Page 3 of {pages}$", texts[2]), texts[2]
    # Drafts and archived articles are never in a guide; the other category is not either.
    whole = " ".join(texts)
    for absent in ("Secret price plans", "Old price list", "Account basics"):
        assert absent not in whole


def test_category_guide_bookmarks_lead_to_chapters_and_their_headings(client, site):
    data = client.get("/categories/billing.pdf").data
    marks = outline(data)
    top = [(title, page) for depth, title, page in marks if depth == 0]
    assert [title for title, _ in top] == ["Contents", *GUIDE_CHAPTERS]
    texts = page_texts(data)
    for title, page in top:
        assert title in texts[page - 1]
    refunds = next(i for i, mark in enumerate(marks) if mark[1] == "Refunds")
    assert [title for depth, title, _ in marks[refunds + 1:refunds + 3]] == ["When you can get a refund",
                                                                              "How long it takes"]
    assert all(depth == 1 for depth, _, _ in marks[refunds + 1:refunds + 3])
    faq_questions = [title for depth, title, _ in marks if depth == 1 and title == "Is posting free?"]
    assert faq_questions == ["Is posting free?"]


def test_contents_entries_are_links_to_their_chapters(client, site):
    data = client.get("/categories/billing.pdf").data
    texts = page_texts(data)
    # A link is drawn as several boxes (title, dots, number): one annotation each, all to the same page.
    internal = [target for page, kind, target in links(data) if page == 2 and kind == "internal"]
    internal = [target for i, target in enumerate(internal) if i == 0 or internal[i - 1] != target]
    assert len(internal) == len(GUIDE_CHAPTERS)
    for title, target in zip(GUIDE_CHAPTERS, internal):
        assert title in texts[target - 1]


def test_links_work_inside_the_pdf_and_point_to_the_site_outside_it(client, site):
    data = client.get("/categories/billing.pdf").data
    found = links(data)
    uris = {target for _, kind, target in found if kind == "uri"}
    assert "https://example.com/policy" in uris  # another site: as written, clickable
    assert "http://localhost/articles/account-basics" in uris  # on the site but not in this guide
    assert not any(uri.startswith("/") or "/articles/invoices" in uri for uri in uris)  # in the guide: a jump
    texts = page_texts(data)
    refunds_page = next(i for i, text in enumerate(texts, start=1) if text.startswith("BILLING · ARTICLE Refunds"))
    jumps = [target for page, kind, target in found if page == refunds_page and kind == "internal"]
    invoices_page = next(i for i, text in enumerate(texts, start=1) if "Download an invoice" in text)
    assert invoices_page in jumps  # [invoices](/articles/invoices) jumps to that chapter
    assert any(target >= refunds_page and "How long it takes" in texts[target - 1] for target in jumps)


def test_article_pdf_keeps_tables_code_images_and_opens_details(client, site):
    response = client.get("/articles/refunds.pdf")

    assert response.status_code == 200
    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment" and options == {"filename": "refunds.pdf"}
    text = " ".join(page_texts(response.data))
    assert text.startswith("Bazaarly Help Center ·") and "Refunds" in text and "Money back for upgrades." in text
    for shown in ("Boost 14 days", "Featured 7 days", "REFUND-ID 1234-5678", "Why so long?",
                  "Banks batch refunds overnight.", "The latest version is online at http://localhost/articles/refunds"):
        assert shown in text, shown
    images = [name for page in reader(response.data).pages for name in page.images]
    assert len(images) == 1  # the /media/ image is drawn in
    uris = {target for _, kind, target in links(response.data) if kind == "uri"}
    assert "http://localhost/articles/invoices" in uris  # alone, the other article is a link to the site


def test_a_broken_image_is_left_out_and_the_pdf_still_drawn(client, site):
    (site / "_media" / "refund.png").write_bytes(b"\x89PNG\r\n\x1a\n broken in the middle")

    response = client.get("/articles/refunds.pdf")

    assert response.status_code == 200
    assert "Banks batch refunds overnight." in " ".join(page_texts(response.data))
    assert [name for page in reader(response.data).pages for name in page.images] == []


def test_troubleshooter_pdf_is_a_numbered_checklist(client, site):
    response = client.get("/articles/payment-failed.pdf")

    assert response.status_code == 200
    text = " ".join(page_texts(response.data))
    assert "Start at 1." in text
    assert re.search(r"1 Question How did you pay\? By card → go to 2 By PayPal → go to 4", text, re.I), text
    assert re.search(r"2 Try this Check the expiry date of the card\. Yes, that fixed it → go to 3 "
                     r"No, still not working → go to 4", text, re.I), text
    assert re.search(r"3 Solution Good, the payment works again\. That should solve it\.", text, re.I)
    assert re.search(r"4 Solution We need to look at your account\. Still not solved\? Contact support at "
                     r"http://localhost/contact", text, re.I)
    assert "Read more: Invoices" in text
    jumps = [target for _, kind, target in links(response.data) if kind == "internal"]
    assert len(jumps) >= 4 and set(jumps) == {1}  # each "go to" is a link (to this one page)


def test_tutorial_pdf_has_every_step_and_videos_as_link_and_transcript(client, site):
    text = " ".join(page_texts(client.get("/articles/renew-an-ad.pdf").data))
    assert "STEP 1 OF 2 Open My ads" in text and "STEP 2 OF 2 Press Renew" in text
    assert "Video: Renewing in 30 seconds" in text
    assert "Transcript Open My ads, then press Renew beside the ad." in text
    uris = {target for _, kind, target in links(client.get("/articles/renew-an-ad.pdf").data) if kind == "uri"}
    assert "https://www.youtube.com/watch?v=dQw4w9WgXcQ" in uris


def test_tutorial_summary_fits_on_a_page(client, site):
    response = client.get("/articles/renew-an-ad/summary.pdf")
    texts = page_texts(response.data)
    assert len(texts) == 1
    assert "TUTORIAL SUMMARY Renew an ad" in texts[0] and "Open My ads" in texts[0] and "Video: Renewing in 30 seconds" in texts[0]
    assert "Transcript" not in texts[0]


def test_handbook_has_every_category_as_a_part(client, site):
    response = client.get("/handbook.pdf")

    assert response.status_code == 200
    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert options == {"filename": "bazaarly-help-center-handbook.pdf"}
    marks = outline(response.data)
    assert [title for depth, title, _ in marks if depth == 0] == ["Contents", "Billing", "Account"]
    account = marks.index(next(mark for mark in marks if mark[1] == "Account"))
    assert marks[account + 1][:2] == (1, "Account basics") and marks[account + 2][:2] == (2, "Your profile")
    contents = page_texts(response.data)[1]
    assert re.search(r"Billing \.+ \d+ Refunds \.+ \d+", contents) and re.search(r"Account \.+ \d+", contents)


@pytest.mark.parametrize("url, filename", [
    ("/articles/invoices.pdf", "invoices.pdf"),
    ("/articles/is-it-free.pdf", "is-it-free.pdf"),
    ("/articles/renew-an-ad/summary.pdf", "renew-an-ad-summary.pdf"),
    ("/categories/billing.pdf", "billing-guide.pdf"),
    ("/categories/account.pdf", "account-guide.pdf"),
])
def test_downloads_have_readable_file_names(client, site, url, filename):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f"attachment; filename={filename}"


@pytest.mark.parametrize("url", [
    "/articles/secret-plans.pdf", "/articles/old-prices.pdf", "/articles/nope.pdf",
    "/articles/invoices/summary.pdf", "/categories/nope.pdf", "/articles/secret-plans/summary.pdf",
])
def test_drafts_archived_and_unknown_are_not_exported_to_visitors(client, site, url):
    response = client.get(url)
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_staff_may_export_a_draft_marked_as_such_and_never_cached(client, app, site):
    with app.app_context():
        create_user("writer@example.com", "correct horse battery", role="writer")
    login(client, "writer@example.com", "correct horse battery")

    response = client.get("/articles/secret-plans.pdf")

    assert response.status_code == 200
    text = " ".join(page_texts(response.data))
    assert "Draft: this revision is not published." in text and "Secret price plans" in text
    assert response.headers["Cache-Control"] == "private, no-store"
    with app.app_context():
        assert db.session.query(PdfExport).filter_by(subject="secret-plans").count() == 0


def test_a_renamed_article_pdf_redirects(client, app, site):
    body = (site / "billing" / "invoices.md").read_text().replace("title: Invoices", "title: Invoices\nredirect_from: [bills]")
    write(site, "billing/invoices.md", body)
    with app.app_context():
        sync_directory(site)
    response = client.get("/articles/bills.pdf")
    assert response.status_code == 301 and response.headers["Location"] == "/articles/invoices.pdf"


@pytest.mark.app_config(PDF_PAGE_SIZE="Letter")
def test_page_size_comes_from_config(client, site):
    page = reader(client.get("/articles/invoices.pdf").data).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_a4_is_the_default_page_size(client, site):
    page = reader(client.get("/articles/invoices.pdf").data).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


@pytest.mark.app_config(PDF_RATE_LIMIT="2 per minute")
def test_exports_are_rate_limited(client, site):
    assert client.get("/articles/invoices.pdf").status_code == 200
    assert client.get("/articles/refunds.pdf").status_code == 200
    limited = client.get("/categories/billing.pdf")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert limited.mimetype == "text/html"


def test_pages_offer_the_pdf_downloads(client, site):
    pages = {
        "/articles/refunds": 'href="/articles/refunds.pdf" download',
        "/categories/billing": 'href="/categories/billing.pdf" download',
        "/": 'href="/handbook.pdf" download',
        "/troubleshoot/payment-failed": 'href="/articles/payment-failed.pdf" download',
        "/articles/renew-an-ad": 'href="/articles/renew-an-ad.pdf" download',
    }
    for url, link in pages.items():
        assert link in client.get(url).get_data(as_text=True), url
