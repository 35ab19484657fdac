"""What the plugin platform gives every plugin: its own migrations, entry points, panels, a CLI listing."""
import textwrap

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import create_app
from app.auth.services import create_user
from app.extensions import db
from tests.conftest import BASE_CONFIG
from tests.helpers import login

FEEDBACK_TABLES = {"feedback_votes", "feedback_topic_requests"}


@pytest.mark.parametrize("plugins, has_feedback_tables", [(["feedback"], True), ([], False)])
def test_db_upgrade_applies_the_branches_of_enabled_plugins(tmp_path, plugins, has_feedback_tables):
    app = create_app({**BASE_CONFIG, "INSTANCE_PATH": str(tmp_path), "PLUGINS": plugins})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])  # no revision: every head

    assert result.exit_code == 0, result.output
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert "articles" in tables
        assert (FEEDBACK_TABLES <= tables) is has_feedback_tables
        heads = {row[0] for row in db.session.execute(db.text("SELECT version_num FROM alembic_version"))}
        assert ("feedback_0002" in heads) is has_feedback_tables
        db.session.remove()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade(revision="heads")
        db.engine.dispose()


def test_a_plugin_from_an_installed_distribution_is_found_by_its_entry_point(tmp_path, monkeypatch):
    dist = tmp_path / "site" / "tier0_greeter-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: tier0-greeter\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(textwrap.dedent("""
        [tier0.plugins]
        greeter = tests.plugins_demo.hello
    """))
    monkeypatch.syspath_prepend(str(tmp_path / "site"))

    app = create_app({**BASE_CONFIG, "INSTANCE_PATH": str(tmp_path / "instance"), "PLUGINS": ["greeter"]})

    assert "hello" in app.extensions["tier0_plugins"].plugins
    listing = app.test_cli_runner().invoke(args=["plugins", "list"]).output
    assert "greeter\tentry point tests.plugins_demo.hello" in listing
    assert "enabled hello" in listing and "feedback\tpackage plugins.feedback" in listing


@pytest.mark.app_config(PLUGINS=["tests.plugins_demo.hello"])
@pytest.mark.parametrize("role, sees", [("writer", True), ("lead", True)])
def test_a_plugin_panel_appears_on_the_dashboard_for_its_roles(app, role, sees):
    with app.app_context():
        create_user(f"{role}@example.com", "correct horse battery", role=role)
    client = app.test_client()
    login(client, f"{role}@example.com", "correct horse battery")

    page = client.get("/dashboard/").get_data(as_text=True)

    assert ('<p class="hello-panel">' in page) is sees
    assert "Article ratings" not in page  # the feedback plugin is not enabled here


def test_a_panel_with_a_bad_key_stops_start_up(tmp_path):
    from app.core.plugins import Plugin, PluginError

    class Broken(Plugin):
        name = "broken"

    with pytest.raises(PluginError, match="panel key 'not valid' must be an identifier"):
        app = create_app({**BASE_CONFIG, "INSTANCE_PATH": str(tmp_path), "PLUGINS": []})
        Broken().add_panel(app, "not valid", "Broken", lambda: "")

