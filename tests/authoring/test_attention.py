"""The writers' "Needs attention" page: who may open it, each section, and checks added through the plugin API."""
import logging
from datetime import date, datetime, timedelta

import pytest

from app.auth.services import create_user
from app.authoring import audit
from app.authoring.attention import needs_attention
from app.authoring.models import LinkCheckRun, LinkProblem
from app.core.plugins import AttentionItem, Plugin, PluginError, add_feature_attention_check
from app.extensions import db
from app.kb import services as kb
from app.kb.models import Article, Category
from tests.helpers import login

PASSWORD = "correct horse battery"
TODAY = date(2024, 6, 10)


@pytest.fixture
def people(app):
    """One account per staff role: {role: email}."""
    with app.app_context():
        return {role: create_user(f"{role}@example.com", PASSWORD, role=role, name=f"{role.title()} Person").email
                for role in ("writer", "editor", "lead", "admin")}


def signed_in(app, people, role):
    """A test client signed in with the account of ``role``."""
    client = app.test_client()
    login(client, people[role], PASSWORD)
    return client


def make_article(slug, title, status="published", kind="article", staged_status=None, **fields):
    """An article with one revision (published when ``status`` is published), committed; returns its id."""
    category = db.session.get(Category, 1) or Category(id=1, slug="general", title="General")
    article = Article(slug=slug, kind=kind, category=category, status="draft", staged_status=staged_status, **fields)
    db.session.add(article)
    revision = kb.add_revision(article, title, "", "Some helpful text.")
    if status == "published":
        kb.publish(article, revision)
    else:
        article.status = status
    db.session.commit()
    return article.id


def published_revision(article_id):
    """The id of an article's published revision (findings are about that text)."""
    return db.session.get(Article, article_id).published_revision_id


def test_a_clean_check_is_not_mistaken_for_no_check(app, people):
    with app.app_context():
        db.session.add(LinkCheckRun(finished_at=datetime(2024, 6, 9, 3, 15), articles=3, links=20, broken=0))
        db.session.commit()
    page = signed_in(app, people, "writer").get("/write/attention").get_data(as_text=True)
    assert "have not been checked yet" not in page
    assert "No broken links" in page or "Nothing" in page


def test_findings_about_text_since_republished_wait_for_the_next_check(ctx):
    article_id = make_article("fixed", "Fixed since")
    db.session.add(LinkProblem(article_id=article_id, revision_id=published_revision(article_id),
                               url="/articles/gone", problem="no article with this address"))
    article = db.session.get(Article, article_id)
    kb.publish(article, kb.add_revision(article, "Fixed since", "", "Better text."))
    db.session.commit()
    assert needs_attention(TODAY).broken_links == []


def owner_id(email):
    """The id of the user with this e-mail."""
    from app.auth.services import get_user_by_email

    return get_user_by_email(email).id


# -- who may open it -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role, status", [("writer", 200), ("editor", 200), ("lead", 200), ("admin", 200)])
def test_staff_roles_open_the_page(app, people, role, status):
    assert signed_in(app, people, role).get("/write/attention").status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/write/attention")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


# -- past its review date --------------------------------------------------------------------------------------
def test_overdue_reviews_oldest_first_with_days_overdue(ctx, people):
    make_article("due-today", "Due today", review_by=TODAY)
    make_article("due-later", "Due later", review_by=TODAY + timedelta(days=5))
    make_article("no-date", "No date")
    make_article("archived-old", "Archived old", status="archived", review_by=TODAY - timedelta(days=300))
    make_article("one-day", "One day late", review_by=TODAY - timedelta(days=1), owner_id=owner_id(people["writer"]))
    make_article("forty-days", "Forty days late", status="draft", review_by=TODAY - timedelta(days=40))

    rows = needs_attention(TODAY).overdue

    assert [(row.title, row.value) for row in rows] == [("Forty days late", "40 days overdue"),
                                                         ("One day late", "1 day overdue")]
    assert rows[0].reason == "Review was due on 2024-05-01"
    assert (rows[0].owner, rows[1].owner) == ("", "Writer Person")


