"""Writers' workspace: the content list, an article's overview, the editor, autosave and live preview."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.access import roles_required
from app.authoring import CONTENT_READERS, WRITER_ROLES, audit, bp, content, forms, links, workflow
from app.authoring.preview import render_preview, tree_outline
from app.extensions import db
from app.kb.models import KINDS, Article


def _article_or_404(article_id):
    return db.get_or_404(Article, article_id)


def _kind_or_404():
    """The ?kind= of a new article (article, faq, tutorial or troubleshooter); 404 for anything else."""
    kind = request.args.get("kind", "article")
    if kind not in KINDS:
        abort(404)
    return kind


@bp.get("/")
@roles_required(*CONTENT_READERS)
def index():
    """Every piece of content with its workflow state, filtered by state, kind, category or words."""
    state = request.args.get("state") if request.args.get("state") in content.STATE_FILTERS else None
    kind = request.args.get("kind") if request.args.get("kind") in content.KIND_LABELS else None
    category_id = request.args.get("category", type=int)
    page = max(request.args.get("page", 1, type=int), 1)
    mine = request.args.get("mine") == "1"
    text = (request.args.get("q") or "").strip()[:100]
    articles, total = content.content_list(state=state, kind=kind, category_id=category_id, text=text,
                                           owner_id=current_user.id if mine else None, page=page)
    return render_template("authoring/index.html", articles=articles, total=total, page=page,
                           page_size=content.PAGE_SIZE, state=state, kind=kind, category_id=category_id,
                           text=text, mine=mine, counts=content.state_counts(),
                           categories=content.categories_for_select(), kinds=content.KIND_LABELS,
                           states=content.STATE_FILTERS)


@bp.get("/<int:article_id>")
@roles_required(*CONTENT_READERS)
def article(article_id):
    """An article's state, the actions open to this user, its schedules, broken links and activity."""
    found = _article_or_404(article_id)
    return render_template(
        "authoring/article.html", article=found, revision=found.current_revision,
        review_comment=_open_review_comment(found), events=audit.article_events(found.id, limit=20),
        link_problems=links.article_problems(found.id), revisions=content.revisions_of(found.id)[:5],
        revision_state=lambda r: workflow.revision_state(found, r),
        audit_label=lambda action: audit.ACTIONS.get(action, action),
        tree_problems=workflow.tree_problems(found.current_revision.body)
        if found.kind == "troubleshooter" and found.current_revision else [],
    )


def _open_review_comment(found):
    """The last "request changes" comment while its draft is still waiting for a new submission."""
    event = content.latest_event(found.id, "changes_requested")
    submitted = content.latest_event(found.id, "submitted")
    if event is None or (submitted is not None and submitted.id > event.id) or found.edit_status != "draft":
        return None
    return event


def _editor_page(kind, values, article=None, base_revision_id=None, errors=None, conflict=None, status=200,
                 autosave=None):
    """Render the editor with the given values (the writer's own text is never lost)."""
    outline = tree_outline(values["body"]) if kind == "troubleshooter" else None
    return render_template(
        "authoring/edit.html", kind=kind, kind_label=content.KIND_LABELS[kind], article=article, values=values,
        base_revision_id=base_revision_id, errors=errors or {}, conflict=conflict, autosave=autosave,
        categories=content.categories_for_select(), owners=content.staff_users(),
        article_choices=[c for c in content.article_choices() if article is None or c[0] != article.id],
        outline=outline, difficulties=forms.DIFFICULTIES,
        autosave_slot=content.slot_for(article, kind),
    ), status


@bp.get("/new")
@roles_required(*WRITER_ROLES)
def new():
    """The editor for a new article of ?kind= (article, faq, tutorial or troubleshooter)."""
    kind = _kind_or_404()
    values = forms.form_values()
    values["body"] = content.STARTERS[kind]
    values["owner_id"] = current_user.id
    values["category_id"] = request.args.get("category", type=int)
    autosave = content.get_autosave(current_user.id, content.slot_for(None, kind))
    if autosave is not None and request.args.get("restore") == "1":
        values, autosave = forms.values_from_autosave(autosave.data), None
    return _editor_page(kind, values, autosave=autosave)


@bp.post("/new")
@roles_required(*WRITER_ROLES)
def create():
    """Create the article as a draft (and submit it for review when asked)."""
    kind = _kind_or_404()
    draft, errors = forms.read_article_form(request.form, kind)
    errors.update(workflow.check_draft(kind, draft))
    if errors:
        return _editor_page(kind, forms.form_values(draft=draft), errors=errors, status=400)
    created = workflow.create_article(kind, draft, current_user)
    content.discard_autosave(current_user.id, content.slot_for(None, kind))
    return _after_save(created, submit=request.form.get("action") == "submit", message="Draft created.")


