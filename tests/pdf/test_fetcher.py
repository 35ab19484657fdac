"""LockedDownFetcher: the PDF renderer gets the app's own files, given bytes and data images, and nothing else."""
import base64
from pathlib import Path

import pytest

from app.pdf.render import INTERNAL_BASE_URL, LockedDownFetcher, RefusedURL
from app.pdf.services import render_document

STATIC = Path(__file__).resolve().parents[2] / "app" / "static"
# A real 1x1 PNG, so WeasyPrint can draw it.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
PNG_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()


@pytest.fixture
def media(tmp_path):
    """A content media folder with one image, and a secret file beside it."""
    folder = tmp_path / "_media"
    (folder / "tutorials").mkdir(parents=True)
    (folder / "tutorials" / "step.png").write_bytes(PNG)
    (tmp_path / "secret.txt").write_text("outside the media folder")
    return folder


@pytest.fixture
def fetcher(media):
    """A fetcher as the render worker makes it: static and media folders, one stored upload."""
    return LockedDownFetcher({"/static": STATIC, "/media": media}, {"/uploads/12/screen.png": ("image/png", PNG)})


# --- files inside the folders ----------------------------------------------------------------------

@pytest.mark.parametrize("url, served", [
    (f"{INTERNAL_BASE_URL}static/css/app.css", "css/app.css"),
    (f"{INTERNAL_BASE_URL}static/css/app.css?v=2#top", "css/app.css"),
    ("https://TIER0.INVALID/static/css/app.css", "css/app.css"),  # host names are case-insensitive
    (f"{INTERNAL_BASE_URL}static/css/../css/app.css", None),  # ".." refused even when it stays inside
    (f"{INTERNAL_BASE_URL}static/%2e%2e/%2e%2e/config.py", None),
    (f"{INTERNAL_BASE_URL}static/..%2f..%2fconfig.py", None),
    (f"{INTERNAL_BASE_URL}static/css%5c..%5c..%5cconfig.py", None),
    (f"{INTERNAL_BASE_URL}static/css/app.css%00.png", None),
    (f"{INTERNAL_BASE_URL}static//etc/passwd", None),
    (f"{INTERNAL_BASE_URL}static/%2fetc%2fpasswd", None),
    (f"{INTERNAL_BASE_URL}static/", None),
    (f"{INTERNAL_BASE_URL}static/css", None),  # a folder, not a file
    (f"{INTERNAL_BASE_URL}static/css/missing.css", None),
    (f"{INTERNAL_BASE_URL}staticx/css/app.css", None),
    (f"{INTERNAL_BASE_URL}config.py", None),
    ("http://tier0.invalid/static/css/app.css", None),  # another scheme is another origin
    ("https://user@tier0.invalid/static/css/app.css", None),
    ("https://tier0.invalid.example.com/static/css/app.css", None),
    ("https://example.com/static/css/app.css", None),
    ("ftp://tier0.invalid/static/css/app.css", None),
    ("//tier0.invalid/static/css/app.css", None),
    # file: is never served, not even for a file inside the static folder: only the internal origin is.
    (f"file://{STATIC}/css/app.css", None),
    (f"file://localhost{STATIC}/css/app.css", None),
    ("file:///etc/passwd", None),
    (f"file://{STATIC}/../config.py", None),
    (f"file://{STATIC}", None),
    (f"file://example.com{STATIC}/css/app.css", None),
    ("data:text/css,body%7Bcolor:red%7D", None),
    ("javascript:alert(1)", None),
    ("/static/css/app.css", None),  # never relative: WeasyPrint joins URLs with the base first
])
def test_only_files_inside_the_static_folder_of_the_internal_origin_are_served(fetcher, url, served):
    path = fetcher.local_path(url)
    assert (path.relative_to(STATIC).as_posix() if path else None) == served
    found = fetcher.lookup(url)
    assert (found[1] if found else None) == ((STATIC / served).read_bytes() if served else None)


def test_a_file_in_the_media_folder_is_served(fetcher, media):
    url = f"{INTERNAL_BASE_URL}media/tutorials/step.png"
    assert fetcher.local_path(url) == media / "tutorials" / "step.png"
    assert fetcher.lookup(url) == ("image/png", PNG)


@pytest.mark.parametrize("path", [
    "media/../secret.txt",
    "media/%2e%2e/secret.txt",
    "media/tutorials/missing.png",
    "media/tutorials",
    "mediax/tutorials/step.png",
    "media/../static/css/app.css",
])
def test_nothing_outside_the_media_folder_is_served_under_media(fetcher, path):
    assert fetcher.local_path(INTERNAL_BASE_URL + path) is None
    assert fetcher.lookup(INTERNAL_BASE_URL + path) is None


def test_a_symlink_out_of_the_folder_is_refused(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "ok.css").write_text("h1 { color: red }")
    secret = tmp_path / "secret.txt"
    secret.write_text("password")
    (static / "leak.css").symlink_to(secret)
    (static / "etc").symlink_to("/etc", target_is_directory=True)
    fetcher = LockedDownFetcher({"/static": static})
    assert fetcher.local_path(f"{INTERNAL_BASE_URL}static/ok.css") == static / "ok.css"
    assert fetcher.local_path(f"{INTERNAL_BASE_URL}static/leak.css") is None
    assert fetcher.local_path(f"{INTERNAL_BASE_URL}static/etc/passwd") is None
    with pytest.raises(RefusedURL):
        fetcher.fetch(f"{INTERNAL_BASE_URL}static/leak.css")
    assert fetcher.refused == [f"{INTERNAL_BASE_URL}static/leak.css"]


