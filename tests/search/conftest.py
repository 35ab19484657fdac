"""A help center with the default content indexed, shared by the read-only search tests of a module."""
import os

import pytest

from app.kb.sync import sync_directory
from tests.conftest import _dispose, make_app
from tests.helpers import CONTENT_DIR

BACKENDS = ["sqlite", "whoosh", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=BACKENDS)
def indexed_app(request, tmp_path_factory):
    """The default content synced and indexed, on each search backend; treat it as read-only."""
    backend = request.param if request.param != "sqlite" else os.environ.get("TIER0_TEST_BACKEND", "sqlite")
    application = make_app(request, backend, tmp_path_factory.mktemp("indexed") / "instance")
    with application.app_context():
        assert not sync_directory(CONTENT_DIR).failed
    yield application
    _dispose(application)
