"""A complete tiny plugin: a blueprint, a template slot, a setting, a signal receiver and a dashboard panel."""
from flask import Blueprint

from app.core import signals
from app.core.plugins import Plugin

bp = Blueprint("hello", __name__)
seen_views = []


@bp.get("/")
def greet():
    """A page served by the plugin."""
    return f"{plugin.setting('greeting')} from the hello plugin"


def _article_footer(article, revision):
    return f'<p class="hello-footer">{plugin.setting("greeting")}, reader of {article.slug}!</p>'


def _panel():
    return f"<p class=\"hello-panel\">{len(seen_views)} articles read since start-up</p>"


def _remember_view(sender, **kwargs):
    seen_views.append(kwargs["article_id"])


class HelloPlugin(Plugin):
    """Says hello under every article."""

    name = "hello"
    title = "Hello"
    settings = {"greeting": "Hello"}
    blueprint = bp

    def init_app(self, app):
        super().init_app(app)
        self.add_slot(app, "article_footer", _article_footer)
        signals.article_viewed.connect(_remember_view)
        self.add_panel(app, "reads", "Reads", _panel, roles=("writer", "editor", "lead", "admin"))


plugin = HelloPlugin()
