"""Flagged comments wait in a queue that only leads and admins can act on."""
import pytest
from sqlalchemy import select

from app.extensions import db
from plugins.feedback.models import Vote
from tests.helpers import csrf_token, login
from tests.plugins.feedback.conftest import PASSWORD, widget_form

LEAD_URLS = ["/feedback/moderation", "/feedback/topics", "/dashboard/"]


def comment(app, text):
    client = app.test_client()
    action, hidden = widget_form(client.get("/articles/refunds").get_data(as_text=True))
    client.post(action, data={**hidden, "helpful": "no", "reason": "unsolved", "comment": text})
    with app.app_context():
        return db.session.execute(select(Vote).order_by(Vote.id.desc())).scalars().first()


def signed_in(app, email):
    client = app.test_client()
    assert login(client, email, PASSWORD).status_code == 302
    return client


@pytest.mark.parametrize("text, state", [
    ("Clear, but the screenshots are old.", "visible"),
    ("Email me at jane@example.org", "flagged"),
    ("This site is a scam", "flagged"),
])
def test_comments_are_screened_on_arrival(app, site, text, state):
    assert comment(app, text).comment_state == state


@pytest.mark.parametrize("action, state, kept", [
    ("approve", "visible", True),
    ("hide", "hidden", True),
    ("delete", "none", False),
])
def test_lead_decides_on_a_flagged_comment(app, site, staff, action, state, kept):
    flagged = comment(app, "Call me on 0171 234 5678, this is a scam")
    lead = signed_in(app, staff["lead"])
    queue = lead.get("/feedback/moderation").get_data(as_text=True)
    assert "Call me on [phone hidden], this is a scam" in queue and "0171 234 5678" not in queue
    assert '/articles/refunds">Refunds</a>' in queue

    answer = lead.post(f"/feedback/moderation/{flagged.id}",
                       data={"action": action, "csrf_token": csrf_token(lead, "/feedback/moderation")})

    assert answer.status_code == 303
    with app.app_context():
        row = db.session.get(Vote, flagged.id)
        assert row.comment_state == state and bool(row.comment) is kept and row.helpful is False  # the vote stays
    assert "Nothing to review" in lead.get("/feedback/moderation").get_data(as_text=True)


@pytest.mark.parametrize("url", LEAD_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, site, url):
    answer = client.get(url)
    assert answer.status_code == 302 and "/auth/login" in answer.headers["Location"]


@pytest.mark.parametrize("role, url, status", [
    *[("writer", url, 403) for url in LEAD_URLS[:2]],
    *[("editor", url, 403) for url in LEAD_URLS[:2]],
    *[("lead", url, 200) for url in LEAD_URLS],
    *[("admin", url, 200) for url in LEAD_URLS],
    ("writer", "/dashboard/", 200),
])
def test_only_leads_and_admins_see_feedback(app, site, staff, role, url, status):
    assert signed_in(app, staff[role]).get(url).status_code == status


def test_writers_cannot_moderate(app, site, staff):
    flagged = comment(app, "see http://spam.example")
    writer = signed_in(app, staff["writer"])
    token = csrf_token(writer, "/dashboard/")

    assert writer.post(f"/feedback/moderation/{flagged.id}", data={"action": "approve", "csrf_token": token}).status_code == 403
    with app.app_context():
        assert db.session.get(Vote, flagged.id).comment_state == "flagged"


def test_dashboard_shows_feedback_panels_to_leads_only(app, site, staff):
    comment(app, "see http://spam.example")
    lead_page = signed_in(app, staff["lead"]).get("/dashboard/").get_data(as_text=True)
    writer_page = signed_in(app, staff["writer"]).get("/dashboard/").get_data(as_text=True)

    assert "Article ratings" in lead_page and "Comments to review" in lead_page and "1</strong> flagged comment" in lead_page
    assert "Article ratings" not in writer_page and "Comments to review" not in writer_page
