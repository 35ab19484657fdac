"""Several gunicorn workers writing to one SQLite file never see "database is locked"."""
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.helpers import CONTENT_DIR, PROJECT_ROOT

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("server exited early")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(url)


def fetch(url, agent):
    request = urllib.request.Request(url, headers={"User-Agent": agent})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def test_four_workers_log_views_while_content_syncs(tmp_path):
    env = {**os.environ, "TIER0_INSTANCE_PATH": str(tmp_path / "instance"), "TIER0_SECRET_KEY": "multiprocess",
           "TIER0_PAGEVIEW_FLUSH_SIZE": "1", "TIER0_PAGE_CACHE_CHECK_SECONDS": "0"}
    env.pop("DATABASE_URL", None)
    subprocess.run([BIN / "tier0", "db", "upgrade"], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True)
    subprocess.run([BIN / "tier0", "kb", "sync"], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    server = subprocess.Popen(
        [BIN / "gunicorn", "-w", "4", "-b", f"127.0.0.1:{port}", "--error-logfile", str(log), "wsgi:app"],
        env=env, cwd=PROJECT_ROOT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/", server)
        slugs = ["payment-failed", "refunds", "post-an-ad", "log-in-and-reset-password"]
        urls = [(f"{base}/articles/{slugs[i % 4]}", f"Browser-{i % 25}") for i in range(400)]
        # A writer in another process at the same time: sync a changed copy of the content.
        changed = tmp_path / "changed"
        subprocess.run(["cp", "-r", str(CONTENT_DIR), str(changed)], check=True)
        target = changed / "payments-and-billing" / "refunds.md"
        target.write_text(target.read_text() + "\n\nUpdated while under load.\n")
        with ThreadPoolExecutor(max_workers=16) as pool:
            futures = [pool.submit(fetch, url, agent) for url, agent in urls]
            sync = subprocess.run([BIN / "tier0", "kb", "sync", str(changed)], env=env, cwd=PROJECT_ROOT,
                                  capture_output=True, text=True, timeout=120)
            statuses = [f.result() for f in futures]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    assert statuses == [200] * 400
    assert sync.returncode == 0, sync.stderr
    assert "updated: 1" in sync.stdout
    errors = log.read_text()
    assert "database is locked" not in errors and "Traceback" not in errors
    conn = sqlite3.connect(tmp_path / "instance" / "tier0.db")
    assert conn.execute("select sum(views) from page_views").fetchone()[0] == 400
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
