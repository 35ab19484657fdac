"""Suggest a topic: reachable from the footer and from a search with no results; leads track the requests."""
import pytest
from sqlalchemy import select

from app.extensions import db
from plugins.feedback.models import TopicRequest
from tests.helpers import csrf_token, login
from tests.plugins.feedback.conftest import PASSWORD


def topics(app):
    with app.app_context():
        return db.session.execute(select(TopicRequest)).scalars().all()


def test_the_form_is_linked_from_the_footer_and_from_empty_searches(client, site):
    assert 'href="/feedback/suggest"' in client.get("/").get_data(as_text=True)
    empty = client.get("/search?q=helicopter+rental").get_data(as_text=True)
    assert 'href="/feedback/suggest?q=helicopter+rental"' in empty


def test_a_visitor_suggests_a_topic(app, client, site):
    form = client.get("/feedback/suggest?q=helicopter rental").get_data(as_text=True)
    assert "helicopter rental</textarea>" in form

    answer = client.post("/feedback/suggest", data={
        "csrf_token": csrf_token(client, "/feedback/suggest"), "text": "How to rent a helicopter",
        "email": "pilot@example.com", "q": "helicopter rental"})

    assert answer.status_code == 303
    assert "Thank you!" in client.get(answer.headers["Location"]).get_data(as_text=True)
    [topic] = topics(app)
    assert (topic.text, topic.email, topic.search_query, topic.status) == (
        "How to rent a helicopter", "pilot@example.com", "helicopter rental", "open")


@pytest.mark.parametrize("text, email, message", [
    ("", "", "Tell us what you were looking for."),
    ("   ", "", "Tell us what you were looking for."),
    ("x" * 501, "", "Please keep it under 500 characters (it has 501)."),
    ("Refund for a boost", "not-an-email", "That e-mail address does not look right"),
    ("Refund for a boost", "a@", "That e-mail address does not look right"),
])
def test_bad_input_is_explained_and_kept(app, client, site, text, email, message):
    answer = client.post("/feedback/suggest", data={"csrf_token": csrf_token(client, "/feedback/suggest"),
                                                    "text": text, "email": email})

    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and message in page
    assert f'value="{email}"' in page
    assert topics(app) == []


def test_the_honeypot_stores_nothing(app, client, site):
    client.post("/feedback/suggest", data={"csrf_token": csrf_token(client, "/feedback/suggest"),
                                           "text": "Cheap pills", "website": "http://spam.example"})
    assert topics(app) == []


def test_a_lead_moves_a_request_through_its_statuses(app, client, site, staff):
    client.post("/feedback/suggest", data={"csrf_token": csrf_token(client, "/feedback/suggest"),
                                           "text": "Selling a car abroad"})
    lead = app.test_client()
    login(lead, staff["lead"], PASSWORD)
    [topic] = topics(app)

    for status in ("planned", "done"):
        lead.post(f"/feedback/topics/{topic.id}", data={"status": status, "csrf_token": csrf_token(lead, "/feedback/topics")})
        assert topics(app)[0].status == status
    page = lead.get("/feedback/topics?status=done").get_data(as_text=True)
    assert "Selling a car abroad" in page
    assert "Selling a car abroad" not in lead.get("/feedback/topics?status=open").get_data(as_text=True)
