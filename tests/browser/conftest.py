"""A live server and Debian's Chromium driven by Playwright."""
import os
import threading

import pytest
from werkzeug.serving import make_server

from tests.helpers import require_service

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def sign_in(page, base, who):
    """Sign in through the staff login form as ``who`` = (e-mail, password)."""
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("main button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def live_server(synced_app):
    """The synced app served over HTTP from a background thread."""
    server = make_server("127.0.0.1", 0, synced_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium (never Playwright's own download)."""
    path = os.environ.get("TIER0_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(path):
        require_service(f"chromium not found at {path} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors (CSP violations included)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()
