"""Writing, reviewing and publishing through the workspace pages, as writers and editors do it."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.authoring import workflow
from app.authoring.models import AuditEvent
from app.extensions import db
from app.kb.models import Article, Redirect, utcnow
from tests.authoring.conftest import editor_form, sign_in
from tests.helpers import csrf_token

BODY = "Open **Settings** and choose Zebraphone.\n\n## Check the cable\n\nIt must click into place.\n"


def new_article(client, category, title="Pair a zebraphone", body=BODY, action="save", kind="article", **extra):
    """Create an article through the editor form; returns the response."""
    form = editor_form(client, f"/write/new?kind={kind}")
    form.update({"title": title, "slug": "", "summary": "Pairing in two steps.", "category_id": str(category),
                 "body": body, "tags": "pairing, devices", "action": action})
    form.update(extra)
    return client.post(f"/write/new?kind={kind}", data=form)


def article_by_slug(app, slug):
    with app.app_context():
        return db.session.execute(select(Article).filter_by(slug=slug)).scalar_one()


def edit(client, article_id, **fields):
    """Post the editor form of an article as it is shown, with some fields changed."""
    from app.authoring.forms import form_values

    form = editor_form(client, f"/write/{article_id}/edit")
    with client.application.app_context():
        article = db.session.get(Article, article_id)
        values = form_values(article, article.current_revision)
    form.update({key: ("" if value is None else value) for key, value in values.items() if key != "related"})
    form["related"] = [str(i) for i in values["related"]]
    form.update(fields)
    form.setdefault("action", "save")
    return client.post(f"/write/{article_id}/edit", data=form)


def post(client, url, **fields):
    """POST a workflow step with the CSRF token of the article page."""
    return client.post(url, data={"csrf_token": csrf_token(client, "/write/"), **fields})


@pytest.fixture
def published(app, staff, category_id):
    """A published article written by the writer and published by the editor; returns its id."""
    writer = sign_in(app, "writer")
    assert new_article(writer, category_id).status_code == 302
    article_id = article_by_slug(app, "pair-a-zebraphone").id
    editor = sign_in(app, "editor")
    assert post(editor, f"/write/{article_id}/publish").status_code == 302
    return article_id


def test_a_writer_drafts_an_editor_reviews_and_the_site_and_search_show_it_at_once(app, staff, category_id):
    writer = sign_in(app, "writer")
    response = new_article(writer, category_id, action="submit")
    article = article_by_slug(app, "pair-a-zebraphone")
    assert response.headers["Location"].endswith(f"/write/{article.id}")
    assert article.status == "in_review"
    visitor = app.test_client()
    assert visitor.get("/articles/pair-a-zebraphone").status_code == 404
    assert "Pair a zebraphone" not in visitor.get("/search?q=zebraphone").get_data(as_text=True)

    editor = sign_in(app, "editor")
    overview = editor.get(f"/write/{article.id}").get_data(as_text=True)
    assert "Approve and publish" in overview and "Request changes" in overview and "Review the changes" in overview
    review = editor.get(f"/write/{article.id}/diff?from=0&to={article.current_revision_id}").get_data(as_text=True)
    assert "The whole text of" in review and "Check the cable" in review and 'class="diff-added' in review
    assert post(editor, f"/write/{article.id}/publish").status_code == 302

    page = visitor.get("/articles/pair-a-zebraphone")
    assert page.status_code == 200 and "Check the cable" in page.get_data(as_text=True)
    assert "Pair a zebraphone" in visitor.get("/search?q=zebraphone").get_data(as_text=True)
    with app.app_context():
        actions = db.session.execute(select(AuditEvent.action).where(AuditEvent.article_id == article.id)
                                     .order_by(AuditEvent.id)).scalars().all()
    assert actions == ["created", "submitted", "published"]


def test_request_changes_sends_it_back_with_the_comment_shown_to_the_writer(app, staff, category_id):
    writer = sign_in(app, "writer")
    new_article(writer, category_id, action="submit")
    article_id = article_by_slug(app, "pair-a-zebraphone").id
    editor = sign_in(app, "editor")

    refused = post(editor, f"/write/{article_id}/request-changes", comment="   ")
    assert article_by_slug(app, "pair-a-zebraphone").status == "in_review"
    assert "Say what should change" in editor.get(refused.headers["Location"]).get_data(as_text=True)

    post(editor, f"/write/{article_id}/request-changes", comment="Add a photo of the cable, please.")
    assert article_by_slug(app, "pair-a-zebraphone").status == "draft"
    page = writer.get(f"/write/{article_id}").get_data(as_text=True)
    assert "Changes requested" in page and "Add a photo of the cable, please." in page
    assert "Submit for review" in page


def test_a_staged_edit_leaves_the_published_text_live_until_it_is_published(app, staff, published):
    writer = sign_in(app, "writer")
    response = edit(writer, published, body=BODY + "\n## Reset the zebraphone\n\nHold the button.\n",
                    note="Add reset step")
    assert response.status_code == 302
    visitor = app.test_client()
    assert "Reset the zebraphone" not in visitor.get("/articles/pair-a-zebraphone").get_data(as_text=True)
    article = article_by_slug(app, "pair-a-zebraphone")
    assert article.is_public and article.edit_status == "draft"
    assert article.current_revision_id != article.published_revision_id

    post(writer, f"/write/{published}/submit")
    assert article_by_slug(app, "pair-a-zebraphone").edit_status == "in_review"
    assert visitor.get("/articles/pair-a-zebraphone").status_code == 200  # still live while in review

    editor = sign_in(app, "editor")
    post(editor, f"/write/{published}/publish")
    assert "Reset the zebraphone" in visitor.get("/articles/pair-a-zebraphone").get_data(as_text=True)
    article = article_by_slug(app, "pair-a-zebraphone")
    assert article.current_revision_id == article.published_revision_id and article.staged_status is None


def test_renaming_a_published_article_leaves_a_redirect(app, staff, published):
    writer = sign_in(app, "writer")
    assert edit(writer, published, slug="pair-your-zebraphone").status_code == 302
    visitor = app.test_client()
    old = visitor.get("/articles/pair-a-zebraphone")
    assert old.status_code == 301 and old.headers["Location"].endswith("/articles/pair-your-zebraphone")
    assert visitor.get("/articles/pair-your-zebraphone").status_code == 200
    with app.app_context():
        assert db.session.execute(select(Redirect.old_slug)).scalars().all() == ["pair-a-zebraphone"]


def test_renaming_a_never_published_draft_leaves_no_redirect(app, staff, category_id):
    writer = sign_in(app, "writer")
    new_article(writer, category_id)
    article_id = article_by_slug(app, "pair-a-zebraphone").id
    edit(writer, article_id, slug="zebraphone-pairing")
    with app.app_context():
        assert db.session.execute(select(Redirect)).first() is None


@pytest.mark.parametrize("field, value, message", [
    ("title", "", "Give the article a title."),
    ("slug", "Not A Slug!", "Use lowercase letters, digits and hyphens"),
    ("category_id", "999", "Choose a category."),
    ("body", "   ", "Write the text before saving."),
    ("review_by", "next tuesday", "Use a date like 2026-12-31."),
])
def test_bad_input_is_refused_with_a_message_and_the_text_kept(app, staff, category_id, field, value, message):
    writer = sign_in(app, "writer")
    response = new_article(writer, category_id, body="My careful paragraph about zebraphones.", **{field: value}) \
        if field not in ("title", "body") else new_article(writer, category_id, **{field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    if field != "body":
        assert "zebraphone" in page.lower()  # nothing the writer typed is lost
    with app.app_context():
        assert db.session.execute(select(Article)).first() is None


def test_a_slug_taken_by_another_article_or_its_old_address_is_refused(app, staff, published, category_id):
    writer = sign_in(app, "writer")
    response = new_article(writer, category_id, title="Pair a zebraphone")
    assert response.status_code == 400 and "Another article already uses this address" in response.get_data(as_text=True)
    edit(writer, published, slug="pair-your-zebraphone")
    response = new_article(writer, category_id, title="Pair a zebraphone")
    assert response.status_code == 400 and "old address of" in response.get_data(as_text=True)


def test_the_second_of_two_concurrent_saves_is_refused_and_keeps_its_text(app, staff, published):
    alice = sign_in(app, "writer")
    bob = sign_in(app, "editor")
    alice_form = editor_form(alice, f"/write/{published}/edit")
    bob_form = editor_form(bob, f"/write/{published}/edit")
    assert alice_form["base_revision_id"] == bob_form["base_revision_id"]

    first = dict(alice_form, title="Pair a zebraphone", slug="pair-a-zebraphone", category_id="1",
                 body="Alice's version.", action="save")
    with app.app_context():
        first["category_id"] = str(db.session.get(Article, published).category_id)
    assert alice.post(f"/write/{published}/edit", data=first).status_code == 302

    second = dict(first, csrf_token=bob_form["csrf_token"], body="Bob's careful version.")
    response = bob.post(f"/write/{published}/edit", data=second)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed by Writer at" in page and "Bob&#39;s careful version." in page
    article = article_by_slug(app, "pair-a-zebraphone")
    with app.app_context():
        assert db.session.get(Article, published).current_revision.body == "Alice's version."

    # Having seen the other change, Bob may deliberately save on top of it.
    import re
    conflict_id = re.search(r'name="conflict_revision_id" value="(\d+)"', page).group(1)
    again = dict(second, action="save_over", conflict_revision_id=conflict_id)
    assert bob.post(f"/write/{published}/edit", data=again).status_code == 302
    with app.app_context():
        current = db.session.get(Article, published).current_revision
        assert current.body == "Bob's careful version." and current.id != article.current_revision_id


def test_two_saves_from_the_same_base_in_the_service_layer_cannot_both_win(app, staff, published):
    with app.app_context():
        article = db.session.get(Article, published)
        base = article.current_revision_id
        draft = workflow.Draft(title="Pair a zebraphone", slug=article.slug, body="First.",
                               category_id=article.category_id)
        workflow.save_draft(article, draft, base, None)
        db.session.commit()
        draft.body = "Second."
        with pytest.raises(workflow.EditConflict):
            workflow.save_draft(db.session.get(Article, published), draft, base, None)
        assert db.session.get(Article, published).current_revision.body == "First."


def test_restoring_an_old_revision_makes_it_a_new_staged_draft(app, staff, published):
    writer = sign_in(app, "writer")
    edit(writer, published, body="A worse text.")
    with app.app_context():
        first = db.session.get(Article, published).published_revision_id
    response = post(writer, f"/write/{published}/revisions/{first}/restore")
    assert response.status_code == 302
    with app.app_context():
        article = db.session.get(Article, published)
        assert article.current_revision.body == BODY and article.current_revision_id > first
        assert "Restored from the revision" in article.current_revision.note
        assert article.has_staged_edit and article.edit_status == "draft"
    history = writer.get(f"/write/{published}/history").get_data(as_text=True)
    assert history.count('name="to"') == 3


def test_the_diff_page_shows_what_changed_between_two_revisions(app, staff, published):
    writer = sign_in(app, "writer")
    edit(writer, published, body=BODY.replace("click into place", "snap firmly into place"))
    article = article_by_slug(app, "pair-a-zebraphone")
    page = writer.get(f"/write/{published}/diff?from={article.published_revision_id}"
                      f"&to={article.current_revision_id}").get_data(as_text=True)
    assert "<del>click</del>" in page and "<ins>snap firmly</ins>" in page
    reversed_order = writer.get(f"/write/{published}/diff?from={article.current_revision_id}"
                                f"&to={article.published_revision_id}")
    assert reversed_order.status_code == 302
    assert writer.get(f"/write/{published}/diff?from=1").status_code == 400
    assert writer.get(f"/write/{published}/diff?from=1&to=9999").status_code == 404


def test_unpublish_and_archive_take_it_off_the_site_and_out_of_search(app, staff, published):
    editor = sign_in(app, "editor")
    visitor = app.test_client()
    post(editor, f"/write/{published}/unpublish")
    assert visitor.get("/articles/pair-a-zebraphone").status_code == 404
    assert "Pair a zebraphone" not in visitor.get("/search?q=zebraphone").get_data(as_text=True)
    post(editor, f"/write/{published}/publish")
    assert visitor.get("/articles/pair-a-zebraphone").status_code == 200
    post(editor, f"/write/{published}/archive")
    assert visitor.get("/articles/pair-a-zebraphone").status_code == 404
    assert article_by_slug(app, "pair-a-zebraphone").status == "archived"


def test_scheduled_publishing_happens_when_its_time_comes(app, staff, category_id):
    writer = sign_in(app, "writer")
    new_article(writer, category_id)
    article_id = article_by_slug(app, "pair-a-zebraphone").id
    editor = sign_in(app, "editor")
    past = post(editor, f"/write/{article_id}/schedule", what="publish", when="2001-01-01T09:00")
    assert "Choose a time in the future" in editor.get(past.headers["Location"]).get_data(as_text=True)
    when = (utcnow() + timedelta(hours=2)).replace(second=0, microsecond=0)
    post(editor, f"/write/{article_id}/schedule", what="publish", when=when.strftime("%Y-%m-%dT%H:%M"))
    assert article_by_slug(app, "pair-a-zebraphone").publish_at == when

    with app.app_context():
        assert workflow.run_due_changes(now=when - timedelta(minutes=1)) == []
        assert workflow.run_due_changes(now=when) == [("published", "pair-a-zebraphone")]
        assert workflow.run_due_changes(now=when) == []  # applied once
    article = article_by_slug(app, "pair-a-zebraphone")
    assert article.is_public and article.publish_at is None
    assert app.test_client().get("/articles/pair-a-zebraphone").status_code == 200


def test_scheduled_publishing_publishes_the_scheduled_revision_not_a_later_draft(app, staff, published):
    writer = sign_in(app, "writer")
    edit(writer, published, body="Scheduled text.")
    with app.app_context():
        article = db.session.get(Article, published)
        workflow.schedule_publish(article, utcnow() + timedelta(hours=1), None)
        db.session.commit()
    edit(writer, published, body="A later draft, not approved.")
    with app.app_context():
        workflow.run_due_changes(now=utcnow() + timedelta(hours=2))
        article = db.session.get(Article, published)
        assert article.published_revision.body == "Scheduled text."
        assert article.has_staged_edit and article.current_revision.body == "A later draft, not approved."


@pytest.mark.app_config(SCHEDULE_CHECK_SECONDS=0)
def test_due_changes_are_applied_on_the_next_request_without_a_scheduler(app, staff, published):
    with app.app_context():
        article = db.session.get(Article, published)
        article.archive_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert app.test_client().get("/articles/pair-a-zebraphone").status_code == 404
    assert article_by_slug(app, "pair-a-zebraphone").status == "archived"


def test_flask_kb_tick_applies_due_changes(app, runner, staff, published):
    with app.app_context():
        article = db.session.get(Article, published)
        article.archive_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    result = runner.invoke(args=["kb", "tick"])
    assert result.exit_code == 0, result.output
    assert "archived: pair-a-zebraphone" in result.output
    assert article_by_slug(app, "pair-a-zebraphone").status == "archived"


def test_hand_picked_related_articles_come_first_on_the_public_page(app, staff, published, category_id):
    writer = sign_in(app, "writer")
    new_article(writer, category_id, title="Charge the zebraphone", body="Plug it in.")
    other = article_by_slug(app, "charge-the-zebraphone").id
    editor = sign_in(app, "editor")
    post(editor, f"/write/{other}/publish")
    edit(writer, published, related=str(other), tags="")
    page = app.test_client().get("/articles/pair-a-zebraphone").get_data(as_text=True)
    assert "Charge the zebraphone" in page


def test_staff_reading_a_public_page_get_a_link_to_edit_it_and_visitors_do_not(app, staff, published):
    visitor = app.test_client()
    assert "Edit this article" not in visitor.get("/articles/pair-a-zebraphone").get_data(as_text=True)
    page = sign_in(app, "writer").get("/articles/pair-a-zebraphone").get_data(as_text=True)
    assert f'href="/write/{published}/edit"' in page
    assert "Edit this article" not in sign_in(app, "lead").get("/articles/pair-a-zebraphone").get_data(as_text=True)
    assert "Edit this article" not in visitor.get("/articles/pair-a-zebraphone").get_data(as_text=True)
