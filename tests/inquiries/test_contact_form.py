"""The contact form: deflection, validation, attachments, context, the reference number and the e-mail."""
import io
import re
from email import message_from_bytes
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.inquiries.models import Deflection, Inquiry
from tests.helpers import csrf_token

VALID = {"name": "Ann Example", "email": "ann@example.com", "user_type": "registered", "category": "billing",
         "subject": "Charged twice for a boost", "description": "My card shows two payments for one boost."}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"


def submit(client, url="/contact", **fields):
    data = {"csrf_token": csrf_token(client, url), **VALID, **fields}
    return client.post(url, data=data, content_type="multipart/form-data")


def inquiries(app):
    with app.app_context():
        return db.session.execute(select(Inquiry).order_by(Inquiry.id)).scalars().all()


def test_every_article_offers_contact_with_its_context(client, synced_app):
    page = client.get("/articles/charged-twice").get_data(as_text=True)
    assert 'href="/contact?article=charged-twice"' in page
    form = client.get("/contact?article=charged-twice").get_data(as_text=True)
    assert 'name="article" value="charged-twice"' in form and "We'll see that you came from" in form


def test_a_submitted_inquiry_gets_a_reference_an_email_and_a_private_page(app, client, synced_app):
    answer = submit(client)

    assert answer.status_code == 303
    status_url = answer.headers["Location"]
    assert re.fullmatch(r"/inquiry/INQ-\d{4}-0001\.[0-9a-f]{32}\?new=1", status_url)
    page = client.get(status_url).get_data(as_text=True)
    [inquiry] = inquiries(app)
    assert re.fullmatch(r"INQ-\d{4}-0001", inquiry.reference)
    assert f"Your reference number is <strong class=\"reference\">{inquiry.reference}</strong>" in page
    [eml] = list((Path(app.instance_path) / "outbox").glob("*.eml"))
    mail = message_from_bytes(eml.read_bytes())
    assert mail["To"] == "ann@example.com" and inquiry.reference in mail["Subject"]
    assert "http://localhost" + status_url.split("?")[0] in mail.get_payload(decode=True).decode()


def test_the_reference_prefix_is_configurable_and_numbers_follow_each_other(app, client, synced_app):
    app.config["INQUIRY_PREFIX"] = "BZY"
    for _ in range(3):
        submit(client)
    refs = [i.reference for i in inquiries(app)]
    assert [r.split("-")[0] for r in refs] == ["BZY"] * 3
    assert [r[-4:] for r in refs] == ["0001", "0002", "0003"]


@pytest.mark.parametrize("fields, field, message", [
    ({"name": ""}, "name", "Please tell us your name."),
    ({"email": ""}, "email", "We need your e-mail address to reply."),
    ({"email": "ann@"}, "email", "That e-mail address does not look right"),
    ({"email": "ann example@x.org"}, "email", "That e-mail address does not look right"),
    ({"phone": "call me maybe"}, "phone", "Use digits, spaces and + ( ) - only"),
    ({"user_type": ""}, "user_type", "Please choose who you are."),
    ({"user_type": "admin"}, "user_type", "Please choose who you are."),
    ({"category": "free_money"}, "category", "Please choose a category."),
    ({"subject": "   "}, "subject", "Please add a short subject."),
    ({"subject": "x" * 201}, "subject", "Please keep this under 200 characters (it has 201)."),
    ({"description": ""}, "description", "Please describe what happened."),
    ({"description": "y" * 10_001}, "description", "Please keep this under 10,000 characters (it has 10,001)."),
    ({"location": "z" * 121}, "location", "Please keep this under 120 characters (it has 121)."),
])
def test_bad_input_is_explained_next_to_the_field_and_kept(app, client, synced_app, fields, field, message):
    answer = submit(client, **fields)
    page = answer.get_data(as_text=True).replace("&#39;", "'")

    assert answer.status_code == 400
    assert re.search(rf'id="{field}-error">[^<]*{re.escape(message)}', page), page[:300]
    assert f'aria-describedby="{field}-error"' in page
    for key, value in {**VALID, **fields}.items():
        if key not in ("user_type", "category") and len(value) < 300 and value.strip():
            assert value.strip() in page  # everything typed is still there
    assert inquiries(app) == []


