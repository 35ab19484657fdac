"""/admin/audit: the newest events with who, what, on what and why; filtered by group; paged; admins only."""
import re

import pytest
from sqlalchemy import select

from app.auth import services
from app.auth.models import User
from app.authoring import audit
from app.extensions import db
from app.kb.models import Article
from tests.helpers import csrf_token, login

PASSWORD = "correct horse battery"


@pytest.fixture
def admin_client(app):
    """A client signed in as Ada, admin@example.com."""
    with app.app_context():
        services.create_user("admin@example.com", PASSWORD, role="admin", name="Ada")
    client = app.test_client()
    assert login(client, "admin@example.com", PASSWORD).status_code == 302
    return client


def record(app, action, article_slug=None, user_email=None, detail=""):
    """Write one audit event by Ada, about an article (by slug) or a user (by e-mail)."""
    with app.app_context():
        actor = services.get_user_by_email("admin@example.com")
        article = None
        if article_slug:
            article = db.session.execute(select(Article).filter_by(slug=article_slug)).scalar_one()
        user = services.get_user_by_email(user_email) if user_email else None
        event = audit.record(action, actor=actor, article=article, user=user, detail=detail)
        db.session.commit()
        return event.id, getattr(article, "id", None), getattr(article, "title", None)


def body_rows(page):
    """The rows of the audit table as lists of cell texts (tags stripped)."""
    body = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, flags=re.S)]
            for row in rows]


@pytest.fixture
def article_slug(synced_app):
    """The slug of one article of the default content."""
    with synced_app.app_context():
        return db.session.execute(select(Article.slug).order_by(Article.id).limit(1)).scalar_one()


def test_events_show_time_actor_action_subject_and_detail(app, admin_client, article_slug):
    with app.app_context():
        services.create_user("writer@example.com", PASSWORD, role="writer")
    _, article_id, title = record(app, "published", article_slug=article_slug, detail="First version")
    record(app, "role_changed", user_email="writer@example.com", detail="writer → editor")

    page = admin_client.get("/admin/audit").get_data(as_text=True)

    rows = body_rows(page)
    assert [row[1:] for row in rows[:2]] == [
        ["Ada", "changed a role", "writer@example.com", "writer → editor"],
        ["Ada", "published", title, "First version"],
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", rows[0][0])
    assert f'<a href="/write/{article_id}">' in page
    assert ["System", "created a user", "writer@example.com", "writer@example.com as writer"] in [r[1:] for r in rows]


def test_user_changes_made_on_the_users_page_are_listed(app, admin_client):
    token = csrf_token(admin_client, "/admin/users")
    admin_client.post("/admin/users", data={"csrf_token": token, "email": "ivy@example.com", "role": "lead",
                                            "mode": "invite"})
    with app.app_context():
        ivy = services.get_user_by_email("ivy@example.com").id
    admin_client.post(f"/admin/users/{ivy}/role", data={"csrf_token": token, "role": "editor"})
    admin_client.post(f"/admin/users/{ivy}/deactivate", data={"csrf_token": token})

    rows = body_rows(admin_client.get("/admin/audit").get_data(as_text=True))

    assert [row[1:] for row in rows[:3]] == [
        ["Ada", "deactivated a user", "ivy@example.com", ""],
        ["Ada", "changed a role", "ivy@example.com", "lead → editor"],
        ["Ada", "invited a user", "ivy@example.com", "ivy@example.com as lead"],
    ]


@pytest.mark.parametrize(
    "group, shown, hidden",
    [
        ("people", "changed a role", "archived"),
        ("content", "archived", "changed a role"),
        ("", "archived", None),
    ],
)
def test_the_group_filter_shows_only_that_kind_of_action(app, admin_client, article_slug, group, shown, hidden):
    record(app, "archived", article_slug=article_slug)
    record(app, "role_changed", user_email="admin@example.com", detail="editor → admin")

    page = admin_client.get(f"/admin/audit?group={group}").get_data(as_text=True)

    labels = [row[2] for row in body_rows(page)]
    assert shown in labels
    assert hidden is None or hidden not in labels
    if group:
        assert f'<option value="{group}" selected>' in page


def test_the_log_is_paged_by_100_newest_first(app, admin_client):
    with app.app_context():
        actor = db.session.execute(select(User)).scalar_one()
        for number in range(105):
            audit.record("user_reactivated", actor=actor, user=actor, detail=f"event {number}")
        db.session.commit()

    first = admin_client.get("/admin/audit?group=people").get_data(as_text=True)
    older = re.search(r'href="(/admin/audit\?[^"]*before=\d+[^"]*)" rel="next"', first).group(1).replace("&amp;", "&")
    second = admin_client.get(older).get_data(as_text=True)

    first_details, second_details = [r[4] for r in body_rows(first)], [r[4] for r in body_rows(second)]
    assert len(first_details) == 100 and first_details[0] == "event 104" and first_details[-1] == "event 5"
    assert second_details == ["event 4", "event 3", "event 2", "event 1", "event 0",
                              "admin@example.com as admin"]
    assert "group=people" in older
    assert 'rel="next"' not in second


def test_details_are_shown_as_text(app, admin_client):
    record(app, "user_deactivated", user_email="admin@example.com", detail="<script>alert(1)</script>")

    page = admin_client.get("/admin/audit").get_data(as_text=True)

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


@pytest.mark.parametrize("query", ["group=everything", "before=abc", "before=-1", "before=99999999999999999999999",
                                   "before=%C2%B2"])
def test_a_bad_filter_gets_a_clear_message(admin_client, query):
    response = admin_client.get(f"/admin/audit?{query}")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose a group of actions from the list." in page or "start again from the newest events" in page


def test_an_empty_log_says_so(admin_client):
    page = admin_client.get("/admin/audit?group=content").get_data(as_text=True)

    assert "No events of this kind yet." in page
