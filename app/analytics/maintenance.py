"""Rollups of finished days and the retention purge, run by the app itself before requests (and by `flask kb tick`).

Rule: at most every ANALYTICS_MAINTENANCE_SECONDS per process; 0 turns it off, and so does TESTING (test data
sits on fixed past days that a purge against today's date would delete; tests call :func:`run_maintenance`)."""
from flask import current_app

from app.analytics.purge import purge
from app.analytics.rollup import last_settled_day, refresh
from app.core.housekeeping import run_before_requests
from app.kb.models import utcnow

DAYS_PER_RUN = 7  # a site with a long backlog catches up over several runs instead of in one visitor's request


def init_app(app):
    """Run the maintenance before requests, at most every ANALYTICS_MAINTENANCE_SECONDS per process."""
    run_before_requests(app, "analytics: maintenance", "ANALYTICS_MAINTENANCE_SECONDS", _maintain)


def run_maintenance(now=None):
    """Roll up up to DAYS_PER_RUN finished days, then purge raw rows of rolled-up days past the retention."""
    now = now or utcnow()
    rolled = refresh(now, max_days=DAYS_PER_RUN, through=last_settled_day(now))
    return rolled, purge(now, roll_up=False)


def _maintain():
    app = current_app._get_current_object()
    if app.testing or app.config["ANALYTICS_MAINTENANCE_SECONDS"] <= 0:
        return
    rolled, purged = run_maintenance()
    if rolled.days or purged.total:
        app.logger.info("analytics: rolled up %d days (%d pending), purged %d raw rows before %s",
                        len(rolled.days), rolled.pending, purged.total, purged.cutoff)