# -- waiting for review ----------------------------------------------------------------------------------------
def test_waiting_for_review_lists_new_articles_and_staged_edits_with_the_submitter(ctx, people):
    from app.auth.services import get_user_by_email

    writer, editor = get_user_by_email(people["writer"]), get_user_by_email(people["editor"])
    new_id = make_article("new-one", "New one", status="in_review")
    edit_id = make_article("edited", "Edited", staged_status="in_review")
    make_article("staged-draft", "Staged draft", staged_status="draft")
    make_article("plain-draft", "Plain draft", status="draft")
    make_article("plain-published", "Plain published")
    # Submitted twice: the newer submission is the one shown.
    for actor, when in ((editor, datetime(2024, 6, 1, 9, 0)), (writer, datetime(2024, 6, 3, 14, 30))):
        audit.record("submitted", actor=actor, article=db.session.get(Article, new_id)).created_at = when
    audit.record("submitted", actor=editor, article=db.session.get(Article, edit_id)).created_at = datetime(2024, 6, 2)
    db.session.commit()

    rows = needs_attention(TODAY).in_review

    assert [(row.article_id, row.reason, row.when) for row in rows] == [
        (edit_id, "Edit of the published article, submitted by Editor Person", datetime(2024, 6, 2)),
        (new_id, "New article, submitted by Writer Person", datetime(2024, 6, 3, 14, 30)),
    ]


def test_a_review_without_a_recorded_submission_is_still_listed(ctx):
    make_article("imported", "Imported", status="in_review")

    rows = needs_attention(TODAY).in_review

    assert [(row.title, row.reason, row.when) for row in rows] == [
        ("Imported", "New article, submitted for review", None)]


# -- broken links ----------------------------------------------------------------------------------------------
def test_broken_links_are_grouped_per_article_with_the_first_few(ctx):
    many = make_article("many-links", "Many links")
    one = make_article("one-link", "One link")
    checked = datetime(2024, 6, 9, 3, 15)
    for number in range(4):
        db.session.add(LinkProblem(article_id=many, revision_id=published_revision(many),
                                   url=f"https://example.com/{number}", problem="HTTP 404",
                                   checked_at=checked - timedelta(minutes=number)))
    db.session.add(LinkProblem(article_id=one, revision_id=published_revision(one), url="/articles/gone",
                               problem="no article with this address", checked_at=checked - timedelta(hours=1)))
    db.session.add(LinkCheckRun(finished_at=checked, articles=2, links=9, broken=5))
    db.session.commit()

    attention = needs_attention(TODAY)

    assert attention.links_checked_at == checked
    assert [(row.title, row.reason, row.link_count) for row in attention.broken_links] == [
        ("Many links", "4 broken links", 4), ("One link", "1 broken link", 1)]
    assert attention.broken_links[0].links == [(f"https://example.com/{n}", "HTTP 404") for n in range(3)]


def test_broken_links_page_shows_the_last_check_and_how_many_more(app, people):
    with app.app_context():
        article_id = make_article("many-links", "Many links")
        for number in range(5):
            db.session.add(LinkProblem(article_id=article_id, revision_id=published_revision(article_id),
                                       url=f"https://example.com/{number}", problem="HTTP 404",
                                       checked_at=datetime(2024, 6, 9, 3, 15)))
        db.session.add(LinkCheckRun(finished_at=datetime(2024, 6, 9, 3, 15), articles=1, links=5, broken=5))
        db.session.commit()

    page = signed_in(app, people, "writer").get("/write/attention").get_data(as_text=True)

    assert "the last check on <time datetime=\"2024-06-09T03:15:00Z\">09 Jun 2024 03:15 UTC</time>" in page
    assert "<code>https://example.com/2</code>: HTTP 404" in page
    assert "https://example.com/3" not in page
    assert "and 2 more" in page
    assert "have not been checked yet" not in page