@pytest.mark.parametrize("files, problem", [
    ([("shell.png", b"<?php system($_GET['c']); ?>")], "is not a file type we accept"),
    ([("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')], "is not a file type we accept"),
    ([("notes.txt", b"<html><body onload=alert(1)>")], "is not a file type we accept"),
    ([("big.png", PNG + b"\x00" * 400_000)], "“big.png” is too large: files can be at most 293 KB."),
    ([("empty.txt", b"")], "is empty"),
    ([(f"{n}.png", PNG) for n in range(4)], "You can attach at most 3 files."),
])
def test_unsafe_or_oversized_attachments_are_refused(app, client, synced_app, files, problem):
    # A small limit here: the test client would spool a 10 MB body to a file it never closes.
    app.config["INQUIRY_MAX_ATTACHMENT_BYTES"] = 300_000
    answer = submit(client, attachments=[(io.BytesIO(data), name) for name, data in files])

    assert answer.status_code == 400
    assert problem in answer.get_data(as_text=True)
    assert inquiries(app) == []


@pytest.mark.parametrize("size, accepted", [(10 * 1024 * 1024, True), (10 * 1024 * 1024 + 1, False)])
def test_the_default_limit_is_ten_megabytes(app, size, accepted):
    from app.inquiries import attachments

    data = PNG + b"\x00" * (size - len(PNG))
    with app.app_context():
        limit = app.config["INQUIRY_MAX_ATTACHMENT_BYTES"]
    if accepted:
        assert attachments.check("photo.png", data, limit)[0] == "image/png"
    else:
        with pytest.raises(attachments.AttachmentError, match="“photo.png” is too large: files can be at most 10 MB."):
            attachments.check("photo.png", data, limit)


def test_good_attachments_are_stored_under_generated_names_with_their_real_type(app, client, synced_app):
    files = [(io.BytesIO(PNG), "screenshot.png"), (io.BytesIO(PDF), "invoice.txt"), (io.BytesIO(b"log line\n"), "log.pdf")]
    assert submit(client, attachments=files).status_code == 303

    [inquiry] = inquiries(app)
    with app.app_context():
        stored = [(a.original_name, a.mime_type, a.stored_name.rsplit(".", 1)[1]) for a in db.session.get(Inquiry, inquiry.id).attachments]
        names = [a.stored_name for a in db.session.get(Inquiry, inquiry.id).attachments]
    assert stored == [("screenshot.png", "image/png", "png"), ("invoice.txt", "application/pdf", "pdf"),
                      ("log.pdf", "text/plain", "txt")]
    assert all(re.fullmatch(r"[0-9a-f]{32}\.[a-z]+", n) for n in names)


def test_the_honeypot_stores_nothing(app, client, synced_app):
    assert submit(client, website="http://spam.example").status_code == 303
    assert inquiries(app) == []


def test_floods_get_a_friendly_429(app, client, synced_app):
    codes = [submit(client).status_code for _ in range(7)]

    assert codes[:5] == [303] * 5 and codes[5:] == [429, 429]
    assert len(inquiries(app)) == 5


def test_the_visit_travels_with_the_inquiry(app, client, synced_app):
    client.get("/search?q=double+charge")
    client.get("/search?q=refund+boost")
    tree = '[{"node": "start", "answer": "Card payment"}, {"node": "bank", "answer": "No"}]'

    submit(client, "/contact?article=charged-twice", article="charged-twice", tree=tree)

    [inquiry] = inquiries(app)
    assert inquiry.source_article.slug == "charged-twice" and inquiry.source_revision_id
    assert inquiry.context["searches"] == ["refund boost", "double charge"]
    assert inquiry.context["tree_path"] == [{"node": "start", "answer": "Card payment"}, {"node": "bank", "answer": "No"}]


def test_the_helpfulness_vote_travels_with_the_inquiry(app, client, synced_app):
    from tests.plugins.feedback.conftest import widget_form

    action, hidden = widget_form(client.get("/articles/charged-twice").get_data(as_text=True))
    client.post(action, data={**hidden, "helpful": "no"})
    client.post(action, data={**hidden, "helpful": "no", "reason": "unsolved", "comment": ""})

    submit(client, "/contact?article=charged-twice", article="charged-twice")

    assert inquiries(app)[0].context["vote"] == {"helpful": False, "reason": "unsolved", "reason_label": "Didn't solve my problem",
                                                "revision_id": inquiries(app)[0].source_revision_id}


@pytest.mark.parametrize("tree", ["not json", '{"a": 1}', "[1, 2, 3]", "[" * 5000])
def test_a_malformed_tree_path_is_ignored(app, client, synced_app, tree):
    assert submit(client, tree=tree).status_code == 303
    assert "tree_path" not in inquiries(app)[0].context


def test_suggestions_while_typing_and_deflections(app, client, synced_app):
    found = client.get("/contact/suggestions?q=charged twice").get_json()["results"]
    assert 1 <= len(found) <= 5
    assert any(r["title"] == "I was charged twice or see an unexpected charge" for r in found)

    opened = client.get(found[0]["url"])
    assert opened.status_code == 302 and opened.headers["Location"].startswith("/articles/")
    with app.app_context():
        [deflection] = db.session.execute(select(Deflection)).scalars().all()
        assert deflection.query == "charged twice" and deflection.submitted is False

    submit(client)  # the visitor asked after all: not a deflection
    with app.app_context():
        assert db.session.execute(select(Deflection.submitted)).scalar_one() is True


def test_typing_suggestions_are_not_logged_as_searches(app, client, synced_app):
    from app.search.models import SearchQuery

    client.get("/contact/suggestions?q=charged twice")
    with app.app_context():
        assert db.session.execute(select(SearchQuery)).first() is None
