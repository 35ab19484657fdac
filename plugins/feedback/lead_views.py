"""Support leads' pages: ratings, per-article detail, exports. (Being written: see reports.py.)"""
from flask import render_template_string

from app.auth.access import roles_required
from plugins.feedback import bp

LEADS = ("lead", "admin")


@bp.get("/ratings")
@roles_required(*LEADS)
def ratings():
    """Article ratings."""
    return render_template_string("{% extends 'base.html' %}{% block content %}<h1>Ratings</h1>{% endblock %}")


@bp.get("/export/topics.csv")
@roles_required(*LEADS)
def export_topics():
    """Topic requests as CSV."""
    return ""


def render_panel():
    """Dashboard panel."""
    return ""
