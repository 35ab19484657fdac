"""Voting: with and without JavaScript, one vote per visitor and revision, floods, bad input, CSRF."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.kb import services as kb
from plugins.feedback.models import Vote
from tests.plugins.feedback.conftest import article_ids, widget_form

JSON = {"X-Requested-With": "fetch", "Accept": "application/json"}


def votes(app):
    with app.app_context():
        return db.session.execute(select(Vote).order_by(Vote.id)).scalars().all()


def vote(client, slug="refunds", json=False, **fields):
    """Open the article, then submit its widget with extra fields."""
    action, hidden = widget_form(client.get(f"/articles/{slug}").get_data(as_text=True))
    return client.post(action, data={**hidden, **fields}, headers=JSON if json else {})


def test_every_article_and_faq_answer_has_the_widget(client, site):
    article = client.get("/articles/refunds").get_data(as_text=True)
    faq = client.get("/faq").get_data(as_text=True)

    assert "Was this helpful?" in article and 'id="feedback"' in article
    assert 'id="feedback-is-it-free"' in faq


@pytest.mark.app_config(PLUGINS=[])
def test_without_plugins_the_site_works_and_shows_no_widget(client, site):
    for url in ("/", "/articles/refunds", "/faq", "/search?q=zzzz"):
        page = client.get(url)
        assert page.status_code == 200
        assert "Was this helpful?" not in page.get_data(as_text=True)
        assert "Suggest a topic" not in page.get_data(as_text=True)
    assert client.post("/feedback/articles/1/vote").status_code == 404


def test_no_javascript_vote_thanks_and_asks_why_then_offers_contact(app, client, site):
    answer = vote(client, helpful="no")

    assert answer.status_code == 303 and answer.headers["Location"].endswith("/articles/refunds#feedback")
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Thanks for your feedback!" in page
    assert "What went wrong?" in page and 'data-feedback-followup>' in page  # shown, not hidden
    action, hidden = widget_form(page, "feedback-followup")

    done = client.post(action, data={**hidden, "reason": "outdated", "comment": "The fee table is from 2023."})
    page = client.get(done.headers["Location"]).get_data(as_text=True)

    assert "Thank you — your feedback was sent." in page
    assert "Still need help? Contact support" in page
    [row] = votes(app)
    assert (row.helpful, row.reason, row.comment, row.comment_state) == (False, "outdated", "The fee table is from 2023.", "visible")
    assert "Was this helpful?" in client.get("/articles/refunds").get_data(as_text=True)  # back to normal


def test_javascript_vote_answers_json_without_a_reload(app, client, site):
    first = vote(client, json=True, helpful="no")
    assert first.get_json() == {"ok": True, "helpful": False, "followup": True, "message": "Thanks for your feedback!",
                                "contact_url": "/contact?article=refunds"}
    second = vote(client, json=True, helpful="no", reason="unclear", comment="")
    assert second.get_json()["followup"] is False
    assert second.get_json()["message"] == "Thank you — your feedback was sent."
    assert [(v.helpful, v.reason) for v in votes(app)] == [(False, "unclear")]


@pytest.mark.parametrize("sequence, expected", [
    (["yes"], True),
    (["yes", "no"], False),
    (["no", "yes", "no", "yes"], True),
    (["no"] * 5, False),
])
def test_voting_again_changes_the_vote_never_adds_one(app, client, site, sequence, expected):
    for answer in sequence:
        assert vote(client, helpful=answer).status_code == 303

    rows = votes(app)
    assert len(rows) == 1 and rows[0].helpful is expected


def test_a_new_revision_takes_a_new_vote(app, client, site):
    vote(client, helpful="no")
    with app.app_context():
        article = kb.get_article("refunds")
        kb.publish(article, kb.add_revision(article, "Refunds", "", "Rewritten: refunds within 30 days."))
        db.session.commit()
    vote(client, helpful="yes")

    assert sorted((v.revision_id, v.helpful) for v in votes(app))[0][1] is False
    assert len({v.revision_id for v in votes(app)}) == 2


def test_different_visitors_each_count(app, site):
    for _ in range(3):
        assert vote(app.test_client(), helpful="yes").status_code == 303

    assert len(votes(app)) == 3
    assert len({v.voter_key for v in votes(app)}) == 3
    assert all(len(v.voter_key) == 32 and "127.0.0.1" not in v.voter_key for v in votes(app))


def test_fifty_votes_from_one_client_count_once_and_bursts_get_a_friendly_429(app, client, site):
    action, hidden = widget_form(client.get("/articles/refunds").get_data(as_text=True))
    codes = [client.post(action, data={**hidden, "helpful": "yes" if i % 2 else "no"}).status_code for i in range(50)]

    assert codes[:10] == [303] * 10
    assert set(codes[10:]) == {429}
    assert len(votes(app)) == 1
    limited = client.post(action, data={**hidden, "helpful": "yes"})
    assert "Please wait a minute and try again." in limited.get_data(as_text=True)
    assert limited.headers.get("Retry-After")


@pytest.mark.parametrize("fields, field, message", [
    ({"helpful": ""}, "helpful", "Choose Yes or No."),
    ({"helpful": "maybe"}, "helpful", "Choose Yes or No."),
    ({"helpful": "no", "revision_id": "999999"}, "revision", "This page changed since you opened it"),
    ({"helpful": "no", "revision_id": "abc"}, "revision", "This page changed since you opened it"),
    ({"helpful": "no", "reason": "because"}, "reason", "Choose one of the reasons listed."),
    ({"helpful": "yes", "reason": "outdated", "comment": ""}, "reason", "Choose one of the reasons listed."),
    ({"helpful": "no", "comment": "x" * 1001}, "comment", "Please keep your comment under 1,000 characters (it has 1,001)."),
])
def test_bad_input_gets_a_clear_message_and_stores_nothing(app, client, site, fields, field, message):
    answer = vote(client, json=True, **fields)

    assert answer.status_code == 400
    assert answer.get_json()["field"] == field and message in answer.get_json()["message"]
    assert votes(app) == []


def test_a_too_long_comment_without_javascript_keeps_what_was_typed(app, client, site):
    text = "Very detailed feedback. " * 50
    answer = vote(client, helpful="no", reason="missing", comment=text)
    page = client.get(answer.headers["Location"]).get_data(as_text=True)

    assert "Please keep your comment under 1,000 characters" in page
    assert text.strip() in page.replace("&#39;", "'")
    assert 'value="missing" checked' in page
    assert votes(app) == []


def test_unknown_or_unpublished_articles_cannot_be_voted_on(app, client, site):
    article_id, revision_id = article_ids(app, "refunds")
    with app.app_context():
        kb.set_status(kb.get_article("refunds"), "archived")
        db.session.commit()
    from tests.helpers import csrf_token
    token = csrf_token(client, "/articles/invoices")

    for target in (article_id, 999999):
        answer = client.post(f"/feedback/articles/{target}/vote",
                             data={"csrf_token": token, "revision_id": revision_id, "helpful": "yes"})
        assert answer.status_code == 404
    assert votes(app) == []


def test_votes_need_the_csrf_token_and_post(app, client, site):
    article_id, revision_id = article_ids(app, "refunds")
    client.get("/articles/refunds")

    assert client.post(f"/feedback/articles/{article_id}/vote", data={"revision_id": revision_id, "helpful": "yes"}).status_code == 400
    assert client.get(f"/feedback/articles/{article_id}/vote").status_code == 405
    assert votes(app) == []


def test_each_visitor_gets_their_own_csrf_token_from_the_cached_page(app, site):
    first, second = app.test_client(), app.test_client()
    _, one = widget_form(first.get("/articles/refunds").get_data(as_text=True))
    action, two = widget_form(second.get("/articles/refunds").get_data(as_text=True))

    assert one["csrf_token"] != two["csrf_token"]
    assert second.post(action, data={**two, "helpful": "yes"}).status_code == 303
    assert second.post(action, data={**one, "helpful": "yes"}).status_code == 400  # someone else's token


def test_comment_text_is_escaped_where_staff_read_it(app, client, site, staff):
    from tests.helpers import login

    vote(client, helpful="no", reason="unclear", comment="<script>alert(1)</script> see http://evil.example")
    staff_client = app.test_client()
    login(staff_client, staff["lead"], "correct horse battery")
    page = staff_client.get("/feedback/moderation").get_data(as_text=True)

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_counts_come_from_rows(app, site):
    for answer in ("yes", "yes", "no"):
        vote(app.test_client(), helpful=answer)
    with app.app_context():
        helpful = db.session.execute(select(func.count()).where(Vote.helpful.is_(True))).scalar_one()
    assert helpful == 2


def test_a_faq_vote_without_javascript_comes_back_to_the_faq_answer(app, client, site):
    action, hidden = widget_form(client.get("/faq").get_data(as_text=True))
    answer = client.post(action, data={**hidden, "helpful": "no"})

    assert answer.headers["Location"].endswith("/faq#feedback-is-it-free")
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Thanks for your feedback!" in page and 'id="feedback-is-it-free-comment"' in page


def test_visitors_sharing_an_address_do_not_use_up_each_others_votes(app, site):
    codes = [vote(app.test_client(), helpful="yes").status_code for _ in range(15)]

    assert codes == [303] * 15
    assert len(votes(app)) == 15
