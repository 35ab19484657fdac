"""Workflow steps on an article (POST only): submit, request changes, publish, unpublish, archive, schedule."""
from flask import flash, redirect, request, url_for
from flask_login import current_user

from app.auth.access import roles_required
from app.authoring import EDITOR_ROLES, WRITER_ROLES, bp, workflow
from app.extensions import db
from app.kb.models import Article


def _step(article_id, action, success):
    """Run one workflow step, commit, and go back to the article with what happened."""
    found = db.get_or_404(Article, article_id)
    try:
        action(found)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        flash(str(exc))
        return redirect(url_for("authoring.article", article_id=article_id))
    db.session.commit()
    flash(success)
    return redirect(url_for("authoring.article", article_id=article_id))


@bp.post("/<int:article_id>/submit")
@roles_required(*WRITER_ROLES)
def submit(article_id):
    """Send the newest revision for review."""
    return _step(article_id, lambda a: workflow.submit(a, current_user), "Submitted for review.")


@bp.post("/<int:article_id>/request-changes")
@roles_required(*EDITOR_ROLES)
def request_changes(article_id):
    """Send the revision in review back to its writer with a comment."""
    comment = request.form.get("comment", "")
    return _step(article_id, lambda a: workflow.request_changes(a, current_user, comment),
                 "Sent back to draft with your comment.")


@bp.post("/<int:article_id>/publish")
@roles_required(*EDITOR_ROLES)
def publish(article_id):
    """Approve and publish the newest revision now."""
    return _step(article_id, lambda a: workflow.publish(a, current_user), "Published: the new text is live.")


@bp.post("/<int:article_id>/unpublish")
@roles_required(*EDITOR_ROLES)
def unpublish(article_id):
    """Take the article off the public site (it becomes a draft)."""
    return _step(article_id, lambda a: workflow.unpublish(a, current_user), "Unpublished: it is a draft again.")


@bp.post("/<int:article_id>/archive")
@roles_required(*EDITOR_ROLES)
def archive(article_id):
    """Archive the article: off the site and out of search, history kept."""
    return _step(article_id, lambda a: workflow.archive(a, current_user), "Archived.")


@bp.post("/<int:article_id>/schedule")
@roles_required(*EDITOR_ROLES)
def schedule(article_id):
    """Publish or archive at a given time (UTC); ``what`` is "publish" or "archive"."""
    what = request.form.get("what")
    when = workflow.parse_local_time(request.form.get("when"))

    def plan(found):
        if when is None:
            raise workflow.WorkflowError("Give a date and time, e.g. 2026-12-01 09:00.")
        if what == "publish":
            workflow.schedule_publish(found, when, current_user)
        elif what == "archive":
            workflow.schedule_archive(found, when, current_user)
        else:
            raise workflow.WorkflowError("Choose whether to publish or archive.")

    return _step(article_id, plan, f"Scheduled to {what} at {when:%Y-%m-%d %H:%M} UTC." if when else "")


@bp.post("/<int:article_id>/schedule/cancel")
@roles_required(*EDITOR_ROLES)
def cancel_schedule(article_id):
    """Drop a scheduled publish or archive."""
    which = request.form.get("what", "")
    return _step(article_id, lambda a: workflow.cancel_schedule(a, which, current_user), "Schedule cancelled.")


@bp.post("/<int:article_id>/revisions/<int:revision_id>/restore")
@roles_required(*WRITER_ROLES)
def restore(article_id, revision_id):
    """Copy an old revision on top as a new draft."""
    return _step(article_id, lambda a: workflow.restore(a, revision_id, current_user),
                 "Restored as a new draft; publish it to make it live.")
