"""Plugins that break one loading rule each."""
from flask import Blueprint

from app.core.plugins import Plugin


class WrongBlueprintName(Plugin):
    name = "wrongbp"

    def init_app(self, app):
        app.register_blueprint(Blueprint("something_else", __name__), url_prefix="/wrongbp")


class WrongPrefix(Plugin):
    name = "wrongprefix"

    def init_app(self, app):
        bp = Blueprint("wrongprefix", __name__)
        bp.add_url_rule("/x", "x", lambda: "x")
        app.register_blueprint(bp, url_prefix="/elsewhere")


class UnknownSlot(Plugin):
    name = "unknownslot"

    def init_app(self, app):
        self.add_slot(app, "sidebar_of_doom", lambda **kw: "")

