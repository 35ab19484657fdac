"""The plugin API: the Plugin base class, the loader and the template slots.

A plugin is a module with an attribute ``plugin``, an instance of :class:`Plugin`. It is found by
name in ``PLUGINS`` config: first among installed distributions' entry points (group
``tier0.plugins``), then as the package ``plugins.<name>``; a dotted module path also works.
Loading checks the naming rules and stops start-up with a :class:`PluginError` naming the rule.
A plugin package with a ``migrations/versions`` folder keeps its own Alembic branch there;
``flask db upgrade`` applies the core's and every enabled plugin's migrations.
"""
import importlib
import os
import pkgutil
from dataclasses import dataclass, field
from importlib.metadata import entry_points

from flask import current_app
from markupsafe import Markup

from app.extensions import db, migrate

ENTRY_POINT_GROUP = "tier0.plugins"

# Every template slot, with the keyword arguments its callables receive.
SLOTS = {
    "head": "Inside <head>, after the core stylesheet (link tags). Arguments: none.",
    "scripts": "End of <body>, after the core script (script tags with src only). Arguments: none.",
    "header_links": "Extra links in the site header navigation. Arguments: none.",
    "footer_links": "Extra links in the site footer. Arguments: none.",
    "home_after_categories": "Home page, below the category grid. Arguments: none.",
    "article_footer": "Below the body of an article page. Arguments: article, revision.",
    "faq_item_footer": "Below each answer on the FAQ page. Arguments: article, revision.",
    "search_no_results": "On a search that found nothing. Arguments: query.",
}


class PluginError(RuntimeError):
    """A plugin could not be found or broke a loading rule."""


@dataclass
class Panel:
    """A dashboard panel: ``render() -> HTML`` shown to staff whose role is in ``roles``."""

    plugin: str
    key: str
    title: str
    render: object
    roles: tuple = ("lead", "admin")
    url: object = None  # optional ``url() -> str`` of the panel's full page
    order: int = 100


@dataclass
class AttentionItem:
    """One article an attention check flags, with why (``reason``) and an optional short figure (``value``)."""

    article_id: int
    reason: str
    value: str = ""


@dataclass
class AttentionCheck:
    """A section of the writers' "Needs attention" page: ``check(today) -> list[AttentionItem]``."""

    source: str  # the plugin or core feature that added it
    key: str
    title: str
    check: object


@dataclass
class Figure:
    """A dashboard headline number for a date range, with the previous period's and its target.

    ``unit`` is "count" (a whole number) or "percent" (``value`` is a share 0..1, so is ``target``);
    ``value`` is None when there is nothing to count (a share of zero things)."""

    key: str
    label: str
    value: float | None
    previous: float | None = None
    unit: str = "count"
    target: float | None = None
    higher_is_better: bool = True
    order: int = 100
    note: str = ""  # how it is computed, shown next to the figure


@dataclass
class Series:
    """One line or set of bars of a chart: a label and one value (or None) per chart label."""

    label: str
    values: list
    kind: str = ""  # "line" or "bar"; "" takes the chart's


@dataclass
class Chart:
    """A dashboard chart: x-axis ``labels``, its series, and an optional dashed target line (same unit)."""

    key: str
    title: str
    labels: list
    series: list
    kind: str = "line"  # "line" or "bar"
    unit: str = "count"  # "count" or "percent" (values already in %, 0..100)
    target: float | None = None  # in the values' unit
    stacked: bool = False
    order: int = 100


@dataclass
class Table:
    """A dashboard table. Cells are plain values (str, int, float, date, None), so the CSV is the table.

    When ``article_ids`` is given (one per row, or None), the first cell links to that article's page."""

    key: str
    title: str
    columns: list
    rows: list
    article_ids: list | None = None
    empty: str = "Nothing in this range."
    order: int = 100
    note: str = ""


@dataclass
class DashboardPart:
    """What one source adds to a dashboard page."""

    figures: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    tables: list = field(default_factory=list)


@dataclass
class DashboardSource:
    """Dashboard content from a feature or plugin.

    ``overview(period, previous) -> DashboardPart | None`` fills the overview, and
    ``article(article, period) -> DashboardPart | None`` the per-article page. Periods are
    ``app.analytics.periods.DateRange`` objects: ``start``/``end`` dates (both included, UTC) and
    ``start_at``/``end_at`` naive UTC datetimes (end excluded)."""

    source: str
    key: str
    overview: object = None
    article: object = None


@dataclass
class PluginRegistry:
    """Per-app plugin state, kept in ``app.extensions['tier0_plugins']``."""

    plugins: dict = field(default_factory=dict)
    slots: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    panels: list = field(default_factory=list)
    attention_checks: list = field(default_factory=list)
    dashboard_sources: list = field(default_factory=list)
    migration_dirs: list = field(default_factory=list)


