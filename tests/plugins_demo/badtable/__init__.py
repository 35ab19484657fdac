"""A plugin whose model table does not start with 'badtable_' (loaded in a subprocess only)."""
from app.core.plugins import Plugin
from tests.plugins_demo.badtable import models  # noqa: F401  (declares the table)


class BadTablePlugin(Plugin):
    name = "badtable"


plugin = BadTablePlugin()
