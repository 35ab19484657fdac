"""A module without a `plugin` attribute."""