def test_the_page_says_when_links_were_never_checked(app, people):
    page = signed_in(app, people, "writer").get("/write/attention").get_data(as_text=True)

    assert "Links have not been checked yet: run <code>flask kb check-links</code>." in page


# -- the page --------------------------------------------------------------------------------------------------
@pytest.mark.app_config(PLUGINS=[])
def test_empty_sections_say_so(app, people):
    page = signed_in(app, people, "editor").get("/write/attention").get_data(as_text=True)

    assert "Nothing is past its review date." in page
    assert "Nothing is waiting for review." in page
    assert 'href="#overdue"><strong>0</strong> Past its review date' in page


def test_page_counts_each_section_and_links_to_the_articles(app, people):
    with app.app_context():
        overdue = make_article("late", "Late & lost", kind="faq", review_by=date(2000, 1, 1),
                               owner_id=owner_id(people["writer"]))
        make_article("waiting", "Waiting", status="in_review")
        make_article("waiting-too", "Waiting too", status="in_review")

    page = signed_in(app, people, "lead").get("/write/attention").get_data(as_text=True)

    assert 'href="#overdue"><strong>1</strong> Past its review date' in page
    assert 'href="#in-review"><strong>2</strong> Waiting for review' in page
    assert 'href="#broken-links"><strong>0</strong> Broken links' in page
    assert f'<td><a href="/write/{overdue}">Late &amp; lost</a></td>' in page
    assert "<td>FAQ</td>" in page and "<td>Writer Person</td>" in page
    assert "days overdue" in page


# -- checks added through the plugin API -----------------------------------------------------------------------
def test_a_registered_check_gets_its_own_section(app, people):
    with app.app_context():
        flagged = make_article("flagged", "Flagged")
    seen = []

    def check(today):
        seen.append(today)
        return [AttentionItem(flagged, "Too long for a phone screen", "3,400 words"), AttentionItem(999, "deleted")]

    add_feature_attention_check(app, "kb", "length", "Very long articles", check)
    with app.app_context():
        sections = needs_attention(TODAY).checks
    assert seen == [TODAY]
    assert [(s.key, s.title, s.failed) for s in sections if s.key == "kb_length"] == [
        ("kb_length", "Very long articles", False)]
    rows = next(s.rows for s in sections if s.key == "kb_length")
    assert [(row.article_id, row.reason, row.value) for row in rows] == [
        (flagged, "Too long for a phone screen", "3,400 words")]

    page = signed_in(app, people, "writer").get("/write/attention").get_data(as_text=True)
    assert 'href="#check-kb_length"><strong>1</strong> Very long articles' in page
    assert "Too long for a phone screen" in page and "3,400 words" in page


def test_a_failing_check_is_logged_and_does_not_break_the_page(app, people, caplog):
    with app.app_context():
        make_article("late", "Late", review_by=date(2000, 1, 1))

    def broken(today):
        raise RuntimeError("the check's database is down")

    add_feature_attention_check(app, "kb", "broken", "Fragile check", broken)
    add_feature_attention_check(app, "kb", "fine", "Healthy check", lambda today: [])
    with caplog.at_level(logging.ERROR):
        response = signed_in(app, people, "writer").get("/write/attention")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This check failed: Fragile check." in page
    assert "Nothing to show for “Healthy check”." in page
    assert "Late</a>" in page  # the other sections are still there
    assert "the check's database is down" not in page
    assert any("kb_broken" in record.getMessage() and record.exc_info for record in caplog.records)


def test_plugins_add_checks_named_after_themselves(app):
    class Demo(Plugin):
        name = "demo"

    Demo().add_attention_check(app, "stale", "Stale pages", lambda today: [])
    with app.app_context():
        from app.core.plugins import attention_checks

        assert [(c.source, c.key, c.title) for c in attention_checks() if c.source == "demo"] == [
            ("demo", "demo_stale", "Stale pages")]
    with pytest.raises(PluginError, match="must be an identifier"):
        Demo().add_attention_check(app, "not a key", "Bad", lambda today: [])
