"""Image uploads: the writers' image library under /write/uploads, and the public files at /uploads/<key>/<name>."""
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.http import is_resource_modified

from app.auth.access import roles_required
from app.authoring import WRITER_ROLES, bp
from app.authoring import uploads as service
from app.core.errors import handle_csrf_error, handle_http_error
from app.core.files import human_size
from app.extensions import db

# Served at the site root, not under /write, so the blueprint has no url_prefix.
media_bp = Blueprint("uploads", __name__)

# An upload is content-specific (its key is new for new bytes), so browsers may keep it for a year; the
# sandbox CSP means that even a file a browser mistook for a page could run nothing.
FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    "Cache-Control": "public, max-age=31536000, immutable",
}


def _wants_json():
    """True for the editor's fetch() (Accept: application/json); a browser's form post prefers HTML."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _library(error=None, status=200):
    """The image library page, with an error message above the form when given."""
    return render_template("authoring/uploads.html", uploads=service.recent_uploads(), error=error,
                           markdown_for=service.markdown_for, human_size=human_size,
                           max_size=human_size(current_app.config["UPLOAD_MAX_BYTES"]),
                           new_key=request.args.get("new", "")), status


def _refused(message, status):
    """An upload error as JSON for the editor, or the library page with the message."""
    if _wants_json():
        return jsonify(error=message), status
    return _library(error=message, status=status)


@bp.get("/uploads")
@roles_required(*WRITER_ROLES)
def uploads():
    """The image library: upload form and the latest images with their Markdown."""
    return _library()


@bp.post("/uploads")
@roles_required(*WRITER_ROLES)
def upload():
    """Store an uploaded image; JSON (201 or 400) for the editor, else redirect to the library with a message."""
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _refused("Please choose an image file to upload.", 400)
    data = sent.read()
    sent.close()  # a large upload is a temporary file: give it back now
    try:
        stored = service.store_upload(data, sent.filename, uploaded_by=current_user.id)
    except service.UploadError as exc:
        db.session.rollback()
        return _refused(str(exc), 400)
    db.session.commit()
    alt = service.alt_text(sent.filename)
    markdown = service.markdown_for(stored, alt)
    if _wants_json():
        return jsonify(url=stored.path, markdown=markdown, filename=stored.filename,
                       width=stored.width, height=stored.height), 201
    flash(f"Uploaded {stored.filename}. Copy this Markdown into an article: {markdown}")
    return redirect(url_for("authoring.uploads", new=stored.key))


@bp.errorhandler(RequestEntityTooLarge)
def request_too_large(error):
    """A request body past MAX_CONTENT_LENGTH: say so in the upload's words, else the usual error page."""
    if request.endpoint != "authoring.upload":
        return handle_http_error(error)
    sent = request.content_length
    limit = human_size(current_app.config["UPLOAD_MAX_BYTES"])
    size = f"The file is {human_size(sent)}; " if sent else "The file is too large; "
    return _refused(f"{size}images may be at most {limit}.", 413)


@bp.errorhandler(CSRFError)
def upload_token_refused(error):
    """A missing or stale CSRF token: the editor's script gets JSON it can show; forms get the usual page."""
    if request.endpoint == "authoring.upload" and _wants_json():
        return jsonify(error="Your session has expired. Reload the page and try the upload again."), 400
    return handle_csrf_error(error)


@media_bp.get("/uploads/<key>/<path:filename>")
def file(key, filename):
    """An uploaded file, with its stored media type, a year's caching and headers that stop it acting as a page."""
    found = service.get_upload(key)
    if found is None:
        abort(404)
    if filename != found.filename:
        return redirect(found.path, code=301)
    response = current_app.response_class(mimetype=found.media_type)
    response.headers.update(FILE_HEADERS)
    response.headers["Content-Disposition"] = f'inline; filename="{found.filename}"'
    response.set_etag(found.sha256)
    if not is_resource_modified(request.environ, etag=found.sha256):
        response.status_code = 304  # the browser has these bytes: do not load them from the database
        return response
    response.set_data(found.data)
    return response.make_conditional(request)

