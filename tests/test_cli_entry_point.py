"""The `tier0` console script is the Flask CLI of this app."""
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import PROJECT_ROOT, article_file, write

BIN = Path(sys.executable).parent


def run(args, instance, **kwargs):
    env = {**os.environ, "TIER0_INSTANCE_PATH": str(instance), "TIER0_SECRET_KEY": "cli-test"}
    env.pop("DATABASE_URL", None)
    return subprocess.run(args, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, **kwargs)


def test_tier0_lists_the_app_commands(tmp_path):
    result = run([BIN / "tier0", "--help"], tmp_path)

    assert result.returncode == 0
    for command in ("db", "kb", "users", "run", "routes"):
        assert f"  {command} " in result.stdout


def test_tier0_kb_sync_equals_flask_app_wsgi_kb_sync(tmp_path):
    write(tmp_path / "content", "general/hello.md", article_file("Hello", "Hi."))
    run([BIN / "tier0", "db", "upgrade"], tmp_path / "a")
    run([BIN / "flask", "--app", "wsgi", "db", "upgrade"], tmp_path / "b")

    via_tier0 = run([BIN / "tier0", "kb", "sync", str(tmp_path / "content")], tmp_path / "a")
    via_flask = run([BIN / "flask", "--app", "wsgi", "kb", "sync", str(tmp_path / "content")], tmp_path / "b")

    assert via_tier0.returncode == via_flask.returncode == 0
    assert via_tier0.stdout == via_flask.stdout == "created: 1, updated: 0, unchanged: 0, failed: 0\n"
