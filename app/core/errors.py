"""Error pages: plain, friendly, never a traceback, SQL or configuration."""
from flask import current_app, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db

MESSAGES = {
    400: ("Bad request", "Something in that request was not right. Please go back and try again."),
    403: ("Not allowed", "You do not have permission to open this page."),
    404: ("Page not found", "We could not find that page. It may have moved, or the link may be mistyped."),
    405: ("Not allowed", "That action is not available here."),
    413: ("Too large", "That upload is larger than we accept."),
    429: ("Slow down", "You have tried that too many times in a short while. Please wait a minute and try again."),
    500: ("Something went wrong", "An error on our side stopped this page. It has been logged; please try again shortly."),
}


PLAIN_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
    "<body><main><h1>{title}</h1><p>{message}</p></main></body></html>"
)


def render_error(code, headers=None):
    """The error page for an HTTP status code; a bare page when even the layout cannot be drawn."""
    title, message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    try:
        body = render_template("errors/error.html", code=code, title=title, message=message)
    except Exception:  # e.g. a request for an untrusted Host has no URL adapter to build links with
        current_app.logger.warning("Error page for %s drawn without the layout", code, exc_info=True)
        body = PLAIN_PAGE.format(title=escape(title), message=escape(message))
    return body, code, headers or []


def handle_http_error(error):
    """Show HTTP errors as friendly pages (redirects raised with abort pass through)."""
    if error.code is None or error.code < 400:
        return error
    # Keep headers the error carries (Retry-After on 429, Allow on 405), not its HTML body.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return render_error(error.code, headers)


def handle_csrf_error(error):
    """A missing or stale form token: explain how to recover instead of a bare 400."""
    page = render_template(
        "errors/error.html", code=400, title="This form has expired",
        message="For your security the form could not be sent. Go back, reload the page and try again.",
    )
    return page, 400


def handle_server_error(error):
    """Unhandled exceptions: roll back, log, and show the plain 500 page."""
    db.session.rollback()
    original = getattr(error, "original_exception", None) or error
    if not isinstance(original, HTTPException):
        current_app.logger.error("Unhandled error on %s %s", request.method, request.path, exc_info=original)
    return render_error(500)


def init_app(app):
    """Register the handlers."""
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(InternalServerError, handle_server_error)