def _after_save(found, submit, message):
    """Commit, optionally submitting for review; a refused submission keeps the saved draft."""
    if submit:
        try:
            workflow.submit(found, current_user)
            message = "Saved and submitted for review."
        except workflow.WorkflowError as exc:
            db.session.commit()
            flash(f"Saved as a draft, but not submitted: {exc}")
            return redirect(url_for("authoring.article", article_id=found.id))
    db.session.commit()
    flash(message)
    return redirect(url_for("authoring.article", article_id=found.id))


@bp.get("/<int:article_id>/edit")
@roles_required(*WRITER_ROLES)
def edit(article_id):
    """The editor on the newest revision; a staged edit of a published article leaves the live text alone."""
    found = _article_or_404(article_id)
    values = forms.form_values(found, found.current_revision)
    base = found.current_revision_id
    autosave = content.get_autosave(current_user.id, content.slot_for(found))
    if autosave is not None and request.args.get("restore") == "1":
        values, base, autosave = forms.values_from_autosave(autosave.data), autosave.base_revision_id, None
    return _editor_page(found.kind, values, article=found, base_revision_id=base, autosave=autosave)


@bp.post("/<int:article_id>/edit")
@roles_required(*WRITER_ROLES)
def update(article_id):
    """Save the editor's text as a new revision; refused (text kept) when someone saved in between."""
    found = _article_or_404(article_id)
    draft, errors = forms.read_article_form(request.form, found.kind)
    errors.update(workflow.check_draft(found.kind, draft, article=found))
    base = request.form.get("base_revision_id", type=int)
    if request.form.get("action") == "save_over":  # the writer saw the other change and keeps their text
        base = request.form.get("conflict_revision_id", type=int)
    values = forms.form_values(draft=draft)
    if errors:
        return _editor_page(found.kind, values, article=found, base_revision_id=base, errors=errors, status=400)
    try:
        revision = workflow.save_draft(found, draft, base, current_user)
    except workflow.EditConflict as conflict:
        found = _article_or_404(article_id)
        return _editor_page(found.kind, values, article=found, base_revision_id=base, conflict=conflict, status=409)
    content.discard_autosave(current_user.id, content.slot_for(found))
    message = "Saved a new revision." if revision is not None else "Settings saved; the text had not changed."
    if revision is not None and found.is_public:
        message += " The published version stays live until this one is published."
    return _after_save(found, submit=request.form.get("action") == "submit", message=message)


@bp.post("/<int:article_id>/autosave")
@roles_required(*WRITER_ROLES)
def autosave(article_id):
    """Keep the editor's unsaved form for this writer (JSON for the editor script)."""
    found = _article_or_404(article_id)
    return _autosave(content.slot_for(found), request.form.get("base_revision_id", type=int))


@bp.post("/new/autosave")
@roles_required(*WRITER_ROLES)
def autosave_new():
    """Keep the unsaved form of a new article of ?kind= for this writer."""
    kind = _kind_or_404()
    return _autosave(content.slot_for(None, kind), None)


def _autosave(slot, base_revision_id):
    data = {key: request.form.get(key, "")[:workflow.MAX_BODY] for key in forms.FIELDS if key != "related"}
    data["related"] = request.form.getlist("related")[:50]
    saved = content.save_autosave(current_user.id, slot, data, base_revision_id)
    return jsonify(saved_at=f"{saved.saved_at:%H:%M} UTC")


@bp.post("/autosave/discard")
@roles_required(*WRITER_ROLES)
def discard_autosave():
    """Forget this writer's autosave for an article (or a new one) and go back to the editor."""
    slot = request.form.get("slot", "")
    content.discard_autosave(current_user.id, slot)
    db.session.commit()
    flash("The autosaved changes were discarded.")
    kind, _, ident = slot.partition(":")
    if kind == "article" and ident.isdigit():
        return redirect(url_for("authoring.edit", article_id=int(ident)))
    return redirect(url_for("authoring.new", kind=ident if ident in KINDS else "article"))


@bp.post("/preview")
@roles_required(*CONTENT_READERS)
def preview():
    """The editor's text rendered by the public pipeline (sanitized), as an HTML fragment."""
    kind = request.form.get("kind", "article")
    if kind not in KINDS:
        kind = "article"
    errors = {}
    meta = forms.tutorial_meta(request.form, errors) if kind == "tutorial" else {}
    body = (request.form.get("body") or "")[:workflow.MAX_BODY]
    return render_preview(kind, request.form.get("title", "").strip() or "Untitled", body, meta)
