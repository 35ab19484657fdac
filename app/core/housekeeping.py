"""Housekeeping the app does by itself before requests, so no cron job is needed: each task runs at most every
so many seconds per process, and a task that fails never fails the visitor's page (the next run catches up)."""
import time

from flask import current_app, request

from app.extensions import db


def run_before_requests(app, name, seconds_key, task):
    """Run ``task()`` before a request, at most every ``app.config[seconds_key]`` seconds in each process."""
    state = {"ran_at": float("-inf")}

    def run_if_due():
        if request.endpoint in (None, "static"):
            return
        now = time.monotonic()
        if now - state["ran_at"] < current_app.config[seconds_key]:
            return
        state["ran_at"] = now
        try:
            task()
        except Exception:  # noqa: BLE001 - housekeeping must never fail the visitor's page
            db.session.rollback()
            current_app.logger.warning("%s left for the next run", name, exc_info=True)

    app.before_request(run_if_due)
