"""Tiny plugins used by the plugin-loader tests (they live outside app/ on purpose)."""
