"""render_pdf: a PDF from HTML, loading the app's static files and nothing else (no network, no other files)."""
import socket
import urllib.request
from pathlib import Path

import pytest

from app.pdf import render
from app.pdf.render import INTERNAL_BASE_URL, StaticFilesOnly, render_pdf

STATIC = Path(__file__).resolve().parents[2] / "app" / "static"


@pytest.fixture
def no_way_out(monkeypatch):
    """Record (and stop) any connection or urllib request made while rendering."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args[1:] if args else kwargs)
        raise AssertionError("the PDF renderer tried to reach out")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    return attempts


@pytest.fixture
def fetchers(monkeypatch):
    """Every StaticFilesOnly that render_pdf makes, to look at what it served and refused."""
    made = []

    class Recorded(StaticFilesOnly):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(render, "StaticFilesOnly", Recorded)
    return made


def test_html_becomes_a_pdf(ctx):
    pdf = render_pdf("<!doctype html><title>Report</title><h1>Inquiries</h1><p>Twelve of them.</p>")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")


def test_remote_and_local_files_are_not_fetched(ctx, no_way_out, fetchers):
    html = """<!doctype html><html><head>
      <link rel="stylesheet" href="file:///etc/passwd">
      <link rel="stylesheet" href="https://example.com/evil.css">
      <style>@import url("http://example.com/imported.css"); body { background: url(ftp://example.com/bg.png) }</style>
    </head><body>
      <img src="http://example.com/x.png"><img src="https://127.0.0.1:5432/y.png">
      <img src="data:image/png;base64,iVBORw0KGgo="><img src="file:///etc/hostname">
      <img src="/static/../../config.py"><img src="/static/%2e%2e/%2e%2e/config.py">
    </body></html>"""
    assert render_pdf(html).startswith(b"%PDF-")
    [fetcher] = fetchers
    assert fetcher.served == []
    assert set(fetcher.refused) >= {"file:///etc/passwd", "https://example.com/evil.css",
                                    "http://example.com/imported.css", "ftp://example.com/bg.png",
                                    "http://example.com/x.png", "https://127.0.0.1:5432/y.png",
                                    "data:image/png;base64,iVBORw0KGgo=", "file:///etc/hostname"}
    assert len(fetcher.refused) == 10
    assert no_way_out == []


def test_a_static_file_is_served_from_the_static_folder(ctx, no_way_out, fetchers):
    html = ('<!doctype html><link rel="stylesheet" href="/static/css/app.css">'
            '<img src="/static/img/favicon.svg" alt=""><h1>Styled</h1>')
    assert render_pdf(html).startswith(b"%PDF-")
    [fetcher] = fetchers
    assert fetcher.served == [f"{INTERNAL_BASE_URL}static/css/app.css", f"{INTERNAL_BASE_URL}static/img/favicon.svg"]
    assert fetcher.refused == [] and no_way_out == []


def test_a_page_address_as_base_url_maps_its_static_paths_to_files(ctx, no_way_out, fetchers):
    render_pdf('<link rel="stylesheet" href="/static/css/app.css"><img src="http://elsewhere.example/static/x.png">',
               base_url="http://localhost/staff/reports/inquiries")
    [fetcher] = fetchers
    assert fetcher.served == ["http://localhost/static/css/app.css"]
    assert fetcher.refused == ["http://elsewhere.example/static/x.png"]
    assert no_way_out == []


@pytest.mark.parametrize("url, served", [
    (f"{INTERNAL_BASE_URL}static/css/app.css", "css/app.css"),
    (f"{INTERNAL_BASE_URL}static/css/app.css?v=2#top", "css/app.css"),
    (f"file://{STATIC}/css/app.css", "css/app.css"),
    (f"file://localhost{STATIC}/css/app.css", "css/app.css"),
    (f"{INTERNAL_BASE_URL}static/css/../css/app.css", None),  # ".." refused even when it stays inside
    (f"{INTERNAL_BASE_URL}static/%2e%2e/%2e%2e/config.py", None),
    (f"{INTERNAL_BASE_URL}static/..%2f..%2fconfig.py", None),
    (f"{INTERNAL_BASE_URL}static/css%5c..%5c..%5cconfig.py", None),
    (f"{INTERNAL_BASE_URL}static/css/app.css%00.png", None),
    (f"{INTERNAL_BASE_URL}static//etc/passwd", None),
    (f"{INTERNAL_BASE_URL}static/", None),
    (f"{INTERNAL_BASE_URL}static/css", None),
    (f"{INTERNAL_BASE_URL}static/css/missing.css", None),
    (f"{INTERNAL_BASE_URL}config.py", None),
    ("http://tier0.invalid/static/css/app.css", None),  # another scheme is another origin
    ("https://example.com/static/css/app.css", None),
    ("ftp://tier0.invalid/static/css/app.css", None),
    ("file:///etc/passwd", None),
    (f"file://{STATIC}/../config.py", None),
    (f"file://{STATIC}", None),
    (f"file://example.com{STATIC}/css/app.css", None),
    ("data:text/css,body%7Bcolor:red%7D", None),
    ("javascript:alert(1)", None),
    ("/static/css/app.css", None),  # never relative: WeasyPrint joins URLs with the base first
])
def test_only_urls_of_files_inside_the_static_folder_are_served(url, served):
    fetcher = StaticFilesOnly(STATIC)
    path = fetcher.local_path(url)
    assert (path.relative_to(STATIC).as_posix() if path else None) == served


def test_a_symlink_out_of_the_static_folder_is_refused(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "ok.css").write_text("h1 { color: red }")
    secret = tmp_path / "secret.txt"
    secret.write_text("password")
    (static / "leak.css").symlink_to(secret)
    fetcher = StaticFilesOnly(static)
    assert fetcher.local_path(f"{INTERNAL_BASE_URL}static/ok.css") == static / "ok.css"
    assert fetcher.local_path(f"{INTERNAL_BASE_URL}static/leak.css") is None
    with pytest.raises(render.RefusedURL):
        fetcher.fetch(f"{INTERNAL_BASE_URL}static/leak.css")
    assert fetcher.refused == [f"{INTERNAL_BASE_URL}static/leak.css"]


def test_a_served_file_has_its_media_type():
    response = StaticFilesOnly(STATIC).fetch(f"{INTERNAL_BASE_URL}static/css/app.css")
    assert response.content_type == "text/css"
    assert response.read() == (STATIC / "css" / "app.css").read_bytes()
