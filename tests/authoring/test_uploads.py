"""Image uploads: what writers may upload, what they get back, who may upload, and how the files are served."""
import io
import re
import struct
import zlib

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.authoring.models import Upload
from app.authoring.uploads import blobs_for, clean_filename, store_upload
from app.core.markdown import render_markdown
from app.extensions import db
from tests.authoring.conftest import PASSWORD
from tests.helpers import csrf_token, login

JSON = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def image(fmt="PNG", size=(12, 8), noise=False):
    """The bytes of a small image in a format Pillow writes."""
    picture = Image.effect_noise(size, 80).convert("RGB") if noise else Image.new("RGB", size, (200, 40, 90))
    if fmt == "GIF":
        picture = picture.convert("P")
    out = io.BytesIO()
    picture.save(out, fmt)
    return out.getvalue()


def png_header(width, height):
    """A PNG that is only a header claiming width × height pixels (a decompression bomb's shape)."""
    def chunk(kind, body):
        """One PNG chunk: length, type, body, CRC."""
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IEND", b"")


def signed_in(client, role):
    """The client, signed in as the user of ``role`` (see the staff fixture)."""
    assert login(client, f"{role}@example.com", PASSWORD).status_code == 302
    return client


def post_file(client, data, filename, headers=JSON, token=True):
    """POST /write/uploads with one file (and the page's CSRF token unless ``token`` is False)."""
    form = {"file": (io.BytesIO(data), filename)}
    if token:
        headers = {**headers, "X-CSRFToken": csrf_token(client, "/write/uploads")}
    return client.post("/write/uploads", data=form, headers=headers, content_type="multipart/form-data")


def stored_count(app):
    """How many uploads are stored."""
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Upload)).scalar_one()


@pytest.fixture
def writer(client, staff):
    """A client signed in as a writer."""
    return signed_in(client, "writer")


# --- refused files -------------------------------------------------------------------------------------

BAD_FILES = [
    pytest.param(b"<script>alert(1)</script>", "evil.png", "is a web page or script, not an image",
                 id="script-named-png"),
    pytest.param(b"<!doctype html><html><body onload=alert(1)>Hi</body></html>", "photo.jpg",
                 "is a web page or script, not an image", id="html-named-jpg"),
    pytest.param(b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                 "logo.svg", "SVG files can carry scripts", id="svg"),
    pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "logo.png", "SVG files can carry scripts",
                 id="svg-named-png"),
    pytest.param(image("PNG", (40, 40), noise=True)[:300], "cut.png", "may be damaged or cut short",
                 id="truncated-png"),
    pytest.param(b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, "junk.png", "may be damaged or cut short",
                 id="png-header-garbage"),
    pytest.param(b"GIF89a", "tiny.gif", "may be damaged or cut short", id="gif-signature-only"),
    pytest.param(b"PK\x03\x04" + b"\x00" * 40, "archive.png", "is not an image we accept", id="zip-named-png"),
    pytest.param(b"", "empty.png", "is empty", id="empty"),
    pytest.param(png_header(10_000, 10_000), "bomb.png", "too many pixels", id="100-megapixels"),
    pytest.param(png_header(100_000, 100_000), "huge-bomb.png", "too many pixels", id="10-gigapixels"),
    pytest.param(image("PNG", (20, 20)), "big.png", "too many pixels", id="over-configured-pixels",
                 marks=pytest.mark.app_config(UPLOAD_MAX_PIXELS=100)),
    pytest.param(image("PNG", (64, 64), noise=True), "large.png", "images may be at most 1000 bytes", id="too-large",
                 marks=pytest.mark.app_config(UPLOAD_MAX_BYTES=1000)),
]


@pytest.mark.parametrize("data, filename, message", BAD_FILES)
def test_a_file_that_is_not_a_safe_image_is_refused_with_a_reason_and_nothing_is_stored(app, writer, data, filename,
                                                                                        message):
    response = post_file(writer, data, filename)

    assert response.status_code == 400
    assert message in response.get_json()["error"]
    assert stored_count(app) == 0


def test_too_large_message_gives_the_file_size_and_the_limit(app, writer):
    data = image().ljust(int(7.2 * 1024 * 1024), b"\0")  # the size is checked before anything is decoded
    # Encoded here in memory: the test client would spool a body this big to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), "photo.png")})

    response = writer.post("/write/uploads", data=body, content_type=f"multipart/form-data; boundary={boundary}",
                           headers={**JSON, "X-CSRFToken": csrf_token(writer, "/write/uploads")})

    assert response.status_code == 400
    assert response.get_json()["error"] == "The file is 7.2 MB; images may be at most 5 MB."
    assert stored_count(app) == 0


