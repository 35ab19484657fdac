"""Walking "Payment failed" in Chromium with JavaScript on: inline steps, history, the hand-off to support."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.inquiries.models import Inquiry

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SLUG = "payment-failed-troubleshooter"


def answer(page, label, lands_on):
    page.click(f"#tree-player a.tree-option:has-text(\"{label}\")")
    page.wait_for_url(re.compile(re.escape(lands_on) + r"$"))
    page.wait_for_function("document.activeElement && document.activeElement.id === 'tree-node-title'")


def test_three_answers_a_result_that_did_not_help_and_the_contact_form_with_the_path(page, live_server, synced_app):
    page.goto(f"{live_server}/articles/{SLUG}")
    assert page.url == f"{live_server}/troubleshoot/{SLUG}"
    page.evaluate("window.sameDocument = true")  # survives only if the steps load without a page load

    answer(page, "Credit or debit card", f"/troubleshoot/{SLUG}/card-message")
    answer(page, "The payment page froze", f"/troubleshoot/{SLUG}/card-message/history-check")
    answer(page, "The order says Paid", f"/troubleshoot/{SLUG}/card-message/history-check/paid-active")
    assert page.evaluate("window.sameDocument") is True
    assert page.locator(".tree-trail-a").all_inner_texts() == [
        "Credit or debit card", "The payment page froze, or I'm not sure what happened", "The order says Paid"]
    assert "Did this solve your problem?" in page.locator("#tree-player").inner_text()

    # Back and forward move between steps, as links would without JavaScript.
    page.go_back()
    page.wait_for_url(re.compile(r"/history-check$"))
    page.wait_for_selector("#tree-player a.tree-option:has-text('The order says Paid')")
    page.go_forward()
    page.wait_for_url(re.compile(r"/paid-active$"))
    page.wait_for_selector("#tree-player button:has-text('No, contact support')")
    assert page.evaluate("window.sameDocument") is True

    page.click("#tree-player button:has-text('No, contact support')")
    page.wait_for_url(re.compile(r"/contact\?"))
    attached = page.locator(".tree-attached li").all_inner_texts()
    assert len(attached) == 4 and attached[0].endswith("Credit or debit card")
    assert attached[-1].endswith("No, this did not solve it")

    page.fill("#name", "Ann Example")
    page.fill("#email", "ann@example.com")
    page.select_option("#user_type", "registered")
    page.select_option("#category", "billing")
    page.fill("#subject", "Upgrade paid but not working")
    page.fill("#description", "Payment history says Paid, the boost is not visible.")
    page.click("main button:has-text('Send inquiry')")
    page.wait_for_selector(".confirmation .reference")
    with synced_app.app_context():
        inquiry = db.session.execute(select(Inquiry)).scalar_one()
        steps = inquiry.context["tree_path"]
    assert [step["answer"] for step in steps] == [
        "Credit or debit card", "The payment page froze, or I'm not sure what happened", "The order says Paid",
        "No, this did not solve it"]
    assert page.console_errors == []


def test_the_trail_and_start_over_work_inline(page, live_server, synced_app):
    page.goto(f"{live_server}/troubleshoot/{SLUG}")
    answer(page, "PayPal", f"/troubleshoot/{SLUG}/paypal-check")
    answer(page, "No, still not working", f"/troubleshoot/{SLUG}/paypal-check/other-method")
    page.click(".tree-trail li:nth-child(2) a")  # back to the step answered "No, still not working", to change it
    page.wait_for_url(re.compile(r"/paypal-check$"))
    assert page.locator(".tree-trail-a").all_inner_texts() == ["PayPal"]
    page.click(".tree-restart a:has-text('Start over')")
    page.wait_for_url(re.compile(rf"/troubleshoot/{SLUG}$"))
    assert page.locator(".tree-trail").count() == 0
    assert page.console_errors == []
