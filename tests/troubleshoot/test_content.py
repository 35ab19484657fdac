"""Trees as content: sync with validation messages, export round trip, the default troubleshooters, search."""
from collections import deque

import pytest
import yaml
from sqlalchemy import select

from app.extensions import db
from app.kb import services as kb_services
from app.kb.models import Article
from app.kb.sync import export_directory, read_directory, sync_directory
from app.search import indexing
from app.search import services as search_services
from app.troubleshoot.tree import load_tree
from tests.helpers import CONTENT_DIR
from tests.troubleshoot.conftest import ROUTER_TREE, make_content

BROKEN = ROUTER_TREE.replace("next: plug", "next: plugg").replace("  - id: broken\n", "  - id: cable\n")


def test_a_writer_sees_every_problem_of_a_broken_tree_named_by_node(runner, tmp_path):
    folder = make_content(tmp_path / "content", BROKEN, "router.tree.yml")
    result = runner.invoke(args=["kb", "sync", str(folder)])

    assert result.exit_code == 1
    output = result.output
    assert "failed: network/router.tree.yml: invalid troubleshooter" in output
    assert '"plugg"' in output and '"cable"' in output  # the unknown target and the duplicate id, by name
    assert "created: 1" in output  # the manual next to it was still imported
    with runner.app.app_context():
        assert kb_services.get_article("router") is None


def test_fixing_the_file_and_syncing_again_publishes_it(runner, tmp_path):
    folder = make_content(tmp_path / "content", BROKEN)
    assert runner.invoke(args=["kb", "sync", str(folder)]).exit_code == 1
    (folder / "network/router.tree.yml").write_text(ROUTER_TREE)
    result = runner.invoke(args=["kb", "sync", str(folder)])
    assert result.exit_code == 0, result.output
    assert runner.app.test_client().get("/troubleshoot/router").status_code == 200


def test_troubleshoot_check_validates_files_without_importing(runner, tmp_path):
    good = make_content(tmp_path / "good")
    bad = make_content(tmp_path / "bad", BROKEN)
    ok = runner.invoke(args=["troubleshoot", "check", str(good)])
    assert ok.exit_code == 0 and "ok (Router will not connect)" in ok.output
    failed = runner.invoke(args=["troubleshoot", "check", str(bad)])
    assert failed.exit_code == 1 and "plugg" in failed.output and "checked: 1, with problems: 1" in failed.output
    with runner.app.app_context():
        assert db.session.execute(select(Article)).first() is None


def test_the_default_content_passes_the_check(runner):
    result = runner.invoke(args=["troubleshoot", "check"])
    assert result.exit_code == 0, result.output
    assert "checked: 4, with problems: 0" in result.output


@pytest.mark.parametrize("text, message", [
    ("title: T\nnodes: []\n", "node"),
    ("title: T\nnodes:\n  - id: a\n    type: question\n    text: Q\n    options: []\n", '"a"'),
    ("title: [unclosed\n", "bad YAML"),
    ("- just\n- a list\n", "mapping"),
    ("title: T\nkind: article\nnodes: []\n", "always a troubleshooter"),
])
def test_unreadable_tree_files_fail_with_a_reason(tmp_path, text, message):
    folder = make_content(tmp_path / "content", text, "t.tree.yml")
    plan = read_directory(folder)
    (failure,) = [reason for path, reason in plan.failed if path.endswith("t.tree.yml")]
    assert message in failure


def test_a_tree_stored_in_a_revision_exports_and_syncs_back_unchanged(app, tmp_path):
    with app.app_context():
        sync_directory(make_content(tmp_path / "content"))
        export_directory(tmp_path / "exported")
        exported = (tmp_path / "exported/network/router.tree.yml").read_text()
        again = sync_directory(tmp_path / "exported")
    data = yaml.safe_load(exported)
    assert data["title"] == "Router will not connect" and data["start"] == "lights" and len(data["nodes"]) == 8
    assert again.unchanged == ["router-manual", "router"] or sorted(again.unchanged) == ["router", "router-manual"]


def test_an_edited_tree_gets_a_new_revision_and_the_old_one_is_kept(app, tmp_path):
    folder = make_content(tmp_path / "content")
    with app.app_context():
        sync_directory(folder)
        (folder / "network/router.tree.yml").write_text(ROUTER_TREE.replace("Which light is on?", "Which LED is lit?"))
        report = sync_directory(folder)
        article = kb_services.get_article("router")
        assert report.updated == ["router"] and len(article.revisions) == 2
        assert "Which LED is lit?" in article.published_revision.body
        assert "Which light is on?" in article.revisions[0].body


def _escalate_path(tree):
    """A loop-free path of node ids from the start to an 'escalate' solution (breadth first), or None."""
    queue = deque([[tree.start]])
    while queue:
        path = queue.popleft()
        node = tree.node(path[-1])
        if node.type == "solution" and node.outcome == "escalate":
            return path
        queue.extend(path + [o.target] for o in node.options if o.target not in path)
    return None


def test_the_default_troubleshooters_are_big_enough_and_can_reach_support(synced_app):
    with synced_app.app_context():
        trees = {a.slug: load_tree(a.published_revision.body) for a in synced_app_troubleshooters()}
    assert set(trees) >= {"payment-failed-troubleshooter", "cannot-log-in", "ad-not-visible-or-rejected",
                          "photo-upload-fails"}
    for slug, tree in trees.items():
        assert len(tree.nodes) >= 8, slug
        assert _escalate_path(tree), slug
        assert {"question", "step", "solution"} <= {node.type for node in tree.nodes.values()}, slug


def synced_app_troubleshooters():
    return db.session.execute(select(Article).where(Article.kind == "troubleshooter")).scalars().all()


def test_troubleshooters_are_found_by_words_inside_their_steps_and_carry_their_badge(app, tmp_path):
    with app.app_context():
        sync_directory(make_content(tmp_path / "content"))
        indexing.reindex_all(app)
        outcome = search_services.search("grey cable socket")
        assert outcome.results and outcome.results[0].article.slug == "router"
    html = app.test_client().get("/search?q=grey+cable+socket").get_data(as_text=True)
    assert '<span class="badge badge-troubleshooter">Troubleshooter</span>' in html
