"""The framework ceiling for bench/pages.py: a bare Flask app that returns one constant page.

`gunicorn ceiling:app` (run from bench/) serves, at the same path as the real article page, the
exact HTML of that page, read once at import from the file named by TIER0_BENCH_CEILING_HTML.
No database, no templates, no extensions: what is left is Flask + gunicorn + the socket.
"""
import os

from flask import Flask

HTML_ENV = "TIER0_BENCH_CEILING_HTML"

with open(os.environ[HTML_ENV], encoding="utf-8") as _fh:
    PAGE = _fh.read()

app = Flask(__name__)


@app.get("/articles/<slug>")
def article(slug):
    """The same bytes as the real article page, whatever the slug."""
    return PAGE
