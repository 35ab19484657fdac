"""Search as you type: titles appear under the search box and the keyboard can pick one."""
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def suggestions_for(page, live_server, text, label="Search the help center"):
    """Open the home page, type text into the search box and wait for the list; returns (box, listbox)."""
    page.goto(live_server + "/")
    box = page.get_by_role("combobox", name=label)
    box.press_sequentially(text)
    listbox = page.get_by_role("listbox")
    listbox.wait_for(state="visible")
    return box, listbox


def test_typing_shows_matching_titles(page, live_server):
    box, listbox = suggestions_for(page, live_server, "pay")

    options = listbox.get_by_role("option")
    assert 1 <= options.count() <= 5
    assert any("pay" in text.lower() for text in options.all_inner_texts())
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-controls") == listbox.get_attribute("id")
    assert page.console_errors == []


def test_one_character_shows_nothing(page, live_server):
    page.goto(live_server + "/")
    box = page.get_by_role("combobox", name="Search the help center")

    box.press_sequentially("p")
    page.wait_for_timeout(500)  # longer than the typing delay and a local round trip

    assert not page.get_by_role("listbox").is_visible()
    assert box.get_attribute("aria-expanded") == "false"


def test_arrow_down_and_enter_open_the_article(page, live_server):
    box, listbox = suggestions_for(page, live_server, "pay")

    box.press("ArrowDown")
    first = listbox.get_by_role("option").first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    box.press("Enter")

    page.wait_for_url(re.compile(re.escape(live_server) + r"/(articles|troubleshoot)/[a-z0-9-]+$"))  # "Payment failed" is a troubleshooter
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.console_errors == []


def test_clicking_a_suggestion_opens_the_article(page, live_server):
    _, listbox = suggestions_for(page, live_server, "refunds for")

    listbox.get_by_role("option", name="Refunds for upgrades").click()

    page.wait_for_url(live_server + "/articles/refunds")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Refunds for upgrades")


def test_escape_closes_the_list_and_keeps_the_text(page, live_server):
    box, listbox = suggestions_for(page, live_server, "pay")

    box.press("Escape")

    assert not listbox.is_visible()
    assert box.get_attribute("aria-expanded") == "false"
    assert box.input_value() == "pay"
    assert page.console_errors == []


def test_enter_without_a_choice_submits_the_search(page, live_server):
    box, _ = suggestions_for(page, live_server, "refund")

    box.press("Enter")

    page.wait_for_url(re.compile(r"/search\?q=refund$"))


def test_leaving_the_field_closes_the_list(page, live_server):
    _, listbox = suggestions_for(page, live_server, "pay")

    page.get_by_role("heading", name="How can we help?").click()

    listbox.wait_for(state="hidden")


def test_header_search_suggests_on_article_pages(page, live_server):
    page.goto(live_server + "/articles/refunds")
    box = page.get_by_role("combobox", name="Search the help center")

    box.press_sequentially("pay")

    page.get_by_role("listbox").wait_for(state="visible")
    assert page.get_by_role("option").count() >= 1
    assert page.console_errors == []


def test_search_still_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")

    page.get_by_label("Search the help center").fill("refund")
    page.get_by_role("button", name="Search").click()

    page.wait_for_url(re.compile(r"/search\?q=refund$"))
    context.close()
