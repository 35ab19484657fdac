"""Tier0: a self-service help center. ``create_app`` only wires the pieces together."""
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import analytics, api, auth, authoring, dashboard, inquiries, kb, pdf, search, troubleshoot
from app.auth.services import load_user
from app.config import load_config
from app.core import database, errors, security  # noqa: F401  (database registers SQLite settings)
from app.core.plugins import load_plugins, register_plugin_cli
from app.extensions import csrf, db, limiter, login_manager, migrate

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


def create_app(config=None):
    """Build the app: config, extensions, feature blueprints, plugins. No queries, no network."""
    config = dict(config or {})
    instance_path = config.pop("INSTANCE_PATH", None) or os.environ.get("TIER0_INSTANCE_PATH")
    app = Flask(__name__, instance_path=os.path.abspath(instance_path) if instance_path else None)
    os.makedirs(app.instance_path, exist_ok=True)
    load_config(app, config)
    configure_extensions(app)
    register_features(app)
    load_plugins(app)
    errors.init_app(app)
    configure_templates(app)
    security.init_app(app)
    configure_proxy(app)  # outermost, so everything inside sees the client's scheme, host and address
    return app


def configure_proxy(app):
    """Trust X-Forwarded-* from PROXY_FIX proxies (so HTTPS, hosts and client addresses are right)."""
    hops = int(app.config["PROXY_FIX"] or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def configure_extensions(app):
    """Bind the unbound extensions from app.extensions."""
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to open that page."
    login_manager.user_loader(load_user)
    # `flask db upgrade` applies every branch: the core's and each enabled plugin's.
    for param in app.cli.commands["db"].commands["upgrade"].params:
        if param.name == "revision":
            param.default = "heads"


def register_features(app):
    """Register each feature's blueprint (and the commands on it)."""
    kb.register(app)
    search.register(app)
    auth.register(app)
    api.register(app)
    analytics.register(app)
    dashboard.register(app)
    inquiries.register(app)
    troubleshoot.register(app)
    pdf.register(app)
    authoring.register(app)
    register_plugin_cli(app)


def configure_templates(app):
    """Values every template may use."""
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    # Globals, not a context processor, so imported macros (help_box) see them too.
    app.jinja_env.globals.update(site_name=app.config["SITE_NAME"], site_tagline=app.config["SITE_TAGLINE"],
                                 contact_url=app.config["CONTACT_URL"])
