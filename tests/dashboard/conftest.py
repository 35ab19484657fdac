"""Fixtures for the support-lead dashboard: the staff accounts and signed-in clients of the workspace tests."""
import pytest

from tests.authoring.conftest import password_hash, sign_in, staff  # noqa: F401
from tests.dashboard import synthetic


@pytest.fixture
def dataset(app, tmp_path):
    """The fixed data set of tests/dashboard/synthetic.py, rolled up: {slug: article id}."""
    with app.app_context():
        return synthetic.build(tmp_path / "content")


@pytest.fixture
def lead(app, staff):
    """A test client signed in as the lead."""
    return sign_in(app, "lead")
