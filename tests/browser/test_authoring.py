"""A writer drafts an article in Chromium (slug, preview, outline, image upload, autosave, leave warning),
submits it for review, and an editor publishes it to the help center and its search."""
import io
import os
import re

import pytest
from PIL import Image

from app.auth.services import create_user
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WRITER = ("writer@example.com", "writer password 1")
EDITOR = ("editor@example.com", "editor password 1")
TITLE = "Collect parcels from a Quokkabox locker"
BODY = ("Quokkabox lockers keep parcels safe until you collect them.\n\n"
        "## Open the locker\n\n"
        "Scan the code from your confirmation e-mail at the locker screen.\n\n")


def png_bytes():
    """A small real PNG, as a screenshot would be."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 40), (31, 95, 191)).save(buffer, "PNG")
    return buffer.getvalue()


def shot(page, name):
    """Keep a screenshot for a human to look at when TIER0_SHOTS names a folder."""
    folder = os.environ.get("TIER0_SHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.evaluate("() => window.scrollTo(0, 0)")  # the sticky preview sits beside the top of the form
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_a_writer_drafts_with_preview_and_image_and_an_editor_publishes_it(page, live_server, synced_app):
    with synced_app.app_context():
        create_user(WRITER[0], WRITER[1], role="writer")
        create_user(EDITOR[0], EDITOR[1], role="editor")
    page.clock.install()  # time runs as usual; fast_forward below reaches the autosave without waiting for it
    sign_in(page, live_server, WRITER)

    page.goto(f"{live_server}/write/new?kind=article")
    page.click("#title")
    page.keyboard.type(TITLE)
    assert page.input_value("#slug") == "collect-parcels-from-a-quokkabox-locker"
    page.select_option("#category_id", index=1)
    page.fill("#body", BODY)

    # The preview renders the Markdown, the outline lists its heading, the count follows the text.
    page.wait_for_selector("#editor-preview h2:has-text('Open the locker')")
    assert page.locator("#editor-outline li").all_inner_texts() == ["Open the locker"]
    assert re.fullmatch(r"2\d words · about 1 min read", page.inner_text("#editor-word-count"))

    # An image picked with "Add image" lands in the text as Markdown and shows in the preview.
    page.click("#body")
    page.keyboard.press("Control+End")
    page.set_input_files("#editor-upload-input", files=[
        {"name": "locker-screen.png", "mimeType": "image/png", "buffer": png_bytes()}])
    page.wait_for_function("() => /!\\[[^\\]]*\\]\\(\\/uploads\\/[^)]+\\)/.test(document.getElementById('body').value)")
    assert "Uploading" not in page.input_value("#body")
    page.wait_for_function("() => { const i = document.querySelector('#editor-preview img[src^=\"/uploads/\"]');"
                           " return i && i.complete && i.naturalWidth > 0; }")

    page.clock.fast_forward("00:21")
    page.wait_for_function("() => document.getElementById('autosave-status').textContent.startsWith("
                           "'Draft autosaved at')")
    shot(page, "editor")

    # Leaving with unsaved text asks first; staying keeps everything.
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.click(".workspace-nav a:has-text('Content')", no_wait_after=True)
    page.wait_for_function("() => true")  # a round trip, so the dialog handler has run
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/write/new?kind=article") and "Quokkabox" in page.input_value("#body")

    page.click("button:has-text('Save and submit for review')")
    page.wait_for_url(re.compile(r"/write/\d+$"))
    overview_url = page.url
    assert "In review" in page.text_content(".page-header .badge")
    shot(page, "overview-writer")

    page.click("footer button:has-text('Sign out')")
    sign_in(page, live_server, EDITOR)
    page.goto(overview_url)
    shot(page, "overview-editor")
    page.click(".workflow-actions button:has-text('publish')")
    page.wait_for_url(overview_url)
    assert page.text_content(".page-header .badge") == "Published"

    page.goto(f"{live_server}/articles/collect-parcels-from-a-quokkabox-locker")
    assert page.inner_text("main h1") == TITLE
    assert page.locator("main h2:has-text('Open the locker')").count() == 1
    page.wait_for_function("() => { const i = document.querySelector('main img[src^=\"/uploads/\"]');"
                           " return i && i.complete && i.naturalWidth > 0; }")

    page.goto(f"{live_server}/search?q=quokkabox")
    assert page.locator("main a[href^='/articles/collect-parcels-from-a-quokkabox-locker']").count() >= 1
    assert page.console_errors == []
