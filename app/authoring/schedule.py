"""Scheduled publishing and archiving, applied by the app itself: on requests and by `flask kb tick`."""
from flask import current_app

from app.authoring.workflow import run_due_changes
from app.core.housekeeping import run_before_requests


def init_app(app):
    """Check for due changes before requests, at most every SCHEDULE_CHECK_SECONDS per process."""
    # A cheap indexed query every half minute per process keeps schedules on time without a cron job.
    run_before_requests(app, "schedule: due changes", "SCHEDULE_CHECK_SECONDS", _apply_due_changes)


def _apply_due_changes():
    for action, slug in run_due_changes():
        current_app.logger.info("schedule: %s %s", action, slug)
