"""The "Was this helpful?" widget in a real browser: with JavaScript, by keyboard, without it, on the FAQ."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from plugins.feedback.models import Vote

pytestmark = [pytest.mark.browser, pytest.mark.slow]

THANKS = "Thanks for your feedback!"
SENT = "Thank you — your feedback was sent."
CONTACT = "Still need help? Contact support"


def votes(app):
    """Every vote row as (article slug, helpful, reason, comment)."""
    with app.app_context():
        rows = db.session.execute(select(Vote).order_by(Vote.id)).scalars().all()
        return [(row.article.slug, row.helpful, row.reason, row.comment) for row in rows]


def watch_loads(page):
    """A list that gets the URL of every document the page loads from now on (a reload included)."""
    seen = []
    page.on("domcontentloaded", lambda loaded: seen.append(loaded.url))
    return seen


def focused(page, selector):
    """True when the focused element matches the CSS selector (or is inside an element that does)."""
    return page.evaluate("s => !!(document.activeElement && document.activeElement.closest(s))", selector)


def test_voting_no_with_javascript_stays_on_the_page(page, live_server, synced_app):
    url = live_server + "/articles/refunds"
    page.goto(url)
    page.evaluate("window.feedbackMarker = 'same page'")
    loads = watch_loads(page)
    widget = page.locator("#feedback")
    reasons = widget.locator("fieldset.feedback-reasons")
    assert not reasons.is_visible()

    with page.expect_request(lambda request: request.method == "POST") as vote:
        widget.get_by_role("button", name="No", exact=True).click()

    assert vote.value.headers.get("x-requested-with") == "fetch"
    reasons.wait_for(state="visible")
    assert widget.get_by_role("status").inner_text() == THANKS
    assert not widget.locator("form.feedback-vote").is_visible()
    assert focused(page, "#feedback fieldset.feedback-reasons")  # the first reason has the focus
    widget.get_by_label("Hard to understand").check()
    widget.get_by_label("Tell us more (optional)").fill("Which step comes first is not clear.")
    widget.get_by_role("button", name="Send feedback").click()

    status = widget.get_by_role("status")
    page.wait_for_function("t => document.querySelector('#feedback [role=status]').textContent === t", arg=SENT)
    assert status.is_visible()
    assert widget.get_by_role("link", name=CONTACT).is_visible()
    assert not widget.locator("form.feedback-followup").is_visible()
    assert loads == [] and page.url == url
    assert page.evaluate("window.feedbackMarker") == "same page"  # no reload
    assert votes(synced_app) == [("refunds", False, "unclear", "Which step comes first is not clear.")]
    assert page.console_errors == []


@pytest.mark.parametrize("key", ["Enter", "Space"])
def test_keyboard_only_vote_and_comment(page, live_server, synced_app, key):
    page.goto(live_server + "/articles/payment-failed")
    loads = watch_loads(page)
    yes = "#feedback button[name=helpful][value=yes]"
    for _ in range(300):
        page.keyboard.press("Tab")
        if focused(page, yes):
            break
    else:
        pytest.fail("Tab never reached the Yes button")

    page.keyboard.press(key)

    page.wait_for_function("() => !!document.activeElement && document.activeElement.matches('#feedback textarea')")
    widget = page.locator("#feedback")
    assert widget.get_by_role("status").inner_text() == THANKS
    assert not widget.locator("fieldset.feedback-reasons").is_visible()  # no reasons after a Yes
    assert widget.get_by_label("Anything you would like to add? (optional)").is_visible()
    page.keyboard.type("Clear steps, thanks.")
    page.keyboard.press("Tab")
    assert focused(page, "#feedback form.feedback-followup button[type=submit]")
    page.keyboard.press(key)

    status = page.locator("#feedback [data-feedback-status]")
    page.wait_for_function("t => document.querySelector('#feedback [data-feedback-status]').textContent === t",
                           arg=SENT)
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    assert focused(page, "#feedback [data-feedback-status]")  # read out, and the keyboard is not lost
    assert not widget.get_by_role("link", name=CONTACT).is_visible()  # only after a No
    assert loads == []
    assert votes(synced_app) == [("payment-failed", True, "", "Clear steps, thanks.")]
    assert page.console_errors == []


def test_without_javascript_the_forms_post_and_come_back(browser, live_server, synced_app):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(live_server + "/articles/refunds")
        widget = page.locator("#feedback")
        assert not widget.locator("form.feedback-followup").is_visible()

        widget.get_by_role("button", name="No", exact=True).click()

        page.wait_for_url(re.compile(re.escape(live_server) + r"/articles/refunds#feedback$"))
        assert page.locator(".flashes").get_by_text(THANKS).is_visible()
        assert not widget.locator("form.feedback-vote").is_visible()
        assert widget.get_by_role("group", name="What went wrong?").is_visible()
        assert widget.locator("form.feedback-followup").is_visible()
        assert votes(synced_app) == [("refunds", False, "", "")]

        widget.get_by_label("Outdated or wrong").check()
        widget.get_by_label("Tell us more (optional)").fill("The fee table is from last year.")
        with page.expect_navigation():
            widget.get_by_role("button", name="Send feedback").click()

        page.wait_for_url(re.compile(r"/articles/refunds#feedback$"))
        assert page.locator(".flashes").get_by_text(SENT).is_visible()
        assert widget.get_by_text(SENT).is_visible()
        contact = widget.get_by_role("link", name=CONTACT)
        assert contact.is_visible() and contact.get_attribute("href")
        assert votes(synced_app) == [("refunds", False, "outdated", "The fee table is from last year.")]

        page.goto(live_server + "/articles/refunds")  # the next visit shows the usual widget again
        assert widget.get_by_role("button", name="Yes", exact=True).is_visible()
    finally:
        context.close()


WIDGET_STATES = """() => [...document.querySelectorAll('[data-feedback]')].map(w => ({
    id: w.id,
    voteHidden: w.querySelector('[data-feedback-vote]').hidden,
    followupHidden: w.querySelector('[data-feedback-followup]').hidden,
    contactHidden: w.querySelector('[data-feedback-contact]').hidden,
    status: w.querySelector('[data-feedback-status]').textContent,
}))"""


def test_faq_vote_changes_only_that_answer(page, live_server, synced_app):
    page.goto(live_server + "/faq")
    page.evaluate("window.feedbackMarker = 'same page'")
    loads = watch_loads(page)
    items = page.locator("details.faq-item")
    assert items.count() >= 3
    first, second = items.nth(0), items.nth(1)
    slug = first.get_attribute("id")
    before = page.evaluate(WIDGET_STATES)
    assert len(before) == items.count()
    first.locator("summary").click()
    widget = first.locator(f"#feedback-{slug}")

    widget.get_by_role("button", name="Yes", exact=True).click()

    widget.get_by_role("status").filter(has_text=THANKS).wait_for()
    assert focused(page, f"#feedback-{slug} textarea")
    after = page.evaluate(WIDGET_STATES)
    assert [state for state in after if state["id"] != f"feedback-{slug}"] == before[1:]
    mine = after[0]
    assert (mine["id"], mine["voteHidden"], mine["followupHidden"], mine["status"]) == \
        (f"feedback-{slug}", True, False, THANKS)
    second.locator("summary").click()
    other = second.locator("[data-feedback]")
    assert other.get_by_role("button", name="Yes", exact=True).is_visible()
    assert other.get_by_role("button", name="No", exact=True).is_visible()
    assert not other.locator("form.feedback-followup").is_visible()
    assert loads == [] and page.evaluate("window.feedbackMarker") == "same page"
    assert votes(synced_app) == [(slug, True, "", "")]
    assert page.console_errors == []
