"""The editor: troubleshooter trees checked node by node, tutorials' settings, live preview and autosave."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.kb.models import Article
from tests.authoring.conftest import editor_form, sign_in
from tests.helpers import csrf_token

GOOD_TREE = """\
start: power
nodes:
  - id: power
    type: question
    text: Does the zebraphone light up?
    options:
      - label: "Yes"
        next: fixed
      - label: "No"
        next: charge
  - id: charge
    type: step
    text: Charge it for an hour.
    fixed: fixed
    not_fixed: call-us
  - id: fixed
    type: solution
    text: Enjoy your zebraphone.
    outcome: solved
  - id: call-us
    type: solution
    text: We will look at it.
    outcome: escalate
"""
BROKEN_TREE = GOOD_TREE.replace("next: charge", "next: chrage").replace("outcome: escalate", "outcome: maybe")


def create(client, kind, title, body, category_id, action="save", **extra):
    form = editor_form(client, f"/write/new?kind={kind}")
    form.update({"title": title, "category_id": str(category_id), "body": body, "action": action})
    form.update(extra)
    return client.post(f"/write/new?kind={kind}", data=form)


def test_a_broken_tree_is_saved_as_a_draft_with_each_problem_next_to_its_node(app, staff, category_id):
    writer = sign_in(app, "writer")
    response = create(writer, "troubleshooter", "Zebraphone is dead", BROKEN_TREE, category_id)
    assert response.status_code == 302
    with app.app_context():
        article = db.session.execute(select(Article)).scalar_one()
        assert article.kind == "troubleshooter" and article.status == "draft"
        article_id = article.id
    page = writer.get(f"/write/{article_id}/edit").get_data(as_text=True)
    power = page[page.index("<code>power</code>"):page.index("<code>charge</code>")]
    assert "chrage" in power and 'class="tree-problem"' in power
    call_us = page[page.index("<code>call-us</code>"):]
    assert "unknown outcome" in call_us and "maybe" in call_us

    submitted = writer.post(f"/write/{article_id}/submit", data={"csrf_token": csrf_token(writer, "/write/")})
    assert "The tree has problems to fix first" in writer.get(submitted.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Article, article_id).status == "draft"


def test_a_sound_tree_is_published_and_the_player_walks_it(app, staff, category_id):
    writer = sign_in(app, "writer")
    create(writer, "troubleshooter", "Zebraphone is dead", GOOD_TREE, category_id, action="submit")
    editor = sign_in(app, "editor")
    with app.app_context():
        article_id = db.session.execute(select(Article.id)).scalar_one()
    editor.post(f"/write/{article_id}/publish", data={"csrf_token": csrf_token(editor, "/write/")})
    visitor = app.test_client()
    start = visitor.get("/troubleshoot/zebraphone-is-dead", follow_redirects=True)
    assert start.status_code == 200 and "Does the zebraphone light up?" in start.get_data(as_text=True)


def test_the_preview_of_a_tree_lists_the_nodes_and_their_problems(app, staff):
    writer = sign_in(app, "writer")
    response = writer.post("/write/preview", data={"csrf_token": csrf_token(writer, "/write/"),
                                                    "kind": "troubleshooter", "title": "T", "body": BROKEN_TREE})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "problems to fix before this troubleshooter can be published" in html and "line 3" in html
    bad_yaml = writer.post("/write/preview", data={"csrf_token": csrf_token(writer, "/write/"),
                                                   "kind": "troubleshooter", "title": "T", "body": "nodes: [unclosed"})
    assert "Bad YAML" in bad_yaml.get_data(as_text=True)


@pytest.mark.parametrize("body, present, absent", [
    ("## Steps\n\nClick **Save**.", ["<h2", "<strong>Save</strong>"], []),
    ("<script>alert(1)</script>Hi", ["Hi"], ["<script>alert(1)"]),
    ("[x](javascript:alert(1))", [], ["javascript:"]),
    ("<img src=x onerror=alert(1)>", [], ["onerror"]),
    ("![Shot](/uploads/abc/shot.png)", ['src="/uploads/abc/shot.png"'], []),
])
def test_the_preview_renders_like_the_public_page_and_sanitizes(app, staff, body, present, absent):
    writer = sign_in(app, "writer")
    html = writer.post("/write/preview", data={"csrf_token": csrf_token(writer, "/write/"), "kind": "article",
                                               "title": "T", "body": body}).get_data(as_text=True)
    for text in present:
        assert text in html
    for text in absent:
        assert text not in html


def test_a_tutorial_keeps_its_settings_and_steps(app, staff, category_id):
    writer = sign_in(app, "writer")
    body = "Intro.\n\n## Unbox it\n\nOpen the box.\n\n## Switch it on\n\nPress the button.\n"
    response = create(writer, "tutorial", "Set up a zebraphone", body, category_id, duration="5 minutes",
                      difficulty="beginner", prerequisites="A zebraphone\nA charger")
    assert response.status_code == 302
    with app.app_context():
        revision = db.session.execute(select(Article)).scalar_one().current_revision
        assert revision.meta == {"time": "5 minutes", "difficulty": "beginner",
                                 "prerequisites": ["A zebraphone", "A charger"]}
    bad = create(writer, "tutorial", "Another", body, category_id, difficulty="impossible")
    assert bad.status_code == 400 and "Choose one of: beginner" in bad.get_data(as_text=True)
    preview = writer.post("/write/preview", data={"csrf_token": csrf_token(writer, "/write/"), "kind": "tutorial",
                                                  "title": "Set up", "body": body}).get_data(as_text=True)
    assert "Step 2 of 2" in preview and "Switch it on" in preview


def test_autosave_keeps_unsaved_text_for_the_writer_to_restore_or_discard(app, staff, category_id):
    writer = sign_in(app, "writer")
    form = editor_form(writer, "/write/new?kind=article")
    response = writer.post("/write/new/autosave?kind=article", data=dict(form, title="Half done",
                                                                          body="Words I must not lose."))
    assert response.status_code == 200 and response.get_json()["saved_at"].endswith("UTC")
    page = writer.get("/write/new?kind=article").get_data(as_text=True)
    assert "You have unsaved changes" in page and "Words I must not lose." not in page
    restored = writer.get("/write/new?kind=article&restore=1").get_data(as_text=True)
    assert "Words I must not lose." in restored and "Half done" in restored

    # Another writer never sees it.
    editor = sign_in(app, "editor")
    assert "You have unsaved changes" not in editor.get("/write/new?kind=article").get_data(as_text=True)

    writer.post("/write/autosave/discard", data={"csrf_token": csrf_token(writer, "/write/"), "slot": "new:article"})
    assert "You have unsaved changes" not in writer.get("/write/new?kind=article").get_data(as_text=True)


def test_saving_clears_the_autosave(app, staff, category_id):
    writer = sign_in(app, "writer")
    form = editor_form(writer, "/write/new?kind=faq")
    writer.post("/write/new/autosave?kind=faq", data=dict(form, title="Q", body="A"))
    create(writer, "faq", "Can I pay later?", "Yes, with an invoice.", category_id)
    assert "You have unsaved changes" not in writer.get("/write/new?kind=faq").get_data(as_text=True)


@pytest.mark.parametrize("kind", ["article", "faq", "tutorial", "troubleshooter"])
def test_every_kind_has_an_editor_with_a_starter_text(app, staff, kind):
    page = sign_in(app, "writer").get(f"/write/new?kind={kind}")
    assert page.status_code == 200 and 'id="editor-form"' in page.get_data(as_text=True)


def test_an_unknown_kind_is_not_found(app, staff):
    assert sign_in(app, "writer").get("/write/new?kind=poem").status_code == 404


def test_the_content_list_filters_by_state_and_words(app, staff, category_id):
    writer = sign_in(app, "writer")
    create(writer, "article", "Pair a zebraphone", "Text.", category_id)
    create(writer, "faq", "Can I pay later?", "Yes.", category_id, action="submit")
    assert "Pair a zebraphone" in writer.get("/write/?state=draft").get_data(as_text=True)
    in_review = writer.get("/write/?state=in_review").get_data(as_text=True)
    assert "Can I pay later?" in in_review and "Pair a zebraphone" not in in_review
    found = writer.get("/write/?q=zebra").get_data(as_text=True)
    assert "Pair a zebraphone" in found and "Can I pay later?" not in found
