"""Configuration from the environment, the instance folder and production safety."""
import pytest

from app import create_app
from app.config import normalize_database_url


def test_instance_path_from_environment_holds_the_database_and_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("TIER0_INSTANCE_PATH", str(tmp_path / "elsewhere"))
    monkeypatch.delenv("DATABASE_URL", raising=False)

    app = create_app()

    assert app.instance_path == str(tmp_path / "elsewhere")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'elsewhere' / 'tier0.db'}"
    assert (tmp_path / "elsewhere" / "secret_key").read_text() == app.config["SECRET_KEY"]


def test_development_secret_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("TIER0_SECRET_KEY", raising=False)

    first = create_app({"INSTANCE_PATH": str(tmp_path)})
    second = create_app({"INSTANCE_PATH": str(tmp_path)})

    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("TIER0_ENV", "production")
    monkeypatch.delenv("TIER0_SECRET_KEY", raising=False)

    with pytest.raises(RuntimeError, match="TIER0_SECRET_KEY must be set"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_production_with_a_secret_uses_secure_cookies_and_no_debug(monkeypatch, tmp_path):
    monkeypatch.setenv("TIER0_ENV", "production")
    monkeypatch.setenv("TIER0_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("TIER0_DEBUG", "true")

    app = create_app({"INSTANCE_PATH": str(tmp_path)})

    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.debug is False
    assert not (tmp_path / "secret_key").exists()


def test_database_url_alias_is_honoured(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example:5432/help")

    app = create_app({"INSTANCE_PATH": str(tmp_path)})

    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example:5432/help"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgres://h/db", "postgresql+psycopg://h/db"),
        ("postgresql://h/db", "postgresql+psycopg://h/db"),
        ("postgresql+psycopg://h/db", "postgresql+psycopg://h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_urls_are_normalized_to_psycopg3(url, expected):
    assert normalize_database_url(url) == expected


def test_prefixed_environment_overrides_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("TIER0_SITE_NAME", "Acme Help")
    monkeypatch.setenv("TIER0_PAGEVIEW_FLUSH_SIZE", "7")

    app = create_app({"INSTANCE_PATH": str(tmp_path)})

    assert app.config["SITE_NAME"] == "Acme Help" and app.config["PAGEVIEW_FLUSH_SIZE"] == 7
    assert "Acme Help" in app.test_client().get("/auth/login").get_data(as_text=True)


def test_create_app_does_not_create_tables(tmp_path):
    import sqlite3

    create_app({"INSTANCE_PATH": str(tmp_path)})

    db_file = tmp_path / "tier0.db"
    tables = sqlite3.connect(db_file).execute("select name from sqlite_master").fetchall() if db_file.exists() else []
    assert tables == []


def test_debugger_is_off_by_default(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path)})

    assert app.debug is False


def test_untrusted_host_gets_a_plain_400(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "TRUSTED_HOSTS": ["help.example.com"]})
    client = app.test_client()

    refused = client.get("/robots.txt", headers={"Host": "evil.example"})

    assert refused.status_code == 400
    assert "Bad request" in refused.get_data(as_text=True) and "Traceback" not in refused.get_data(as_text=True)
    assert refused.headers["Content-Security-Policy"]
    assert client.get("/robots.txt", headers={"Host": "help.example.com"}).status_code == 200
