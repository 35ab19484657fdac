"""The requester's private page: only with its link, public replies only, add information, confirm, reopen, survey."""
import re

import pytest

from app.auth.services import create_user
from app.extensions import db
from app.inquiries import services
from app.inquiries.models import Inquiry
from tests.helpers import csrf_token

FORM = {"name": "Ann Example", "email": "ann@example.com", "user_type": "public", "category": "billing",
        "subject": "Refund for a boost", "description": "The boost did not start."}


@pytest.fixture
def opened(app, synced_app):
    """(inquiry id, status URL) of an inquiry sent through the form."""
    client = app.test_client()
    answer = client.post("/contact", data={"csrf_token": csrf_token(client, "/contact"), **FORM})
    url = answer.headers["Location"].split("?")[0]
    with app.app_context():
        return db.session.query(Inquiry).one().id, url


def staff_step(app, inquiry_id, *steps):
    """Run workflow steps as a lead: ("reply", text), ("note", text), ("status", status), ("resolution", text)."""
    with app.app_context():
        lead = create_user(f"lead{inquiry_id}-{len(steps)}@example.com", "correct horse battery", role="lead")
        inquiry = db.session.get(Inquiry, inquiry_id)
        for kind, value in steps:
            {"reply": lambda v: services.reply(inquiry, lead, v),
             "note": lambda v: services.add_note(inquiry, lead, v),
             "status": lambda v: services.change_status(inquiry, v, lead),
             "resolution": lambda v: services.set_resolution(inquiry, lead, v)}[kind](value)


def post(client, url, action, **fields):
    return client.post(f"{url}/{action}", data={"csrf_token": csrf_token(client, url), **fields})


def test_the_page_needs_the_private_link(app, client, opened):
    _, url = opened
    page = client.get(url)

    assert page.status_code == 200 and "Refund for a boost" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    for guess in (url[:-1] + ("0" if url[-1] != "0" else "1"), url.rsplit(".", 1)[0], url.rsplit(".", 1)[0] + ".", "/inquiry/" + "x" * 200):
        assert client.get(guess).status_code == 404


def test_each_link_shows_only_its_own_inquiry(app, opened):
    first_id, first_url = opened
    other = app.test_client()
    answer = other.post("/contact", data={"csrf_token": csrf_token(other, "/contact"),
                                          **FORM, "subject": "Someone else's problem", "email": "bob@example.com"})
    second = other.get(answer.headers["Location"]).get_data(as_text=True)

    assert "Someone else's problem" in second.replace("&#39;", "'") and "Refund for a boost" not in second
    assert "Someone else" not in app.test_client().get(first_url).get_data(as_text=True)


def test_public_replies_show_internal_notes_do_not(app, client, opened):
    inquiry_id, url = opened
    staff_step(app, inquiry_id, ("note", "Customer looks like a repeat case."), ("reply", "We refunded the boost."))

    page = client.get(url).get_data(as_text=True)
    assert "We refunded the boost." in page and "Support team" in page
    assert "repeat case" not in page


def test_the_requester_adds_information(app, client, opened):
    inquiry_id, url = opened
    assert post(client, url, "message", body="Order number 12345.").status_code == 303
    assert "Order number 12345." in client.get(url).get_data(as_text=True)
    empty = post(client, url, "message", body="   ")
    assert empty.status_code == 400 and "Please write your message first." in empty.get_data(as_text=True)


def test_confirm_reopen_and_survey_after_resolution(app, client, opened):
    inquiry_id, url = opened
    early = post(client, url, "survey", csat="5", resolved="yes")
    assert early.status_code == 400 and "The survey opens once the inquiry is resolved." in early.get_data(as_text=True)

    staff_step(app, inquiry_id, ("status", "in_progress"), ("resolution", "Refunded to your card."), ("status", "resolved"))
    page = client.get(url).get_data(as_text=True)
    assert "Refunded to your card." in page and "Is your problem solved?" in page and "How did we do?" in page

    assert post(client, url, "confirm").status_code == 303
    assert post(client, url, "survey", csat="4", resolved="yes", nps="9", effort="6", comment="Quick!").status_code == 303
    again = post(client, url, "survey", csat="1", resolved="no")
    assert again.status_code == 400 and "You already answered the survey" in again.get_data(as_text=True)
    with app.app_context():
        inquiry = db.session.get(Inquiry, inquiry_id)
        assert inquiry.confirmed_at is not None
        assert (inquiry.survey.csat, inquiry.survey.resolved, inquiry.survey.nps, inquiry.survey.effort) == (4, True, 9, 6)

    assert post(client, url, "reopen", reason="It happened again.").status_code == 303
    with app.app_context():
        inquiry = db.session.get(Inquiry, inquiry_id)
        assert (inquiry.status, inquiry.reopened_count, inquiry.confirmed_at) == ("reopened", 1, None)
    assert "It happened again." in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize("fields, message", [
    ({}, "Please rate how satisfied you are (1 to 5)."),
    ({"csat": "6", "resolved": "yes"}, "Please choose a number from 1 to 5."),
    ({"csat": "0", "resolved": "yes"}, "Please choose a number from 1 to 5."),
    ({"csat": "4"}, "Please tell us whether your issue was resolved."),
    ({"csat": "4", "resolved": "yes", "nps": "11"}, "Please choose a number from 0 to 10."),
    ({"csat": "4", "resolved": "yes", "effort": "8"}, "Please choose a number from 1 to 7."),
    ({"csat": "4", "resolved": "yes", "effort": "x"}, "Please choose a number from 1 to 7."),
    ({"csat": "4", "resolved": "yes", "comment": "c" * 2001}, "Please keep your comment under 2,000 characters"),
])
def test_survey_answers_are_checked_and_kept(app, client, opened, fields, message):
    inquiry_id, url = opened
    staff_step(app, inquiry_id, ("status", "resolved"))

    answer = post(client, url, "survey", **fields)

    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and message in page
    if fields.get("csat") in {"1", "2", "3", "4", "5"}:
        assert re.search(rf'name="csat" value="{fields["csat"]}" checked', page)
    with app.app_context():
        assert db.session.get(Inquiry, inquiry_id).survey is None


def test_reopening_an_open_inquiry_is_explained(app, client, opened):
    _, url = opened
    answer = post(client, url, "reopen")
    assert answer.status_code == 400 and "This inquiry is still open" in answer.get_data(as_text=True)


def test_the_actions_need_csrf_and_post(app, client, opened):
    _, url = opened
    assert client.post(f"{url}/message", data={"body": "hi"}).status_code == 400
    assert client.get(f"{url}/message").status_code == 405
    assert client.post(f"{url}/delete", data={"csrf_token": csrf_token(client, url)}).status_code == 404


def test_replies_and_the_resolution_reach_the_requester_by_email(app, opened):
    from email import message_from_bytes
    from pathlib import Path

    inquiry_id, url = opened
    staff_step(app, inquiry_id, ("reply", "Could you send the order number?"), ("resolution", "Refunded."),
               ("status", "resolved"))

    mails = sorted((Path(app.instance_path) / "outbox").glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    bodies = [message_from_bytes(p.read_bytes()).get_payload(decode=True).decode() for p in mails]
    assert len(bodies) == 3  # acknowledgement, reply, resolution
    assert "Could you send the order number?" in bodies[1] and url in bodies[1]
    assert "Refunded." in bodies[2] and "tell us how we\ndid" in bodies[2] and url in bodies[2]
