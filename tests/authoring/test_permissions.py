"""Every role on every authoring endpoint: allowed (the step happens) or 403 (nothing changes)."""
import pytest
from sqlalchemy import select

from app.authoring import workflow
from app.authoring.models import AuditEvent
from app.extensions import db
from app.kb.models import Article, Category
from app.kb import services as kb
from tests.authoring.conftest import ROLES, sign_in
from tests.helpers import csrf_token

WRITE = {"writer", "editor", "admin"}
EDIT = {"editor", "admin"}
READ = {"writer", "editor", "lead", "admin"}
ADMIN = {"admin"}


def _form(ids):
    return {"title": "Pair a zebraphone", "slug": "pair-a-zebraphone", "summary": "", "body": "New text.",
            "category_id": str(ids["category"]), "action": "save", "base_revision_id": str(ids["current"])}


# (method, url, roles allowed, status when allowed, form data)
ENDPOINTS = [
    ("GET", "/write/", READ, 200, None),
    ("GET", "/write/{article}", READ, 200, None),
    ("GET", "/write/{article}/history", READ, 200, None),
    ("GET", "/write/{article}/diff?from={first}&to={current}", READ, 200, None),
    ("GET", "/write/{article}/revisions/{first}", READ, 200, None),
    ("POST", "/write/preview", READ, 200, lambda ids: {"kind": "article", "body": "# Hi"}),
    ("GET", "/write/new?kind=article", WRITE, 200, None),
    ("POST", "/write/new?kind=faq", WRITE, 302,
     lambda ids: dict(_form(ids), title="A new question", slug="a-new-question", base_revision_id="")),
    ("GET", "/write/{article}/edit", WRITE, 200, None),
    ("POST", "/write/{article}/edit", WRITE, 302, _form),
    ("POST", "/write/{article}/autosave", WRITE, 200, _form),
    ("POST", "/write/new/autosave?kind=article", WRITE, 200, _form),
    ("POST", "/write/autosave/discard", WRITE, 302, lambda ids: {"slot": f"article:{ids['article']}"}),
    ("POST", "/write/{article}/submit", WRITE, 302, None),
    ("POST", "/write/{article}/revisions/{first}/restore", WRITE, 302, None),
    ("POST", "/write/{article}/request-changes", EDIT, 302, lambda ids: {"comment": "Shorter, please."}),
    ("POST", "/write/{article}/publish", EDIT, 302, None),
    ("POST", "/write/{article}/unpublish", EDIT, 302, None),
    ("POST", "/write/{article}/archive", EDIT, 302, None),
    ("POST", "/write/{article}/schedule", EDIT, 302, lambda ids: {"what": "archive", "when": "2999-01-01T09:00"}),
    ("POST", "/write/{article}/schedule/cancel", EDIT, 302, lambda ids: {"what": "archive"}),
    ("GET", "/write/uploads", WRITE, 200, None),
    ("GET", "/write/attention", READ, 200, None),
    ("GET", "/write/categories", EDIT, 200, None),
    ("GET", "/write/categories/new", EDIT, 200, None),
    ("GET", "/write/categories/{category}/edit", EDIT, 200, None),
    ("GET", "/admin/users", ADMIN, 200, None),
    ("GET", "/admin/audit", ADMIN, 200, None),
]


@pytest.fixture
def ids(app, staff):
    """A published article with a staged edit in review: every workflow step has something to act on."""
    with app.app_context():
        category = Category(slug="devices", title="Devices")
        db.session.add(category)
        db.session.flush()
        draft = workflow.Draft(title="Pair a zebraphone", slug="pair-a-zebraphone", body="First text.",
                               category_id=category.id)
        article = workflow.create_article("article", draft, None)
        first = article.current_revision_id
        workflow.publish(article, None)
        kb.add_revision(article, "Pair a zebraphone", "", "Second text.")
        article.staged_status = "in_review"
        db.session.commit()
        return {"article": article.id, "first": first, "current": article.current_revision_id,
                "category": category.id}


def _request(client, method, url, data):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(client, "/"), **(data or {})})  # the sign-out form's


def _audit_count(app):
    with app.app_context():
        return len(db.session.execute(select(AuditEvent.id)).all())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, url, allowed, success, data", ENDPOINTS, ids=[f"{m} {u}" for m, u, *_ in ENDPOINTS])
def test_role_on_endpoint(app, ids, role, method, url, allowed, success, data):
    client = sign_in(app, role)
    before = _audit_count(app)
    response = _request(client, method, url.format(**ids), data(ids) if data else None)
    if role in allowed:
        assert response.status_code == success, response.get_data(as_text=True)[:500]
    else:
        assert response.status_code == 403
        assert _audit_count(app) == before  # a refused step leaves no trace of having happened
        with app.app_context():
            article = db.session.get(Article, ids["article"])
            assert article.is_public and article.current_revision_id == ids["current"]


@pytest.mark.parametrize("method, url, allowed, success, data", ENDPOINTS, ids=[f"{m} {u}" for m, u, *_ in ENDPOINTS])
def test_signed_out_visitors_are_sent_to_sign_in(app, ids, method, url, allowed, success, data):
    client = app.test_client()
    if method == "GET":
        response = client.get(url.format(**ids))
    else:
        token = csrf_token(client, "/auth/login")
        response = client.post(url.format(**ids), data={"csrf_token": token, **(data(ids) if data else {})})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("url", ["/write/{article}/publish", "/write/{article}/edit", "/write/preview"])
def test_posts_without_a_csrf_token_are_refused(app, ids, url):
    client = sign_in(app, "admin")
    response = client.post(url.format(**ids), data={"body": "x", "title": "x"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Article, ids["article"]).current_revision_id == ids["current"]


@pytest.mark.parametrize("url", ["/write/{article}/publish", "/write/{article}/archive", "/write/{article}/submit"])
def test_state_changes_are_never_done_by_get(app, ids, url):
    assert sign_in(app, "admin").get(url.format(**ids)).status_code == 405
