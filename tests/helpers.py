"""Shared test helpers: writing content files, service requirements, backends."""
import os
import textwrap
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = PROJECT_ROOT / "content"

# Run a test on SQLite and on the real PostgreSQL server.
BOTH_BACKENDS = pytest.mark.parametrize(
    "app", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


# Search behaviour on every search backend: SQLite FTS5 (default), Whoosh, PostgreSQL.
SEARCH_BACKENDS = pytest.mark.parametrize(
    "app", ["sqlite", "whoosh", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)

# Tests of the index files themselves: the embedded backends, whatever TIER0_TEST_BACKEND says.
FILE_BACKENDS = pytest.mark.parametrize("app", ["sqlite", "whoosh"], indirect=True)
WHOOSH_ONLY = pytest.mark.parametrize("app", ["whoosh"], indirect=True)


def schema_url(base_url, schema):
    """A PostgreSQL URL whose connections use ``schema`` first (then public, where extensions live)."""
    from urllib.parse import quote

    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options={quote(f'-csearch_path={schema},public')}"


def require_service(reason):
    """Skip when a service is missing, or fail when CI demands every service (TIER0_REQUIRE_SERVICES=1)."""
    if os.environ.get("TIER0_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service unavailable: {reason}")
    pytest.skip(reason)


def write(root, relpath, text):
    """Write a dedented text file under root and return its path."""
    path = Path(root) / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def article_file(title, body="Some helpful text.", **meta):
    """Markdown text with front matter (values rendered as simple YAML)."""
    lines = ["---", f"title: {title}"]
    for key, value in meta.items():
        if isinstance(value, list):
            value = "[" + ", ".join(value) + "]"
        lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body + "\n"


def csrf_token(client, url):
    """The CSRF token of the form on a page."""
    import re

    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def login(client, email, password, next_url=""):
    """Sign in through the real form (CSRF token included); returns the response."""
    token = csrf_token(client, "/auth/login")
    data = {"email": email, "password": password, "csrf_token": token, "next": next_url}
    return client.post("/auth/login", data=data)
