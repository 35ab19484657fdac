"""The writers' workspace: editor, review workflow, revisions, scheduling, uploads and content health."""
from flask import Blueprint, current_app
from flask_login import current_user

bp = Blueprint("authoring", __name__, url_prefix="/write", template_folder="templates")

WRITER_ROLES = ("writer", "editor", "admin")
EDITOR_ROLES = ("editor", "admin")
CONTENT_READERS = ("writer", "editor", "lead", "admin")

# The workspace's navigation: (endpoint, label, roles); links whose endpoint is not registered are left out.
NAV = (
    ("authoring.index", "Content", CONTENT_READERS),
    ("authoring.attention", "Needs attention", CONTENT_READERS),
    ("authoring.uploads", "Images", WRITER_ROLES),
    ("authoring.categories", "Categories", EDITOR_ROLES),
    ("admin.users", "Users", ("admin",)),
    ("admin.audit", "Audit log", ("admin",)),
)


def workspace_nav():
    """[(endpoint, label)] of the workspace pages the signed-in user may open."""
    if not current_user.is_authenticated:
        return []
    endpoints = current_app.view_functions
    return [(endpoint, label) for endpoint, label, roles in NAV if endpoint in endpoints and current_user.role in roles]


def register(app):
    """Attach the views, start the schedule check and register the blueprints."""
    from app.authoring import (  # noqa: F401  (decorators fill bp; models join the metadata)
        attention_views, category_views, history_views, models, schedule, upload_views, views, workflow_views,
    )

    schedule.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(upload_views.media_bp)  # /uploads/<key>/<name>, at the site root
    app.jinja_env.globals["workspace_nav"] = workspace_nav