class Plugin:
    """Base class: subclass it, set ``name``, and override :meth:`init_app`."""

    name = ""
    title = ""
    description = ""
    settings: dict = {}  # setting name -> default; PLUGIN_SETTINGS[name] overrides them
    blueprint = None  # registered automatically at url_prefix /<name> when set

    def init_app(self, app):
        """Register the plugin's blueprint; subclasses call super() and add slots or signals."""
        if self.blueprint is not None:
            app.register_blueprint(self.blueprint, url_prefix=f"/{self.name}")

    def add_slot(self, app, slot_name, render):
        """Fill a template slot with ``render(**slot_arguments) -> str`` (HTML from a template)."""
        if slot_name not in SLOTS:
            known = ", ".join(sorted(SLOTS))
            raise PluginError(f"plugin {self.name!r}: unknown template slot {slot_name!r} (known: {known})")
        registry(app).slots.setdefault(slot_name, []).append((self.name, render))

    def add_panel(self, app, key, title, render, roles=("lead", "admin"), url=None, order=100):
        """Add a dashboard panel: ``render() -> HTML`` for staff with one of ``roles`` (checked server-side)."""
        if not key.isidentifier():
            raise PluginError(f"plugin {self.name!r}: panel key {key!r} must be an identifier")
        registry(app).panels.append(Panel(self.name, f"{self.name}_{key}", title, render, tuple(roles), url, order))

    def add_attention_check(self, app, key, title, check):
        """Add a section to the writers' "Needs attention" page: ``check(today) -> list[AttentionItem]``."""
        if not key.isidentifier():
            raise PluginError(f"plugin {self.name!r}: attention check key {key!r} must be an identifier")
        registry(app).attention_checks.append(AttentionCheck(self.name, f"{self.name}_{key}", title, check))

    def add_dashboard_source(self, app, key, overview=None, article=None):
        """Add figures, charts and tables to the support-lead dashboard (see :class:`DashboardSource`)."""
        if not key.isidentifier():
            raise PluginError(f"plugin {self.name!r}: dashboard source key {key!r} must be an identifier")
        registry(app).dashboard_sources.append(DashboardSource(self.name, f"{self.name}_{key}", overview, article))

    def setting(self, key, app=None):
        """This plugin's value for setting ``key`` in the current (or given) app."""
        app = app or current_app
        return registry(app).settings[self.name][key]


def registry(app):
    """The plugin registry of ``app``."""
    return app.extensions["tier0_plugins"]


def _find_module(name):
    """Import the module behind a PLUGINS entry."""
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == name:
            return ep.load()
    module_name = name if "." in name else f"plugins.{name}"
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise PluginError(
                f"plugin {name!r} not found: no entry point {name!r} in group {ENTRY_POINT_GROUP!r} "
                f"and no module {module_name!r}"
            ) from exc
        raise


def _resolve_settings(app, plugin):
    """Defaults overridden by PLUGIN_SETTINGS[name]; unknown keys are a loading error."""
    overrides = app.config.get("PLUGIN_SETTINGS") or {}
    if not isinstance(overrides, dict):
        raise PluginError("PLUGIN_SETTINGS must be a mapping (TIER0_PLUGIN_SETTINGS must be a JSON object)")
    own = overrides.get(plugin.name, {})
    unknown = set(own) - set(plugin.settings)
    if unknown:
        raise PluginError(f"plugin {plugin.name!r}: unknown settings {sorted(unknown)} (known: {sorted(plugin.settings)})")
    return {**plugin.settings, **own}


def _check_rules(app, plugin, module, blueprints_before):
    """Enforce the naming rules: one blueprint named like the plugin under /<name>, tables <name>_*."""
    for bp_name in set(app.blueprints) - blueprints_before:
        if bp_name != plugin.name:
            raise PluginError(f"plugin {plugin.name!r}: blueprint {bp_name!r} must be named {plugin.name!r}")
    prefix = f"/{plugin.name}"
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(plugin.name + ".") and not (rule.rule == prefix or rule.rule.startswith(prefix + "/")):
            raise PluginError(f"plugin {plugin.name!r}: URL {rule.rule!r} must start with {prefix!r}")
    package = module.__name__
    for mapper in db.Model.registry.mappers:
        owner = mapper.class_.__module__
        if (owner == package or owner.startswith(package + ".")) and mapper.local_table is not None:
            table = mapper.local_table.name
            if not table.startswith(plugin.name + "_"):
                raise PluginError(f"plugin {plugin.name!r}: table {table!r} must start with {plugin.name + '_'!r}")


