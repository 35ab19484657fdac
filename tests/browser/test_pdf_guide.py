"""A reader downloads a category guide from its page in a real browser and gets a usable PDF."""
import re

import pytest

from tests.pdf.conftest import outline, page_texts

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_reader_downloads_the_category_guide(page, live_server, tmp_path):
    page.goto(f"{live_server}/categories/payments-and-billing")
    link = page.get_by_role("link", name="Download this guide (PDF)")
    assert link.is_visible()

    with page.expect_download() as waiting:
        link.click()
    download = waiting.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    assert download.suggested_filename == "payments-and-billing-guide.pdf"
    data = saved.read_bytes()
    texts = page_texts(data)
    assert "Payments & billing" in texts[0]
    assert texts[1].startswith("Contents ")
    entries = re.findall(r"([A-Z][^.]+?)\s*\.{3,}\s*(\d+)", texts[1].removeprefix("Contents "))
    assert len(entries) >= 8  # every article, each with its page number
    marks = outline(data)
    chapters = [(title, number) for depth, title, number in marks if depth == 0 and title != "Contents"]
    assert [title.strip() for title, _ in entries] == [title for title, _ in chapters]
    assert [int(number) for _, number in entries] == [number for _, number in chapters]
    assert page.console_errors == []
