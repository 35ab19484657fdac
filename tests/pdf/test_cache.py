"""PDFs are drawn once per content: a new revision redraws exactly the PDFs that contain it."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.kb.models import Article
from app.kb.sync import sync_directory
from app.pdf.models import PdfExport
from tests.helpers import write

URLS = {
    "billing guide": "/categories/billing.pdf",
    "account guide": "/categories/account.pdf",
    "handbook": "/handbook.pdf",
    "refunds": "/articles/refunds.pdf",
    "invoices": "/articles/invoices.pdf",
}
TITLES = {  # the <title> of each drawn document
    "billing guide": "Billing · Bazaarly Help Center",
    "account guide": "Account · Bazaarly Help Center",
    "handbook": "Bazaarly Help Center handbook · Bazaarly Help Center",
    "refunds": "Refunds · Bazaarly Help Center",
    "invoices": "Invoices · Bazaarly Help Center",
}


def fetch_all(client):
    """GET every PDF; {name: bytes}."""
    answers = {name: client.get(url) for name, url in URLS.items()}
    assert all(answer.status_code == 200 for answer in answers.values())
    return {name: answer.data for name, answer in answers.items()}


def edit_invoices(site, app, body):
    text = (site / "billing" / "invoices.md").read_text()
    write(site, "billing/invoices.md", text.replace("Open **Payments**.", body))
    with app.app_context():
        sync_directory(site)


def test_a_cached_pdf_is_not_drawn_again(client, site, renders):
    first = fetch_all(client)
    again = fetch_all(client)

    assert first == again
    assert sorted(renders) == sorted(TITLES.values())  # each drawn once


def test_a_new_revision_redraws_only_the_pdfs_that_contain_it(client, app, site, renders):
    before = fetch_all(client)
    renders.clear()

    edit_invoices(site, app, "Open **Payments**, then **Invoices**.")
    after = fetch_all(client)

    assert sorted(renders) == sorted([TITLES["billing guide"], TITLES["handbook"], TITLES["invoices"]])
    for name in ("billing guide", "handbook", "invoices"):
        assert after[name] != before[name], name
    for name in ("account guide", "refunds"):
        assert after[name] == before[name], name


def test_syncing_unchanged_content_keeps_every_pdf(client, app, site, renders):
    fetch_all(client)
    renders.clear()
    with app.app_context():
        sync_directory(site)
    fetch_all(client)
    assert renders == []


def test_a_renamed_category_redraws_its_guide(client, app, site, renders):
    fetch_all(client)
    renders.clear()
    write(site, "account/_category.yml", "title: Your account\nposition: 2\n")
    with app.app_context():
        sync_directory(site)
    client.get(URLS["account guide"])
    client.get(URLS["billing guide"])
    assert renders == ["Your account · Bazaarly Help Center"]


def test_a_new_template_version_redraws(client, app, site, renders):
    client.get(URLS["refunds"])
    app.extensions["pdf_template_version"] = "changed"
    client.get(URLS["refunds"])
    assert renders == [TITLES["refunds"]] * 2


def test_the_cache_keeps_one_pdf_per_subject_and_knows_its_revisions(client, app, site):
    fetch_all(client)
    edit_invoices(site, app, "Open **Billing**.")
    fetch_all(client)

    with app.app_context():
        rows = db.session.execute(select(PdfExport.kind, PdfExport.subject)).all()
        assert sorted(rows) == sorted([("category", "billing"), ("category", "account"), ("handbook", ""),
                                       ("article", "refunds"), ("article", "invoices")])
        invoices = db.session.execute(select(Article).filter_by(slug="invoices")).scalar_one()
        rows = db.session.execute(select(PdfExport)).scalars().all()
        containing = [row for row in rows if invoices.published_revision_id in row.revision_ids]
        assert sorted((row.kind, row.subject) for row in containing) == [
            ("article", "invoices"), ("category", "billing"), ("handbook", "")]
        assert all(row.pages >= 1 and row.size > 1000 and row.peak_memory_kb > 0 for row in containing)


@pytest.mark.parametrize("name", ["billing guide", "refunds"])
def test_a_reader_with_the_current_copy_gets_304(client, site, name):
    first = client.get(URLS[name])
    assert first.headers["ETag"] and "public" in first.headers["Cache-Control"]

    again = client.get(URLS[name], headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304 and again.data == b""
