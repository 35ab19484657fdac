"""The render server a web process keeps: started on the first PDF, gone when idle, replaced when it is gone."""
import os
import signal
import time

import pytest

from app.pdf import worker
from app.pdf.services import render_document

HTML = "<!doctype html><title>Worker</title><h1>Drawn in the render server</h1>"


@pytest.fixture(autouse=True)
def fresh_server():
    """Each test starts without a render server and leaves none behind."""
    worker.stop()
    yield
    worker.stop()


def test_the_first_pdf_starts_a_server_that_later_pdfs_reuse(ctx):
    assert worker._server.process is None
    first = render_document(HTML)
    server = worker._server.process
    second = render_document(HTML)

    assert first.pdf.startswith(b"%PDF-") and first.pages == 1 and first.peak_memory_kb > 0
    assert second.pdf == first.pdf and worker._server.process is server and server.poll() is None


@pytest.mark.app_config(PDF_WORKER_IDLE_SECONDS=0.3)
def test_an_idle_server_exits_and_the_next_pdf_starts_a_new_one(ctx):
    render_document(HTML)
    server = worker._server.process
    deadline = time.monotonic() + 10
    while server.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.poll() == 0  # left on its own, cleanly

    assert render_document(HTML).pdf.startswith(b"%PDF-")
    assert worker._server.process is not server


def test_a_server_that_left_between_check_and_job_is_replaced_without_failing_the_pdf(ctx, monkeypatch):
    render_document(HTML)
    server = worker._server.process
    os.killpg(server.pid, signal.SIGKILL)
    server.wait()
    monkeypatch.setattr(server, "poll", lambda: None)  # as if it exited just after the web process looked

    assert render_document(HTML).pdf.startswith(b"%PDF-")
    assert worker._server.process is not server
