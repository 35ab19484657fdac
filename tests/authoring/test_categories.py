"""Category management for editors: who may use it, the tree, create and edit with checks, delete rules, CSRF."""
import re

import pytest
from sqlalchemy import select

from app.auth.services import create_user
from app.authoring.categories import CategoryError, category_tree, delete_category, save_category
from app.extensions import db
from app.kb.models import Article, Category
from tests.helpers import csrf_token, login

PASSWORD = "correct horse battery"


@pytest.fixture
def tree(app):
    """Help (with the subcategory Billing holding one draft article), and an empty Legal: {slug: id}."""
    with app.app_context():
        help_ = Category(slug="help", title="Help", position=1)
        billing = Category(slug="billing", title="Billing", parent=help_, position=1)
        legal = Category(slug="legal", title="Legal", position=2)
        db.session.add_all([help_, billing, legal, Article(slug="refunds", category=billing, status="draft")])
        db.session.commit()
        return {c.slug: c.id for c in (help_, billing, legal)}


def signed_in(app, role):
    """A test client signed in with a new account of ``role``."""
    with app.app_context():
        email = create_user(f"{role}@example.com", PASSWORD, role=role).email
    client = app.test_client()
    login(client, email, PASSWORD)
    return client


def post_form(client, url, form_url=None, **fields):
    """POST the form at ``form_url`` (default ``url``) with its CSRF token and these fields."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={"csrf_token": token, **fields})


def category_form(**overrides):
    """A complete, valid category form."""
    return {"title": "Shipping", "slug": "", "description": "", "icon": "", "parent": "", "position": "0",
            **overrides}


def get_category(slug):
    """The category with this slug, or None."""
    return db.session.execute(select(Category).filter_by(slug=slug)).scalar_one_or_none()


# -- who may use it --------------------------------------------------------------------------------------------
PAGES = ["/write/categories", "/write/categories/new", "/write/categories/{legal}/edit"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("role, status", [("writer", 403), ("lead", 403), ("editor", 200), ("admin", 200)])
def test_only_editors_and_admins_open_the_pages(app, tree, url, role, status):
    assert signed_in(app, role).get(url.format(**tree)).status_code == status


@pytest.mark.parametrize("url", [*PAGES, "/write/categories/{legal}/delete"])
def test_signed_out_visitors_are_sent_to_sign_in(client, tree, url):
    if url.endswith("/delete"):
        response = client.post(url.format(**tree), data={"csrf_token": csrf_token(client, "/auth/login")})
    else:
        response = client.get(url.format(**tree))
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("action", ["new", "edit", "delete"])
@pytest.mark.parametrize("role", ["writer", "lead"])
def test_writers_and_leads_cannot_change_categories(app, tree, action, role):
    client = signed_in(app, role)
    token = csrf_token(client, "/write/attention")  # any page's token works for the session
    url = {"new": "/write/categories/new", "edit": f"/write/categories/{tree['legal']}/edit",
           "delete": f"/write/categories/{tree['legal']}/delete"}[action]

    response = client.post(url, data={"csrf_token": token, **category_form(title="Hacked")})

    assert response.status_code == 403
    with app.app_context():
        assert get_category("legal").title == "Legal"
        assert get_category("hacked") is None


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_and_admins_change_categories(app, tree, role):
    client = signed_in(app, role)

    created = post_form(client, "/write/categories/new", title="Shipping")
    edited = post_form(client, f"/write/categories/{tree['legal']}/edit",
                       **category_form(title="Legal notes", slug="legal"))
    deleted = post_form(client, f"/write/categories/{tree['legal']}/delete", f"/write/categories/{tree['legal']}/edit")

    assert [r.status_code for r in (created, edited, deleted)] == [302, 302, 302]
    with app.app_context():
        assert get_category("shipping") is not None and get_category("legal") is None


@pytest.mark.parametrize("url", ["/write/categories/999/edit", "/write/categories/999/delete"])
def test_unknown_categories_are_not_found(app, url):
    client = signed_in(app, "editor")
    response = post_form(client, url, "/write/categories/new") if url.endswith("delete") else client.get(url)
    assert response.status_code == 404


# -- the tree --------------------------------------------------------------------------------------------------
def test_tree_lists_parents_then_children_with_article_counts(app, tree):
    with app.app_context():
        rows = category_tree()
        assert [(r.title, r.depth, r.article_count, r.child_count) for r in rows] == [
            ("Help", 0, 0, 1), ("Billing", 1, 1, 0), ("Legal", 0, 0, 0)]

    page = signed_in(app, "editor").get("/write/categories").get_data(as_text=True)

    assert page.index("<td>Help</td>") < page.index("Billing</td>") < page.index("<td>Legal</td>")
    assert ('<span class="muted" aria-hidden="true">— </span><span class="visually-hidden">Subcategory: </span>'
            'Billing</td>') in page
    assert f'href="/write/categories/{tree["billing"]}/edit"' in page


# -- create and edit -------------------------------------------------------------------------------------------
def test_create_makes_the_slug_from_the_title(app, tree):
    client = signed_in(app, "editor")

    response = post_form(client, "/write/categories/new", **category_form(
        title="  Shipping &  Delivery ", description="Parcels.", icon="card", parent=str(tree["help"]), position="3"))

    assert response.status_code == 302 and response.headers["Location"].endswith("/write/categories")
    assert "Category “Shipping &amp; Delivery” saved." in client.get("/write/categories").get_data(as_text=True)
    with app.app_context():
        created = get_category("shipping-delivery")
        assert (created.title, created.description, created.icon, created.parent_id, created.position) == (
            "Shipping & Delivery", "Parcels.", "card", tree["help"], 3)


def test_edit_changes_every_field(ctx, tree):
    saved = save_category(tree["billing"], "Payments", "payments", "Cards and invoices.", "card", "", "7")

    assert (saved.slug, saved.title, saved.description, saved.icon, saved.parent_id, saved.position) == (
        "payments", "Payments", "Cards and invoices.", "card", None, 7)


def test_edit_form_offers_parents_except_itself_and_its_subcategories(app, tree):
    page = signed_in(app, "editor").get(f"/write/categories/{tree['help']}/edit").get_data(as_text=True)

    offered = re.findall(r'<option value="(\d+)"', page)
    assert offered == [str(tree["legal"])]


INVALID = [
    ({"title": "  "}, "title", "The title is required."),
    ({"title": "x" * 201}, "title", "The title must be at most 200 characters"),
    ({"slug": "Bad Slug"}, "slug", "only lower-case letters a–z, digits and hyphens"),
    ({"slug": "-edge-"}, "slug", "only lower-case letters a–z, digits and hyphens"),
    ({"slug": "a--b"}, "slug", "only lower-case letters a–z, digits and hyphens"),
    ({"slug": "x" * 121}, "slug", "at most 120 characters"),
    ({"slug": "legal"}, "slug", "Another category already uses the slug “legal”"),
    ({"title": "Legal", "slug": ""}, "slug", "Another category already uses the slug “legal”"),
    ({"title": "!!!"}, "slug", "Could not make an address from this title"),
    ({"description": "d" * 1001}, "description", "The description must be at most 1,000 characters"),
    ({"icon": "rocket"}, "icon", "Choose one of the icons listed."),
    ({"parent": "999"}, "parent", "That parent category does not exist any more."),
    ({"parent": "abc"}, "parent", "Parent must be a whole number."),
    ({"position": "first"}, "position", "Position must be a whole number."),
    ({"position": "2.5"}, "position", "Position must be a whole number."),
    ({"position": "99999999"}, "position", "Position must be between"),
]


@pytest.mark.parametrize("fields, field, message", INVALID)
def test_bad_input_re_renders_the_form_with_a_message(app, tree, fields, field, message):
    client = signed_in(app, "editor")

    response = post_form(client, "/write/categories/new", **{**category_form(title="Shipping & more"), **fields})

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(rf'<p class="field-error" id="{field}-error">[^<]*{re.escape(message)}', page)
    with app.app_context():
        assert len(db.session.execute(select(Category)).scalars().all()) == 3


@pytest.mark.parametrize("parent", ["help", "billing"])
def test_a_category_cannot_be_its_own_ancestor(app, tree, parent):
    client = signed_in(app, "editor")
    url = f"/write/categories/{tree['help']}/edit"

    response = post_form(client, url, **category_form(title="Help", slug="help", parent=str(tree[parent])))

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "A category cannot be placed under itself or one of its own subcategories." in page
    with app.app_context():
        assert get_category("help").parent_id is None


def test_the_form_keeps_what_was_typed_after_an_error(app, tree):
    client = signed_in(app, "editor")

    page = post_form(client, "/write/categories/new", **category_form(
        title="Returns <b>", description="Kept text", slug="Bad Slug")).get_data(as_text=True)

    assert 'value="Returns &lt;b&gt;"' in page and ">Kept text</textarea>" in page and 'value="Bad Slug"' in page


def test_service_refuses_an_unknown_category(ctx):
    with pytest.raises(CategoryError, match="does not exist"):
        save_category(999, "Title", "", "", "", None, 0)


# -- delete ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("slug, message", [
    ("help", "“Help” still holds 1 subcategory: move them to another category first."),
    ("billing", "“Billing” still holds 1 article: move them to another category first."),
])
def test_only_empty_categories_can_be_deleted(app, tree, slug, message):
    client = signed_in(app, "editor")
    edit_url = f"/write/categories/{tree[slug]}/edit"

    assert "Only an empty category can be deleted." in client.get(edit_url).get_data(as_text=True)
    response = post_form(client, f"/write/categories/{tree[slug]}/delete", edit_url)

    assert response.status_code == 400
    assert f'<p class="notice" role="alert">{message}</p>' in response.get_data(as_text=True)
    with app.app_context():
        assert get_category(slug) is not None


def test_deleting_an_empty_category(app, tree):
    client = signed_in(app, "admin")

    response = post_form(client, f"/write/categories/{tree['legal']}/delete", f"/write/categories/{tree['legal']}/edit")

    assert response.status_code == 302
    assert "Category “Legal” deleted." in client.get("/write/categories").get_data(as_text=True)
    with app.app_context():
        assert get_category("legal") is None
        with pytest.raises(CategoryError, match="does not exist"):
            delete_category(tree["legal"])


def test_delete_is_post_only(app, tree):
    response = signed_in(app, "editor").get(f"/write/categories/{tree['legal']}/delete")
    assert response.status_code == 405


# -- CSRF ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/write/categories/new", "/write/categories/{legal}/edit",
                                 "/write/categories/{legal}/delete"])
def test_posts_without_the_csrf_token_are_refused(app, tree, url):
    client = signed_in(app, "editor")

    response = client.post(url.format(**tree), data=category_form(title="Forged", slug="legal"))

    assert response.status_code == 400
    with app.app_context():
        assert get_category("legal").title == "Legal"
        assert get_category("forged") is None


# -- the public site -------------------------------------------------------------------------------------------
def test_a_renamed_category_shows_on_the_public_site_at_once(synced_app):
    reader = synced_app.test_client()
    assert "Payments &amp; billing" in reader.get("/").get_data(as_text=True)  # the home page is now cached
    with synced_app.app_context():
        category = get_category("payments-and-billing")
        form = category_form(title="Money matters", slug=category.slug, description=category.description,
                             icon=category.icon, position=str(category.position))
        url = f"/write/categories/{category.id}/edit"

    assert post_form(signed_in(synced_app, "editor"), url, **form).status_code == 302

    home = reader.get("/").get_data(as_text=True)
    assert "Money matters" in home and "Payments &amp; billing" not in home


def test_category_changes_are_in_the_audit_log(app):
    from app.authoring.models import AuditEvent

    with app.app_context():
        created = save_category(None, "Shipping", "", "Parcels and lockers.", "", None, 0)
        save_category(created.id, "Delivery", "delivery", "Parcels and lockers.", "", None, 0)
        delete_category(created.id)
        rows = db.session.execute(select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.id)).all()
    assert [tuple(row) for row in rows] == [
        ("category_created", "Shipping (/categories/shipping)"),
        ("category_changed", "Shipping (/categories/shipping) → Delivery (/categories/delivery)"),
        ("category_deleted", "Delivery (/categories/delivery)"),
    ]
