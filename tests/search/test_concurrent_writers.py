"""Several processes publishing at the same moment: no lock error reaches anyone, no update is lost."""
import os
import subprocess
import sys
import textwrap

import pytest

from app.kb import services as kb
from app.kb.sync import sync_directory
from app.search import indexing, services
from tests.helpers import SEARCH_BACKENDS, PROJECT_ROOT, article_file, write

pytestmark = pytest.mark.slow

WRITER = textwrap.dedent('''
    import sys
    from app import create_app
    from app.extensions import db
    from app.kb import services as kb

    worker, rounds = int(sys.argv[1]), int(sys.argv[2])
    app = create_app()
    with app.app_context():
        for n in range(rounds):
            for slug in ("shared", f"own{worker}"):
                article = kb.get_article(slug)
                revision = kb.add_revision(article, article.current_revision.title, "",
                                           f"word{worker}x{n} edited by worker {worker}")
                kb.publish(article, revision)
                db.session.commit()
    print("done")
''')


@SEARCH_BACKENDS
def test_four_processes_publishing_at_once_lose_nothing(app, tmp_path):
    root = tmp_path / "content"
    write(root, "general/shared.md", article_file("Shared", "start"))
    for worker in range(4):
        write(root, f"general/own{worker}.md", article_file(f"Own {worker}", "start"))
    with app.app_context():
        sync_directory(root)
    env = {**os.environ, "TIER0_INSTANCE_PATH": app.instance_path, "TIER0_SECRET_KEY": "x",
           "TIER0_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
           "TIER0_SEARCH_BACKEND": app.config["SEARCH_BACKEND"]}
    script = tmp_path / "writer.py"
    script.write_text(WRITER)

    workers = [subprocess.Popen([sys.executable, str(script), str(w), "8"], cwd=PROJECT_ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for w in range(4)]
    outputs = [w.communicate(timeout=180) for w in workers]

    for process, (out, err) in zip(workers, outputs):
        assert process.returncode == 0, err
        assert "LockError" not in err and "database is locked" not in err
    with app.app_context():
        # Every indexed document is at its article's published revision: no update was lost.
        assert indexing.drift(app) == ([], [], [])
        for worker in range(4):
            assert f"own{worker}" in [r.article.slug for r in services.search(f"word{worker}x7").results]
        final_word = kb.get_article("shared").published_revision.body.split()[0]
        assert "shared" in [r.article.slug for r in services.search(final_word).results]
