"""Writers' workspace pages (filled in below)."""
from app.authoring import bp  # noqa: F401
