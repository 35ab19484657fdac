"""Rollups of finished days and the retention purge, run by the app itself before requests (and by `flask kb tick`).

Rule: at most every ANALYTICS_MAINTENANCE_SECONDS per process; 0 turns it off, and so does TESTING (test data
sits on fixed past days that a purge against today's date would delete; tests call :func:`run_maintenance`)."""
import time
from flask import current_app, request

from app.analytics.purge import purge
from app.analytics.rollup import last_settled_day, refresh
from app.extensions import db
from app.kb.models import utcnow

DAYS_PER_RUN = 7  # a site with a long backlog catches up over several runs instead of in one visitor's request


def init_app(app):
    """Run the maintenance before requests, at most every ANALYTICS_MAINTENANCE_SECONDS per process."""
    app.extensions["analytics_maintenance"] = {"ran_at": float("-inf")}
    app.before_request(_maintain)


def run_maintenance(now=None):
    """Roll up up to DAYS_PER_RUN finished days, then purge raw rows of rolled-up days past the retention."""
    now = now or utcnow()
    rolled = refresh(now, max_days=DAYS_PER_RUN, through=last_settled_day(now))
    return rolled, purge(now, roll_up=False)


def _maintain():
    if request.endpoint in (None, "static"):
        return
    app = current_app._get_current_object()
    every = app.config["ANALYTICS_MAINTENANCE_SECONDS"]
    if app.testing or every <= 0:
        return
    state = app.extensions["analytics_maintenance"]
    now = time.monotonic()
    if now - state["ran_at"] < every:
        return
    state["ran_at"] = now
    try:
        rolled, purged = run_maintenance()
        if rolled.days or purged.total:
            app.logger.info("analytics: rolled up %d days (%d pending), purged %d raw rows before %s",
                            len(rolled.days), rolled.pending, purged.total, purged.cutoff)
    except Exception:  # noqa: BLE001 - housekeeping must never fail the visitor's page; the next run catches up
        db.session.rollback()
        app.logger.warning("analytics: maintenance left for the next run", exc_info=True)