@pytest.mark.app_config(MAX_CONTENT_LENGTH=20_000)
@pytest.mark.parametrize("headers, shows", [(JSON, "json"), (BROWSER, "page")])
def test_a_request_past_the_servers_limit_gets_a_clear_413(app, writer, headers, shows):
    token = csrf_token(writer, "/write/uploads")
    data = image("PNG", (100, 100), noise=True)  # ~30 KB, past the 20 KB request limit

    response = writer.post("/write/uploads", data={"file": (io.BytesIO(data), "big.png"), "csrf_token": token},
                           headers=headers, content_type="multipart/form-data")

    assert response.status_code == 413
    if shows == "json":
        assert "images may be at most 5 MB" in response.get_json()["error"]
    else:
        page = response.get_data(as_text=True)
        assert "images may be at most 5 MB" in page and 'name="file"' in page
    assert stored_count(app) == 0


def test_no_file_chosen_is_a_clear_400(writer):
    token = csrf_token(writer, "/write/uploads")

    response = writer.post("/write/uploads", data={}, headers={**JSON, "X-CSRFToken": token})

    assert response.status_code == 400
    assert response.get_json() == {"error": "Please choose an image file to upload."}


# --- accepted images -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, filename, media_type", [
    ("PNG", "diagram.png", "image/png"),
    ("JPEG", "photo.jpg", "image/jpeg"),
    ("GIF", "spinner.gif", "image/gif"),
    ("WEBP", "banner.webp", "image/webp"),
])
def test_an_image_is_stored_and_served_back_byte_for_byte(app, writer, fmt, filename, media_type):
    data = image(fmt, (12, 8))

    response = post_file(writer, data, filename)

    assert response.status_code == 201
    body = response.get_json()
    assert re.fullmatch(rf"/uploads/[A-Za-z0-9_-]{{10,32}}/{re.escape(filename)}", body["url"])
    assert body["filename"] == filename and (body["width"], body["height"]) == (12, 8)
    assert body["markdown"] == f"![{filename.split('.')[0].capitalize()}]({body['url']})"

    served = writer.get(body["url"])
    assert served.status_code == 200 and served.data == data
    assert served.headers["Content-Type"] == media_type
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    assert served.headers["Content-Disposition"] == f'inline; filename="{filename}"'
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert served.headers["ETag"]


def test_files_are_public_and_answer_304_when_the_browser_has_them(app, writer):
    url = post_file(writer, image(), "a.png").get_json()["url"]
    etag = writer.get(url).headers["ETag"]

    reader = app.test_client()  # signed out
    assert reader.get(url).status_code == 200
    again = reader.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag


@pytest.mark.parametrize("path, status", [
    ("/uploads/nosuchkey/a.png", 404),
    ("/uploads/{key}/other-name.png", 301),
])
def test_unknown_keys_are_404_and_a_wrong_name_redirects_to_the_right_one(app, writer, path, status):
    url = post_file(writer, image(), "right.png").get_json()["url"]
    key = url.split("/")[2]

    response = writer.get(path.format(key=key))

    assert response.status_code == status
    if status == 301:
        assert response.headers["Location"] == url


@pytest.mark.parametrize("fmt, filename, stored_as, media_type", [
    ("JPEG", "holiday.PNG", "holiday.jpg", "image/jpeg"),
    ("PNG", "chart.jpg", "chart.png", "image/png"),
    ("JPEG", "scan.jpeg", "scan.jpeg", "image/jpeg"),
    ("WEBP", "noextension", "noextension.webp", "image/webp"),
])
def test_a_name_that_contradicts_the_bytes_gets_the_real_extension(writer, fmt, filename, stored_as, media_type):
    response = post_file(writer, image(fmt), filename)

    assert response.status_code == 201
    url = response.get_json()["url"]
    assert url.endswith("/" + stored_as)
    assert writer.get(url).headers["Content-Type"] == media_type


@pytest.mark.parametrize("given, cleaned", [
    ("Screen Shot 2024-05-01 at 10.15.32.png", "screen-shot-2024-05-01-at-10.15.32.png"),
    ("../../etc/passwd.png", "passwd.png"),
    ("C:\\Users\\me\\Desktop\\Ünïcödé naïve.png", "unicode-naive.png"),
    ("<img onerror=alert(1)>.png", "img-onerror-alert-1.png"),
    ("", "image.png"),
    (".png", "image.png"),
    ("日本語.png", "image.png"),
    ("a" * 300 + ".png", "a" * 96 + ".png"),
])
def test_file_names_are_cleaned_for_the_address(given, cleaned):
    assert clean_filename(given, "png") == cleaned


