"""First-party plugins. Each is a package here, enabled by name in PLUGINS (see docs/plugins.md)."""
