"""An article's revision history, one old revision, and the diff between any two."""
from flask import abort, redirect, render_template, request, url_for
from markupsafe import Markup

from app.auth.access import roles_required
from app.authoring import CONTENT_READERS, bp, content, workflow
from app.authoring.diff import diff_revisions, diff_stats
from app.authoring.preview import render_preview
from app.extensions import db
from app.kb.models import Article, Revision


def _revision_of(found, revision_id):
    revision = db.session.get(Revision, revision_id)
    if revision is None or revision.article_id != found.id:
        abort(404)
    return revision


@bp.get("/<int:article_id>/history")
@roles_required(*CONTENT_READERS)
def history(article_id):
    """Every revision with author, time, note and size of change; pick two to compare."""
    found = db.get_or_404(Article, article_id)
    revisions = content.revisions_of(found.id)
    stats = {}
    for newer, older in zip(revisions, revisions[1:] + [None]):
        stats[newer.id] = diff_stats(older, newer) if older is not None else None
    return render_template("authoring/history.html", article=found, revisions=revisions, stats=stats,
                           state=lambda r: workflow.revision_state(found, r))


@bp.get("/<int:article_id>/diff")
@roles_required(*CONTENT_READERS)
def diff(article_id):
    """The changes from revision ?from= to ?to= (older first), side by side or ?view=inline."""
    found = db.get_or_404(Article, article_id)
    old_id, new_id = request.args.get("from", type=int), request.args.get("to", type=int)
    if old_id is None or new_id is None:
        abort(400, "Pick two revisions to compare.")
    if old_id > new_id:  # always show what changed going forward
        return redirect(url_for("authoring.diff", article_id=article_id, **{"from": new_id, "to": old_id},
                                view=request.args.get("view")))
    # from=0 compares with nothing: a new article's first text, all of it added, for its review.
    old, new = (_revision_of(found, old_id) if old_id else None), _revision_of(found, new_id)
    return render_template("authoring/diff.html", article=found, old=old, new=new, diffs=diff_revisions(old, new),
                           inline=request.args.get("view") == "inline",
                           state=lambda r: workflow.revision_state(found, r))


@bp.get("/<int:article_id>/revisions/<int:revision_id>")
@roles_required(*CONTENT_READERS)
def revision(article_id, revision_id):
    """One revision as readers would see it, with the button to restore it."""
    found = db.get_or_404(Article, article_id)
    shown = _revision_of(found, revision_id)
    preview = Markup(render_preview(found.kind, shown.title, shown.body, shown.meta))  # autoescaped templates
    return render_template("authoring/revision.html", article=found, revision=shown, preview=preview,
                           state=workflow.revision_state(found, shown))
