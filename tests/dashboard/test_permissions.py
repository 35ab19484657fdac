"""Who may open each dashboard page: leads and admins everything; writers and editors only their panels on
/dashboard/; signed-out visitors are sent to sign in; changes are POST-only with a CSRF token."""
import pytest

from app.dashboard.models import BacklogItem
from app.extensions import db
from app.kb.services import get_article
from app.kb.sync import sync_directory
from tests.dashboard.conftest import sign_in
from tests.helpers import article_file, csrf_token, write

PAGES = {  # endpoint: a URL of it ({article} and {item} are filled in)
    "dashboard.index": "/dashboard/",
    "dashboard.article": "/dashboard/articles/{article}",
    "dashboard.export": "/dashboard/export/figures.csv",
    "dashboard.article_export": "/dashboard/articles/{article}/export/figures.csv",
    "dashboard.gaps": "/dashboard/gaps",
    "dashboard.gaps_csv": "/dashboard/gaps.csv",
    "dashboard.backlog": "/dashboard/backlog",
    "dashboard.backlog_csv": "/dashboard/backlog.csv",
    "dashboard.backlog_item": "/dashboard/backlog/{item}",
}
CHANGES = {  # endpoint: (URL, form)
    "dashboard.backlog_create": ("/dashboard/backlog/new", {"title": "Paying with crypto", "gap_key": "crypto payment",
                                                            "query": "crypto payment"}),
    "dashboard.backlog_update": ("/dashboard/backlog/{item}",
                                 {"title": "Paying with crypto", "note": "", "status": "planned", "article": ""}),
}
WRITERS_MAY = {"dashboard.index"}


@pytest.fixture
def ids(app, staff, tmp_path):
    """{"article": an article id, "item": a backlog item id}."""
    write(tmp_path, "payments/refunds.md", article_file("Refunds and returns"))
    with app.app_context():
        assert not sync_directory(tmp_path).failed
        item = BacklogItem(title="Invoices", gap_key="invoice copy", queries=["invoice copy"])
        db.session.add(item)
        db.session.commit()
        return {"article": get_article("refunds").id, "item": item.id}


def test_the_table_covers_every_dashboard_endpoint(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("dashboard.")}

    assert endpoints == set(PAGES) | set(CHANGES)


@pytest.mark.parametrize("role", ["writer", "editor", "lead", "admin"])
@pytest.mark.parametrize("endpoint", PAGES)
def test_pages_by_role(app, ids, role, endpoint):
    response = sign_in(app, role).get(PAGES[endpoint].format(**ids))

    allowed = role in ("lead", "admin") or endpoint in WRITERS_MAY
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize("role", ["writer", "editor", "lead", "admin"])
@pytest.mark.parametrize("endpoint", CHANGES)
def test_changes_by_role(app, ids, role, endpoint):
    client = sign_in(app, role)
    url, form = CHANGES[endpoint]

    response = client.post(url.format(**ids), data={**form, "csrf_token": csrf_token(client, "/dashboard/")})

    assert response.status_code == (303 if role in ("lead", "admin") else 403)


@pytest.mark.parametrize("endpoint", [*PAGES, *CHANGES])
def test_signed_out_visitors_are_sent_to_sign_in(app, ids, endpoint):
    client = app.test_client()
    if endpoint in CHANGES:
        url, form = CHANGES[endpoint]
        response = client.post(url.format(**ids), data={**form, "csrf_token": csrf_token(client, "/auth/login")})
    else:
        response = client.get(PAGES[endpoint].format(**ids))

    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("endpoint", CHANGES)
def test_changes_need_the_form_token(app, ids, endpoint):
    url, form = CHANGES[endpoint]

    response = sign_in(app, "lead").post(url.format(**ids), data=form)

    assert response.status_code == 400
    with app.app_context():
        assert db.session.execute(db.select(BacklogItem.title)).scalars().all() == ["Invoices"]


@pytest.mark.parametrize("url", ["/dashboard/backlog/new"])
def test_changes_cannot_be_made_with_a_get(app, ids, url):
    assert sign_in(app, "lead").get(url).status_code == 405


@pytest.mark.parametrize("endpoint", [endpoint for endpoint in PAGES if endpoint != "dashboard.backlog_item"])
def test_pages_refuse_posts(app, ids, endpoint):
    client = sign_in(app, "lead")

    response = client.post(PAGES[endpoint].format(**ids), data={"csrf_token": csrf_token(client, "/dashboard/")})

    assert response.status_code == 405
