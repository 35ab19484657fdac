"""Hostile documents: a PDF never reaches the network or a file beyond the app's own, never embeds a file,
and a render that runs too long or too big gives a friendly page and leaves the next PDF working.

Two walls stand between an article body and /etc/passwd: nh3 strips what Markdown may not carry, and the
render worker's fetcher refuses every URL but the app's own files. The article tests go through both;
the raw-HTML tests skip the first, to show the second holds on its own.
"""
import io
import select
import socket
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from pypdf import PdfReader
from pypdf.generic import StreamObject

from app.kb.sync import sync_directory
from app.pdf import worker
from app.pdf.render import INTERNAL_BASE_URL
from app.pdf.services import render_document
from tests.helpers import article_file, write

# Whatever reaches the listener is told to go to the file: a fetcher that follows redirects would read it.
REDIRECT = b"HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class Listener:
    """A TCP server on 127.0.0.1 that records every connection and answers it with a redirect to /etc/passwd."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.socket.getsockname()[1]}"
        self.connections = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stopping.is_set():
            if select.select([self.socket], [], [], 0.05)[0]:
                connection, peer = self.socket.accept()
                self.connections.append(peer)
                with connection:
                    connection.settimeout(1)
                    try:
                        connection.recv(4096)
                        connection.sendall(REDIRECT)
                    except OSError:
                        pass

    def connections_made(self):
        """Every connection so far, counting those the kernel queued but the thread has not accepted yet."""
        self.stop()
        self.socket.setblocking(False)
        while True:
            try:
                connection, peer = self.socket.accept()
            except BlockingIOError:
                return self.connections
            connection.close()
            self.connections.append(peer)

    def stop(self):
        self._stopping.set()
        self._thread.join()


@pytest.fixture
def listener():
    """A listener on 127.0.0.1 that the hostile documents point at."""
    server = Listener()
    yield server
    server.stop()
    server.socket.close()


@pytest.fixture(scope="module")
def passwd_line():
    """The first line of /etc/passwd: what must never end up in a PDF."""
    line = Path("/etc/passwd").read_text().splitlines()[0]  # every Debian machine, CI included, has it
    assert line.startswith("root:")
    return line


def pdf_facts(pdf):
    """(text of all pages, decompressed bytes of every stream, attachments, annotation subtypes) of a PDF."""
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    streams = []
    for number in range(1, int(reader.trailer["/Size"])):
        found = reader.get_object(number)
        if isinstance(found, StreamObject):
            streams.append(found.get_data())
    subtypes = {annotation.get_object().get("/Subtype") for page in reader.pages
                for annotation in (page.get("/Annots") or [])}
    return text, b"\n".join(streams), dict(reader.attachments), subtypes


def assert_drawn_without_the_file(pdf, passwd_line, visible):
    """A real PDF showing ``visible``, with nothing of /etc/passwd in it and no file embedded."""
    assert pdf.startswith(b"%PDF-")
    text, streams, attachments, annotation_subtypes = pdf_facts(pdf)
    squeezed = " ".join(text.split())
    for words in visible:
        assert words in squeezed  # the document really was drawn
    assert passwd_line not in text and "root:x:" not in text
    assert passwd_line.encode() not in streams and passwd_line.encode() not in pdf
    assert attachments == {}
    assert "/FileAttachment" not in annotation_subtypes
    assert b"/EmbeddedFile" not in pdf and b"/EmbeddedFile" not in streams


# --- through the product: an article body, sanitized by nh3, then drawn ------------------------------

HOSTILE_BODIES = [
    pytest.param('<img src="file:///etc/passwd">', id="img-file"),
    pytest.param("![passwd](file:///etc/passwd)", id="markdown-image-file"),
    pytest.param('<link rel="attachment" href="file:///etc/passwd">', id="link-attachment"),
    pytest.param('<a rel="attachment" href="file:///etc/passwd">the file</a>', id="a-attachment"),
    pytest.param('<a rel="attachment" href="/static/css/pdf.css">our stylesheet</a>', id="a-attachment-allowed-file"),
    pytest.param('<link rel="stylesheet" href="file:///etc/passwd">', id="stylesheet-file"),
    pytest.param("<style>@import url(file:///etc/passwd); @import url(http://{listener}/imported.css);</style>",
                 id="css-import"),
    pytest.param("<style>@font-face { font-family: Evil; src: url(file:///etc/passwd), url(http://{listener}/f.woff) }"
                 " p { font-family: Evil }</style>", id="css-font-face"),
    pytest.param('<p style="background: url(http://{listener}/bg.png)">Styled paragraph.</p>', id="css-inline-url"),
    pytest.param('<img src="http://{listener}/x.png">', id="img-listener-http"),
    pytest.param("![remote](https://{listener}/y.png)", id="markdown-image-listener-https"),
    pytest.param('<img src="http://{listener}/redirect-to-passwd">', id="img-listener-redirect"),
    pytest.param('<object data="file:///etc/passwd"></object><embed src="http://{listener}/e.png">'
                 '<iframe src="file:///etc/passwd"></iframe>', id="object-embed-iframe"),
    pytest.param('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                 '<image href="file:///etc/passwd" width="10" height="10"/></svg>', id="inline-svg-image"),
    pytest.param("<img src=\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E"
                 "%3Cimage href='file:///etc/passwd'/%3E%3C/svg%3E\">", id="svg-data-url"),
    pytest.param('<base href="file:///etc/"><img src="passwd">', id="base-file"),
    pytest.param('<img src="/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd"> ![up](/media/../../../../etc/passwd)',
                 id="traversal"),
]


@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_a_hostile_article_becomes_a_pdf_without_the_file_or_the_network(app, client, tmp_path, listener,
                                                                         passwd_line, body):
    root = tmp_path / "content"
    write(root, "help/_category.yml", "title: Help\nposition: 1\n")
    hostile = body.replace("{listener}", listener.address)
    write(root, "help/hostile.md", article_file("Hostile article", f"Visible words before.\n\n{hostile}\n\n"
                                                                   "Visible words after.\n"))
    app.config["CONTENT_DIR"] = str(root)
    with app.app_context():
        report = sync_directory(root)
        assert not report.failed, report.failed

    response = client.get("/articles/hostile.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert_drawn_without_the_file(response.data, passwd_line,
                                  ["Hostile article", "Visible words before.", "Visible words after."])
    assert listener.connections_made() == []


# --- raw HTML straight to the renderer: the fetcher alone --------------------------------------------

SVG_IMAGE_OF_PASSWD = ("data:image/svg+xml," + quote(
    "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' width='10' height='10'>"
    "<image href='file:///etc/passwd' width='10' height='10'/>"
    "<image xlink:href='http://{listener}/svg-image.png' width='10' height='10'/></svg>", safe="/:='. {}"))

# (hostile HTML, URLs the fetcher must have refused); "{listener}" is the listener's host:port.
RAW_HOSTILE = [
    pytest.param('<link rel="stylesheet" href="file:///etc/passwd">', ["file:///etc/passwd"], id="stylesheet-file"),
    pytest.param('<link rel="stylesheet" href="http://{listener}/evil.css">', ["http://{listener}/evil.css"],
                 id="stylesheet-listener"),
    # Attachments are dropped before the PDF is written, so they are never even fetched.
    pytest.param('<link rel="attachment" href="file:///etc/passwd">', [], id="link-attachment-file"),
    pytest.param('<a rel="attachment" href="file:///etc/passwd">x</a>', [], id="a-attachment-file"),
    pytest.param('<link rel="attachment" href="/static/css/pdf.css">', [], id="link-attachment-allowed-file"),
    pytest.param('<a rel="attachment" href="/static/css/pdf.css">x</a>', [], id="a-attachment-allowed-file"),
    pytest.param("<style>@import url(file:///etc/passwd);</style>", ["file:///etc/passwd"], id="import-file"),
    pytest.param('<style>@import url("http://{listener}/imported.css");</style>', ["http://{listener}/imported.css"],
                 id="import-listener"),
    pytest.param("<style>@font-face { font-family: Evil; src: url(http://{listener}/font.woff) }"
                 " p { font-family: Evil }</style>", ["http://{listener}/font.woff"], id="font-face-listener"),
    pytest.param("<style>@font-face { font-family: Evil; src: url(file:///etc/passwd) } p { font-family: Evil }</style>",
                 ["file:///etc/passwd"], id="font-face-file"),
    pytest.param("<style>body { background: url(http://{listener}/bg.png) }</style>", ["http://{listener}/bg.png"],
                 id="background-listener"),
    pytest.param('<p style="background-image: url(file:///etc/passwd)">styled</p>', ["file:///etc/passwd"],
                 id="inline-style-file"),
    pytest.param('<img src="http://{listener}/x.png">', ["http://{listener}/x.png"], id="img-http-listener"),
    pytest.param('<img src="https://{listener}/x.png">', ["https://{listener}/x.png"], id="img-https-listener"),
    pytest.param('<img src="ftp://{listener}/x.png">', ["ftp://{listener}/x.png"], id="img-ftp-listener"),
    pytest.param('<img src="http://{listener}/redirect-to-passwd">', ["http://{listener}/redirect-to-passwd"],
                 id="redirect-listener"),
    pytest.param('<object data="http://{listener}/object.png"></object>', ["http://{listener}/object.png"],
                 id="object"),
    pytest.param('<object data="file:///etc/passwd" type="text/plain"></object>', ["file:///etc/passwd"],
                 id="object-file"),
    pytest.param('<embed src="http://{listener}/embed.png">', ["http://{listener}/embed.png"], id="embed"),
    pytest.param('<iframe src="file:///etc/passwd"></iframe><iframe src="http://{listener}/frame.html"></iframe>', [],
                 id="iframe"),
    pytest.param(f'<img src="{SVG_IMAGE_OF_PASSWD}">', [SVG_IMAGE_OF_PASSWD], id="svg-data-url"),
    pytest.param('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                 '<image href="file:///etc/passwd" width="10" height="10"/></svg>', ["file:///etc/passwd"],
                 id="inline-svg-image"),
    pytest.param('<img src="file:///proc/self/environ">', ["file:///proc/self/environ"], id="proc-environ"),
    pytest.param('<base href="file:///etc/"><img src="passwd">', ["file:///etc/passwd"], id="base-file"),
    pytest.param('<img src="/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd">',
                 [f"{INTERNAL_BASE_URL}static/%2e%2e/%2e%2e/%2e%2e/etc/passwd"], id="encoded-traversal"),
    pytest.param('<img src="/static/../../../../etc/passwd">', [f"{INTERNAL_BASE_URL}etc/passwd"], id="traversal"),
]


@pytest.mark.parametrize("hostile, refused", RAW_HOSTILE)
def test_raw_hostile_html_fetches_nothing_and_embeds_nothing(ctx, listener, passwd_line, hostile, refused):
    html = f"<!doctype html>{hostile}<p>Visible words of a raw document.</p>".replace("{listener}", listener.address)

    rendered = render_document(html)

    assert rendered.served == ()
    # The worker reports each URL cut to its first 200 characters.
    assert {url.replace("{listener}", listener.address)[:200] for url in refused} <= set(rendered.refused)
    assert_drawn_without_the_file(rendered.pdf, passwd_line, ["Visible words of a raw document."])
    assert listener.connections_made() == []


@pytest.fixture
def media(ctx, tmp_path):
    """A content folder whose media the PDFs may show (CONTENT_DIR points at it)."""
    folder = tmp_path / "content" / "_media"
    folder.mkdir(parents=True)
    ctx.config["CONTENT_DIR"] = str(folder.parent)
    return folder


def test_an_svg_from_the_media_folder_cannot_fetch_what_it_links_to(media, listener, passwd_line):
    (media / "diagram.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="40">'
        '<text x="0" y="20">diagram text</text>'
        '<image href="file:///etc/passwd" width="10" height="10"/>'
        f'<image xlink:href="http://{listener.address}/svg.png" width="10" height="10"/></svg>')

    rendered = render_document('<p>Visible words.</p><img src="/media/diagram.svg">')

    assert rendered.served == (f"{INTERNAL_BASE_URL}media/diagram.svg",)
    assert set(rendered.refused) == {"file:///etc/passwd", f"http://{listener.address}/svg.png"}
    assert_drawn_without_the_file(rendered.pdf, passwd_line, ["Visible words.", "diagram text"])
    assert listener.connections_made() == []


def test_an_svg_with_an_external_entity_does_not_read_the_file(media, passwd_line):
    (media / "entity.svg").write_text(
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY passwd SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><text x="0" y="20">&passwd;</text></svg>')

    rendered = render_document('<p>Visible words.</p><img src="/media/entity.svg">')

    assert_drawn_without_the_file(rendered.pdf, passwd_line, ["Visible words."])


# --- limits: too slow, too big -----------------------------------------------------------------------

@pytest.fixture
def small_and_big(app, tmp_path):
    """Two small articles and one with a table of a few thousand rows."""
    root = tmp_path / "content"
    write(root, "help/_category.yml", "title: Help\nposition: 1\n")
    write(root, "help/small-one.md", article_file("Small one", "A short article."))
    write(root, "help/small-two.md", article_file("Small two", "Another short article."))
    rows = "\n".join(f"| Row {number} | Some value {number} | More text in row {number} |" for number in range(3000))
    write(root, "help/big.md", article_file("Big table", "| A | B | C |\n|---|---|---|\n" + rows))
    app.config["CONTENT_DIR"] = str(root)
    with app.app_context():
        report = sync_directory(root)
        assert not report.failed, report.failed
    return root


def assert_friendly_unavailable_page(response):
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert not response.data.startswith(b"%PDF")
    assert response.headers["Retry-After"]
    assert "no-store" in response.headers["Cache-Control"]
    assert "couldn't make this PDF" in response.get_data(as_text=True)


@pytest.mark.app_config(PDF_RENDER_TIMEOUT=0.3)
def test_a_render_past_the_time_limit_gives_a_friendly_page_and_the_next_pdf_works(app, client, small_and_big):
    # Warm the render server with a generous limit first, so it is the big document, not start-up, that runs late.
    app.config["PDF_RENDER_TIMEOUT"] = 60
    assert client.get("/articles/small-one.pdf").status_code == 200
    late_server = worker._server.process
    app.config["PDF_RENDER_TIMEOUT"] = 0.3

    response = client.get("/articles/big.pdf")

    assert_friendly_unavailable_page(response)
    assert "took longer than we allow" in " ".join(response.get_data(as_text=True).split())
    assert late_server.poll() is not None  # the server drawing the late PDF was killed, not left running
    app.config["PDF_RENDER_TIMEOUT"] = 60
    after = client.get("/articles/small-two.pdf")
    assert after.status_code == 200 and after.mimetype == "application/pdf"
    assert "Another short article." in pdf_facts(after.data)[0]


@pytest.mark.app_config(PDF_MEMORY_LIMIT_MB=50)
def test_a_render_past_the_memory_limit_gives_a_friendly_page_and_the_next_pdf_works(app, client, small_and_big):
    response = client.get("/articles/small-one.pdf")

    assert_friendly_unavailable_page(response)
    app.config["PDF_MEMORY_LIMIT_MB"] = 2048
    after = client.get("/articles/small-one.pdf")
    assert after.status_code == 200 and after.mimetype == "application/pdf"
    assert "A short article." in pdf_facts(after.data)[0]