def test_a_served_file_has_its_media_type(fetcher):
    response = fetcher.fetch(f"{INTERNAL_BASE_URL}static/css/app.css")
    assert response.content_type == "text/css"
    assert response.read() == (STATIC / "css" / "app.css").read_bytes()


# --- stored bytes -----------------------------------------------------------------------------------

def test_a_blob_is_served_with_its_media_type(fetcher):
    response = fetcher.fetch(f"{INTERNAL_BASE_URL}uploads/12/screen.png")
    assert response.content_type == "image/png"
    assert response.read() == PNG


@pytest.mark.parametrize("url", [
    f"{INTERNAL_BASE_URL}uploads/12/screen.png/",
    f"{INTERNAL_BASE_URL}uploads/12/Screen.png",
    f"{INTERNAL_BASE_URL}uploads/12/screen.pn",
    f"{INTERNAL_BASE_URL}uploads/12/",
    f"{INTERNAL_BASE_URL}uploads/1/screen.png",
    f"{INTERNAL_BASE_URL}uploads/12/../12/screen.png",
    "http://tier0.invalid/uploads/12/screen.png",
    "https://example.com/uploads/12/screen.png",
    "file:///uploads/12/screen.png",
])
def test_a_near_miss_of_a_blob_path_is_refused(fetcher, url):
    assert fetcher.lookup(url) is None
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)


# --- data: URLs -------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, media_type", [
    (PNG_URL, "image/png"),
    ("data:image/jpeg;base64," + base64.b64encode(b"jpeg bytes").decode(), "image/jpeg"),
    ("data:image/gif;base64," + base64.b64encode(b"gif bytes").decode(), "image/gif"),
    ("data:image/webp;base64," + base64.b64encode(b"webp bytes").decode(), "image/webp"),
    ("DATA:IMAGE/PNG;BASE64," + base64.b64encode(PNG).decode(), "image/png"),
])
def test_a_data_url_of_a_raster_image_is_served(fetcher, url, media_type):
    media, body = fetcher.lookup(url)
    assert media == media_type
    assert body == base64.b64decode(url.split(",", 1)[1])


@pytest.mark.parametrize("url", [
    "data:text/css,body%7Bbackground:url(file:///etc/passwd)%7D",
    "data:text/css;base64," + base64.b64encode(b"@import url(file:///etc/passwd);").decode(),
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E%3Cimage href='file:///etc/passwd'/%3E%3C/svg%3E",
    "data:image/svg+xml;base64," + base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode(),
    "data:text/html,%3Ch1%3Ehi%3C/h1%3E",
    "data:application/pdf;base64,JVBERi0=",
    "data:image/png,not-base64",
    "data:image/png;charset=utf-8;base64,iVBORw0KGgo=",
    "data:,plain text",
    PNG_URL + "<script>",
])
def test_other_data_urls_are_refused(fetcher, url):
    assert fetcher.lookup(url) is None
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)


# --- what it reports --------------------------------------------------------------------------------

def test_the_fetcher_lists_what_it_served_and_refused(fetcher):
    wanted = [f"{INTERNAL_BASE_URL}static/css/app.css", "file:///etc/passwd", f"{INTERNAL_BASE_URL}media/tutorials/step.png",
              "http://127.0.0.1:9/x.png", f"{INTERNAL_BASE_URL}uploads/12/screen.png", PNG_URL,
              "data:text/html,hi"]
    for url in wanted:
        try:
            fetcher.fetch(url)
        except RefusedURL:
            pass
    assert fetcher.served == [f"{INTERNAL_BASE_URL}static/css/app.css", f"{INTERNAL_BASE_URL}media/tutorials/step.png",
                              f"{INTERNAL_BASE_URL}uploads/12/screen.png", PNG_URL]
    assert fetcher.refused == ["file:///etc/passwd", "http://127.0.0.1:9/x.png", "data:text/html,hi"]


def test_calling_the_fetcher_refuses_as_fetch_does(fetcher):
    """WeasyPrint calls the fetcher; that path never falls back on its own fetching (files, sockets)."""
    with pytest.raises(RefusedURL, match="not fetched"):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(RefusedURL):
        fetcher("https://example.com/x.png")


# --- through the render worker ----------------------------------------------------------------------

def test_a_rendered_document_gets_static_files_and_blobs_but_not_the_web(ctx):
    html = ('<!doctype html><link rel="stylesheet" href="/static/css/app.css">'
            '<h1>Styled</h1><img src="/static/img/favicon.svg" alt=""><img src="/uploads/3/shot.png" alt="">'
            '<img src="https://example.com/x.png" alt="">')
    rendered = render_document(html, blobs={"/uploads/3/shot.png": ("image/png", PNG)})
    assert rendered.pdf.startswith(b"%PDF-") and rendered.pages == 1
    assert {f"{INTERNAL_BASE_URL}static/css/app.css", f"{INTERNAL_BASE_URL}static/img/favicon.svg",
            f"{INTERNAL_BASE_URL}uploads/3/shot.png"} <= set(rendered.served)
    assert all(url.startswith(f"{INTERNAL_BASE_URL}static/") or url.startswith(f"{INTERNAL_BASE_URL}uploads/")
               for url in rendered.served)
    assert rendered.refused == ("https://example.com/x.png",)