@pytest.mark.parametrize("filename, alt", [
    ("Screen shot 2.png", "Screen shot 2"),
    ("screen_shot-2.png", "Screen shot 2"),
    ("[evil](javascript:x).png", "Evil javascript:x"),
    ("...png", "Image"),
])
def test_the_markdown_alt_text_comes_from_the_original_name(writer, filename, alt):
    body = post_file(writer, image(), filename).get_json()

    assert body["markdown"] == f"![{alt}]({body['url']})"


def test_the_same_image_twice_is_stored_once(app, writer):
    data = image("PNG", (9, 9))

    first = post_file(writer, data, "one.png").get_json()
    second = post_file(writer, data, "two.png").get_json()

    assert second["url"] == first["url"]
    assert stored_count(app) == 1


# --- who may upload ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role, get_status, post_status", [
    (None, 302, 302),
    ("lead", 403, 403),
    ("writer", 200, 201),
    ("editor", 200, 201),
    ("admin", 200, 201),
])
def test_only_writers_editors_and_admins_may_open_the_library_and_upload(app, client, staff, role, get_status,
                                                                         post_status):
    token = csrf_token(client, "/auth/login")
    if role:
        signed_in(client, role)

    page = client.get("/write/uploads")
    posted = client.post("/write/uploads", data={"file": (io.BytesIO(image()), "a.png")},
                         headers={**JSON, "X-CSRFToken": token}, content_type="multipart/form-data")

    assert (page.status_code, posted.status_code) == (get_status, post_status)
    if role is None:
        assert "/auth/login" in page.headers["Location"] and "/auth/login" in posted.headers["Location"]
    assert stored_count(app) == (1 if post_status == 201 else 0)


@pytest.mark.parametrize("headers, says", [
    (JSON, "Your session has expired. Reload the page and try the upload again."),
    (BROWSER, "This form has expired"),
])
def test_an_upload_without_the_csrf_token_is_refused(app, writer, headers, says):
    response = post_file(writer, image(), "a.png", headers=headers, token=False)

    assert response.status_code == 400
    shown = response.get_json()["error"] if headers is JSON else response.get_data(as_text=True)
    assert says in shown
    assert stored_count(app) == 0


# --- without JavaScript ---------------------------------------------------------------------------------


def test_the_library_page_has_a_labelled_upload_form(writer):
    page = writer.get("/write/uploads").get_data(as_text=True)

    assert '<label for="upload-file">' in page
    assert 'accept="image/png,image/jpeg,image/gif,image/webp"' in page
    assert 'enctype="multipart/form-data"' in page and 'name="csrf_token"' in page
    assert "No images yet" in page


def test_a_form_post_redirects_to_the_library_which_shows_the_image_and_its_markdown(app, writer):
    token = csrf_token(writer, "/write/uploads")

    response = writer.post("/write/uploads", data={"file": (io.BytesIO(image("PNG", (30, 20))), "Login screen.png"),
                                                   "csrf_token": token},
                           headers=BROWSER, content_type="multipart/form-data")

    assert response.status_code == 302 and response.headers["Location"].startswith("/write/uploads")
    page = writer.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        path = db.session.execute(select(Upload)).scalar_one().path
    markdown = f"![Login screen]({path})"
    assert f"Copy this Markdown into an article: {markdown}" in page  # the flash message
    assert f'value="{markdown}" readonly' in page
    assert re.search(rf'<img src="{re.escape(path)}" loading="lazy" alt="Open login-screen.png"', page)
    assert "30 × 20 px" in page and "Writer ·" in page


def test_a_refused_form_post_shows_the_page_again_with_the_reason(app, writer):
    token = csrf_token(writer, "/write/uploads")

    response = writer.post("/write/uploads", data={"file": (io.BytesIO(b"<script>alert(1)</script>"), "evil.png"),
                                                   "csrf_token": token},
                           headers=BROWSER, content_type="multipart/form-data")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The image was not uploaded." in page and "is a web page or script, not an image" in page
    assert "<script>alert(1)" not in page and 'name="file"' in page
    assert stored_count(app) == 0


# --- pages and PDFs find uploads -------------------------------------------------------------------------


def test_article_markdown_keeps_images_from_uploads():
    html = render_markdown("![Login screen](/uploads/AbC-123_x/login-screen.png)").html

    assert re.search(r'<img [^>]*src="/uploads/AbC-123_x/login-screen.png"', html)
    assert 'alt="Login screen"' in html


def test_blobs_for_finds_uploads_by_relative_or_absolute_address(ctx):
    stored = store_upload(image(), "a.png")
    db.session.commit()
    html = (f'<p><img src="{stored.path}"><a href="https://help.example.com{stored.path}?v=2">big</a>'
            f"<img src='/uploads/missingkey/b.png'><img src=\"/static/logo.png\"></p>")

    blobs = blobs_for(html)

    assert blobs == {stored.path: ("image/png", image())}
