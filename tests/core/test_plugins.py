"""The plugin loader: a plugin added without editing app/, and the rules checked at load time."""
import subprocess
import sys

import pytest

from app import create_app
from app.core.plugins import SLOTS, PluginError
from app.kb.sync import sync_directory
from tests.conftest import BASE_CONFIG
from tests.helpers import PROJECT_ROOT, article_file, write
from tests.plugins_demo import hello


@pytest.fixture
def article(app, tmp_path):
    write(tmp_path / "c", "general/welcome.md", article_file("Welcome", "Hi."))
    with app.app_context():
        sync_directory(tmp_path / "c")


@pytest.mark.app_config(PLUGINS=["tests.plugins_demo.hello"])
def test_plugin_fills_a_slot_serves_a_page_and_hears_signals(client, article):
    hello.seen_views.clear()

    page = client.get("/articles/welcome").get_data(as_text=True)

    assert '<p class="hello-footer">Hello, reader of welcome!</p>' in page
    assert client.get("/hello/").get_data(as_text=True) == "Hello from the hello plugin"
    assert len(hello.seen_views) == 1


@pytest.mark.app_config(PLUGINS=["tests.plugins_demo.hello"], PLUGIN_SETTINGS={"hello": {"greeting": "Howdy"}})
def test_plugin_settings_override_defaults(client, article):
    assert "Howdy, reader of welcome!" in client.get("/articles/welcome").get_data(as_text=True)


def test_without_plugins_the_site_works_and_slots_are_empty(client, article):
    page = client.get("/articles/welcome").get_data(as_text=True)

    assert "hello-footer" not in page
    assert client.get("/hello/").status_code == 404


@pytest.mark.parametrize(
    "entry, settings, message",
    [
        ("does_not_exist", {}, "plugin 'does_not_exist' not found: no entry point 'does_not_exist' in group 'tier0.plugins' "
                               "and no module 'plugins.does_not_exist'"),
        ("tests.plugins_demo.notaplugin", {}, "has no attribute 'plugin'"),
        ("tests.plugins_demo.wrongbp", {}, "blueprint 'something_else' must be named 'wrongbp'"),
        ("tests.plugins_demo.wrongprefix", {}, "URL '/elsewhere/x' must start with '/wrongprefix'"),
        ("tests.plugins_demo.unknownslot", {}, "unknown template slot 'sidebar_of_doom'"),
        ("tests.plugins_demo.hello", {"hello": {"greting": "typo"}}, "unknown settings ['greting']"),
    ],
)
def test_broken_plugins_stop_start_up_with_the_rule_they_broke(tmp_path, entry, settings, message):
    with pytest.raises(PluginError) as raised:
        create_app({**BASE_CONFIG, "INSTANCE_PATH": str(tmp_path), "PLUGINS": [entry], "PLUGIN_SETTINGS": settings})

    assert message in str(raised.value)


def test_plugin_listed_twice_is_refused(tmp_path):
    with pytest.raises(PluginError, match="listed twice"):
        create_app({**BASE_CONFIG, "INSTANCE_PATH": str(tmp_path),
                    "PLUGINS": ["tests.plugins_demo.hello", "tests.plugins_demo.hello"]})


def test_plugin_tables_must_carry_the_plugin_prefix(tmp_path):
    # A subprocess keeps the offending model out of this process's shared metadata.
    code = (
        "from app import create_app\n"
        f"create_app({{'INSTANCE_PATH': {str(tmp_path)!r}, 'SECRET_KEY': 'x', "
        "'PLUGINS': ['tests.plugins_demo.badtable']})\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)

    assert result.returncode != 0
    assert "plugin 'badtable': table 'things_without_prefix' must start with 'badtable_'" in result.stderr


def test_every_slot_used_by_templates_is_documented():
    templates = "".join(p.read_text() for p in (PROJECT_ROOT / "app").rglob("*.html"))
    import re

    used = set(re.findall(r'slot\("([a-z_]+)"', templates))
    assert used == set(SLOTS)
