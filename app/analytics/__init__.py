"""Analytics: raw events rolled up into daily aggregates, retention purge, and the site figures the
dashboard shows (views, visitors, searches, search gaps, self-service)."""
from app.core.plugins import add_feature_dashboard_source


def register(app):
    """Join the aggregate tables to the metadata; add `flask analytics`, the maintenance and the dashboard source."""
    from app.analytics import models  # noqa: F401  (tables join the metadata)
    from app.analytics import cli, gaps, maintenance, metrics

    maintenance.init_app(app)
    app.cli.add_command(cli.group)
    add_feature_dashboard_source(app, "analytics", "traffic", overview=metrics.overview, article=metrics.article)
    gaps.init_app(app)
