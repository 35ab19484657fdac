"""A visitor clicking through the help center in a real browser."""
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_search_from_home_and_open_an_article(page, live_server):
    page.goto(live_server + "/")
    assert page.get_by_role("heading", name="How can we help?").is_visible()
    assert page.locator(".category-card").count() == 6

    page.get_by_label("Search the help center").fill("refund")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/search\?q=refund"))
    page.get_by_role("link", name="Refunds for upgrades").click()

    page.wait_for_url(re.compile(re.escape(live_server) + r"/articles/refunds(\?.*)?$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Refunds for upgrades")
    assert page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Payments & billing").is_visible()
    assert page.console_errors == []


def test_table_of_contents_jumps_to_the_section(page, live_server):
    page.goto(live_server + "/articles/payment-failed")
    toc = page.locator(".toc-side")
    first = toc.locator("a").first
    anchor = first.get_attribute("href")

    first.click()

    assert page.url.endswith(anchor)
    assert page.locator(anchor).is_visible()


def test_faq_link_opens_that_answer_under_the_content_security_policy(page, live_server):
    page.goto(live_server + "/faq#how-long-does-ad-review-take")

    answer = page.locator("details#how-long-does-ad-review-take")
    page.wait_for_function("document.getElementById('how-long-does-ad-review-take').open === true")
    assert answer.locator(".prose").is_visible()
    assert page.locator("details#is-posting-an-ad-free").get_attribute("open") is None
    assert page.console_errors == []


def test_opening_a_question_puts_its_anchor_in_the_address(page, live_server):
    page.goto(live_server + "/faq")

    page.get_by_text("Is posting an ad free?").click()

    page.wait_for_function("location.hash === '#is-posting-an-ad-free'")


def test_keyboard_users_can_skip_to_the_content(page, live_server):
    page.goto(live_server + "/articles/post-an-ad")

    page.keyboard.press("Tab")

    assert page.evaluate("document.activeElement.textContent") == "Skip to content"


def test_small_screens_get_the_inline_table_of_contents(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server + "/articles/payment-failed")

    assert page.locator(".toc-inline").is_visible()
    assert not page.locator(".toc-side").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


def test_unknown_page_offers_search(page, live_server):
    response = page.goto(live_server + "/articles/does-not-exist")

    assert response.status == 404
    assert page.get_by_label("Search for what you were looking for").is_visible()
