"""The whole escalation in a real browser: an article that did not help → inquiry → reply → confirm → survey."""
import re

import pytest

from app.auth.services import create_user
from app.extensions import db
from app.inquiries.models import Inquiry
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_from_an_unhelpful_article_to_a_confirmed_and_rated_inquiry(browser, live_server, synced_app):
    with synced_app.app_context():
        create_user("lead@example.com", "correct horse battery", role="lead")
    visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    lead = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

    # The visitor searches, reads, says it did not help, and asks.
    visitor.goto(f"{live_server}/search?q=charged+twice")
    visitor.goto(f"{live_server}/articles/charged-twice")
    visitor.click("#feedback button[value=no]")
    visitor.check("#feedback input[value=unsolved]")
    visitor.click("#feedback button:has-text('Send feedback')")
    visitor.click("#feedback a:has-text('Still need help? Contact support')")
    assert "/contact?article=charged-twice" in visitor.url
    visitor.fill("#subject", "Charged twice for one boost")
    visitor.fill("#description", "Two payments of 4.99 on 20 November")
    visitor.wait_for_selector("[data-deflect-box]:not([hidden]) li a")  # articles offered while typing
    visitor.fill("#name", "Ann Example")
    visitor.fill("#email", "ann@example.com")
    visitor.select_option("#user_type", "registered")
    visitor.select_option("#category", "billing")
    visitor.click("main button:has-text('Send inquiry')")
    reference = visitor.locator(".confirmation .reference").inner_text()
    assert re.fullmatch(r"INQ-\d{4}-0001", reference)
    status_url = visitor.url.split("?")[0]

    # The lead sees the context, replies and resolves.
    sign_in(lead, live_server, ("lead@example.com", "correct horse battery"))
    lead.goto(f"{live_server}/staff/inquiries")
    lead.click(f"a:has-text('{reference}')")
    body = lead.locator("main").inner_text()
    assert "charged twice" in body and "I was charged twice or see an unexpected charge" in body
    lead.fill("#reply-body", "We refunded the second payment.")
    lead.click("button:has-text('Send reply')")
    lead.select_option("#status-next", "resolved")
    lead.click("button:has-text('Change status')")
    assert "Resolved" in lead.locator("#status-form").inner_text()

    # The visitor reads the reply, confirms and rates.
    visitor.goto(status_url)
    assert "We refunded the second payment." in visitor.locator("main").inner_text()
    visitor.click("button:has-text(\"Yes, it's solved\")")
    visitor.check("input[name=csat][value='5']")
    visitor.check("input[name=resolved][value=yes]")
    visitor.check("input[name=nps][value='9']")
    visitor.click("button:has-text('Send answers')")
    assert "you rated us 5 out of 5" in visitor.locator("main").inner_text()

    with synced_app.app_context():
        inquiry = db.session.query(Inquiry).one()
        assert inquiry.confirmed_at is not None and inquiry.survey.csat == 5 and inquiry.first_response_at
        assert inquiry.context["vote"]["reason"] == "unsolved" and inquiry.context["searches"] == ["charged twice"]
