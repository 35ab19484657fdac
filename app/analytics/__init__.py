"""Analytics: raw events rolled up into daily aggregates, retention purge, and the site figures the
dashboard shows (views, visitors, searches, search gaps, self-service)."""


def register(app):
    """Join the aggregate tables to the metadata; add `flask analytics` and the dashboard source."""
    from app.analytics import models  # noqa: F401  (tables join the metadata)
