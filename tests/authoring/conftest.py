"""Fixtures for the writers' workspace: one user per role, a category, and signed-in clients."""
import pytest

from werkzeug.security import generate_password_hash

from app.auth.models import User
from app.extensions import db
from app.kb.models import Category
from tests.helpers import login

PASSWORD = "correct horse 42"
ROLES = ("writer", "editor", "lead", "admin")


@pytest.fixture(scope="session")
def password_hash():
    """PASSWORD hashed once: hashing is deliberately slow, and every test needs four users."""
    return generate_password_hash(PASSWORD)


@pytest.fixture
def staff(app, password_hash):
    """{role: user id} with one active user per role (e-mail <role>@example.com, name <Role>)."""
    with app.app_context():
        users = {role: User(email=f"{role}@example.com", name=role.title(), role=role, password_hash=password_hash)
                 for role in ROLES}
        db.session.add_all(users.values())
        db.session.commit()
        return {role: user.id for role, user in users.items()}


@pytest.fixture
def category_id(app):
    """The id of an empty category to write into."""
    with app.app_context():
        category = Category(slug="getting-started", title="Getting started")
        db.session.add(category)
        db.session.commit()
        return category.id


def sign_in(app, role):
    """A new test client signed in as the user of ``role`` (see the staff fixture)."""
    client = app.test_client()
    response = login(client, f"{role}@example.com", PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def editor_form(client, url):
    """The CSRF token and base revision of an editor page, as a dict of form fields."""
    import re

    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    base = re.search(r'name="base_revision_id" value="([^"]*)"', page).group(1)
    return {"csrf_token": token, "base_revision_id": base}
