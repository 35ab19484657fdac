"""Scheduled publishing and archiving, applied by the app itself: on requests and by `flask kb tick`."""
import time

from flask import current_app, request
from sqlalchemy.exc import SQLAlchemyError

from app.authoring.workflow import run_due_changes
from app.extensions import db


def init_app(app):
    """Check for due changes before requests, at most every SCHEDULE_CHECK_SECONDS per process."""
    app.extensions["authoring_schedule"] = {"checked_at": float("-inf")}
    app.before_request(_apply_due_changes)


def _apply_due_changes():
    # A cheap indexed query every half minute per process keeps schedules on time without a cron job.
    if request.endpoint in (None, "static"):
        return
    app = current_app._get_current_object()
    state = app.extensions["authoring_schedule"]
    now = time.monotonic()
    if now - state["checked_at"] < app.config["SCHEDULE_CHECK_SECONDS"]:
        return
    state["checked_at"] = now
    try:
        for action, slug in run_due_changes():
            app.logger.info("schedule: %s %s", action, slug)
    except SQLAlchemyError:  # a busy database must not fail the visitor's page; the next check retries
        db.session.rollback()
        app.logger.warning("schedule: due changes left for the next check", exc_info=True)
