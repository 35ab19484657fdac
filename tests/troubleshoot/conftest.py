"""A small content folder with one troubleshooter (8 nodes, a loop with an exit) and the article it links to."""
import pytest

from app.kb.sync import sync_directory
from tests.helpers import article_file, write

ROUTER_TREE = """
title: Router will not connect
summary: Get your router back online.
tags: [network, router]
start: lights
nodes:
  - id: lights
    type: question
    text: Which light is on?
    options:
      - label: Green
        next: restart
      - label: Red
        next: cable
      - label: No light at all
        next: power
  - id: restart
    type: step
    text: Restart the router and wait **two minutes**.
    fixed: fixed
    not_fixed: cable
  - id: cable
    type: step
    text: Check that the grey cable clicks into the socket.
    fixed: fixed
    not_fixed: provider
  - id: power
    type: question
    text: Is the power cable plugged in?
    options:
      - label: It is plugged in
        next: broken
      - label: It is not
        next: plug
  - id: plug
    type: step
    text: Plug it in and switch it on.
    fixed: fixed
    not_fixed: lights
  - id: provider
    type: solution
    outcome: escalate
    text: Your provider may have an outage. Tell us your customer number.
  - id: broken
    type: solution
    outcome: escalate
    text: The router may be broken.
  - id: fixed
    type: solution
    outcome: solved
    text: Glad it works again.
    articles: [router-manual, no-such-article]
"""


def make_content(root, tree=ROUTER_TREE, name="router.tree.yml"):
    """A content folder: category 'network' with the router troubleshooter and a manual article."""
    write(root, "network/_category.yml", "title: Network\n")
    write(root, "network/router-manual.md", article_file("Router manual", "How the router works."))
    write(root, f"network/{name}", tree)
    return root


@pytest.fixture
def tree_app(app, tmp_path):
    """The app with the router troubleshooter (slug 'router') imported."""
    with app.app_context():
        report = sync_directory(make_content(tmp_path / "content"))
        assert not report.failed, report.failed
    return app
