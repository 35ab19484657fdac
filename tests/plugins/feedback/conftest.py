"""Fixtures for the feedback plugin: a help center with articles, staff accounts, votes."""
import re
from itertools import count

import pytest

from app.auth.services import create_user
from app.extensions import db
from app.kb.models import utcnow
from app.kb import services as kb
from app.kb.sync import sync_directory
from plugins.feedback.models import Vote
from tests.helpers import article_file, write

PASSWORD = "correct horse battery"
_voters = count(1)


@pytest.fixture
def site(app, tmp_path):
    """Two articles and one FAQ, published."""
    root = tmp_path / "content"
    write(root, "billing/refunds.md", article_file("Refunds", "Ask for a refund within 14 days."))
    write(root, "billing/invoices.md", article_file("Invoices", "Download invoices."))
    write(root, "billing/is-it-free.md", article_file("Is it free?", "Yes, posting is free.", kind="faq"))
    with app.app_context():
        assert not sync_directory(root).failed
    return root


@pytest.fixture
def staff(app):
    """One account per role: {role: email}."""
    with app.app_context():
        return {role: create_user(f"{role}@example.com", PASSWORD, role=role).email
                for role in ("writer", "editor", "lead", "admin")}


def article_ids(app, slug):
    """(article id, published revision id)."""
    with app.app_context():
        article = kb.get_article(slug)
        return article.id, article.published_revision_id


def widget_form(page, form_class="feedback-vote"):
    """(action, hidden fields) of the first widget form of that class on a page."""
    match = re.search(rf'<form class="{form_class}" method="post" action="([^"]+)"(.*?)</form>', page, re.S)
    assert match, f"no {form_class} form on the page"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', match.group(2)))
    return match.group(1), fields


def article(slug):
    """An article of the default content (inside an app context)."""
    found = kb.get_article(slug)
    assert found is not None, f"no article {slug!r} in content/"
    return found


def add_votes(target, helpful=0, not_helpful=0, when=None, revision_id=None, reason="", comment="",
              comment_state="visible"):
    """Insert vote rows as distinct visitors leave them (a comment goes on every row of this call)."""
    when = when or utcnow()
    for is_helpful, how_many in ((True, helpful), (False, not_helpful)):
        for _ in range(how_many):
            db.session.add(Vote(article_id=target.id, revision_id=revision_id or target.published_revision_id,
                                helpful=is_helpful, reason="" if is_helpful else reason, comment=comment,
                                comment_state=comment_state if comment else "none",
                                voter_key=f"voter-{next(_voters)}", created_at=when, updated_at=when))
    db.session.commit()