def load_plugins(app):
    """Load every plugin named in PLUGINS into ``app``, checking the rules as it goes."""
    reg = app.extensions.setdefault("tier0_plugins", PluginRegistry())  # features may have added panels
    for entry in app.config.get("PLUGINS") or []:
        module = _find_module(entry)
        plugin = getattr(module, "plugin", module)
        if not isinstance(plugin, Plugin):
            raise PluginError(f"plugin {entry!r}: module {module.__name__!r} has no attribute 'plugin' (a Plugin instance)")
        if not plugin.name or not plugin.name.isidentifier():
            raise PluginError(f"plugin {entry!r}: Plugin.name must be a Python identifier, got {plugin.name!r}")
        if plugin.name in reg.plugins:
            raise PluginError(f"plugin {plugin.name!r} is listed twice in PLUGINS")
        reg.settings[plugin.name] = _resolve_settings(app, plugin)
        reg.plugins[plugin.name] = plugin
        versions = _migrations_dir(module)
        if versions:
            reg.migration_dirs.append(versions)
        before = set(app.blueprints)
        plugin.init_app(app)
        _check_rules(app, plugin, module, before)
    app.jinja_env.globals["slot"] = render_slot


def _migrations_dir(module):
    """The plugin package's ``migrations/versions`` folder, when it has one."""
    if not hasattr(module, "__path__"):
        return None
    versions = os.path.join(list(module.__path__)[0], "migrations", "versions")
    return versions if os.path.isdir(versions) else None


@migrate.configure
def _add_plugin_migrations(config):
    """Alembic sees the core's versions and each enabled plugin's branch."""
    dirs = registry(current_app).migration_dirs
    if dirs:
        core = os.path.join(config.get_main_option("script_location"), "versions")
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", os.pathsep.join([core, *dirs]))
    return config


def available_plugins():
    """{name: where} of every plugin that could be enabled: entry points, then packages in plugins/."""
    found = {ep.name: f"entry point {ep.value}" for ep in entry_points(group=ENTRY_POINT_GROUP)}
    try:
        package = importlib.import_module("plugins")
    except ModuleNotFoundError:
        return found
    for info in pkgutil.iter_modules(package.__path__):
        found.setdefault(info.name, f"package plugins.{info.name}")
    return found


def add_feature_panel(app, feature, key, title, render, roles=("lead", "admin"), url=None, order=100):
    """A dashboard panel from a core feature (plugins use Plugin.add_panel)."""
    reg = app.extensions.setdefault("tier0_plugins", PluginRegistry())
    reg.panels.append(Panel(feature, f"{feature}_{key}", title, render, tuple(roles), url, order))


def add_feature_attention_check(app, feature, key, title, check):
    """A "Needs attention" section from a core feature (plugins use Plugin.add_attention_check)."""
    reg = app.extensions.setdefault("tier0_plugins", PluginRegistry())
    reg.attention_checks.append(AttentionCheck(feature, f"{feature}_{key}", title, check))


def add_feature_dashboard_source(app, feature, key, overview=None, article=None):
    """Dashboard content from a core feature (plugins use Plugin.add_dashboard_source)."""
    reg = app.extensions.setdefault("tier0_plugins", PluginRegistry())
    reg.dashboard_sources.append(DashboardSource(feature, f"{feature}_{key}", overview, article))


def dashboard_sources():
    """The dashboard sources registered in the current app, in the order they were added."""
    return list(registry(current_app).dashboard_sources)


def attention_checks():
    """The "Needs attention" checks registered in the current app, in the order they were added."""
    return list(registry(current_app).attention_checks)


def visible_panels(role):
    """Dashboard panels a user with ``role`` may see, in order."""
    panels = [p for p in registry(current_app).panels if role in p.roles]
    return sorted(panels, key=lambda p: p.order)


def render_slot(slot_name, **arguments):
    """Jinja global ``slot(name, **arguments)``: the concatenated HTML of every plugin filling it."""
    if slot_name not in SLOTS:
        raise PluginError(f"template uses unknown slot {slot_name!r}")
    parts = [render(**arguments) for _, render in registry(current_app).slots.get(slot_name, [])]
    return Markup("".join(str(part) for part in parts))


def register_plugin_cli(app):
    """`flask plugins list`: plugins that could be enabled, and which are."""
    import click
    from flask.cli import AppGroup

    group = AppGroup("plugins", help="Installed and enabled plugins.")

    @group.command("list")
    def list_command():
        """Every available plugin, marked when enabled."""
        enabled = registry(current_app).plugins
        for name, where in sorted({**available_plugins(), **{n: "enabled" for n in enabled}}.items()):
            mark = "enabled " if name in enabled else "        "
            click.echo(f"{mark}{name}\t{'' if where == 'enabled' else where}".rstrip())

    app.cli.add_command(group)
