"""Category management for editors and admins: the tree, new, edit and delete (empty categories only)."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.access import roles_required
from app.authoring import EDITOR_ROLES, bp
from app.authoring import categories as service
from app.extensions import db
from app.kb.models import Category

FIELDS = ("title", "slug", "description", "icon", "parent", "position")


@bp.get("/categories")
@roles_required(*EDITOR_ROLES)
def categories():
    """Every category, parents then their children, with article counts and Edit links."""
    return render_template("authoring/categories.html", rows=service.category_tree())


def _form_values(category=None):
    """The form's values: from the category being edited, or blank for a new one."""
    if category is None:
        return {"title": "", "slug": "", "description": "", "icon": "", "parent": "", "position": "0"}
    return {"title": category.title, "slug": category.slug, "description": category.description or "",
            "icon": category.icon or "", "parent": str(category.parent_id or ""), "position": str(category.position)}


def _render_form(category, form, error=None, delete_error="", status=200):
    """The new/edit form; parents offered are every category except this one and those below it."""
    excluded = set()
    if category is not None:
        excluded = {category.id} | service.descendant_ids(category.id)
    parents = [row for row in service.category_tree() if row.id not in excluded]
    counts = service.article_counts()
    context = {"category": category, "form": form, "error": error, "delete_error": delete_error,
               "parents": parents, "icons": service.ICONS,
               "article_count": counts.get(category.id, 0) if category is not None else 0,
               "child_count": len(category.children) if category is not None else 0}
    return render_template("authoring/category_form.html", **context), status


def _save(category):
    """Validate and save the posted form; the form again with the message (400) on bad input."""
    form = {name: request.form.get(name, "") for name in FIELDS}
    try:
        saved = service.save_category(category.id if category is not None else None, form["title"], form["slug"],
                                      form["description"], form["icon"], form["parent"], form["position"],
                                      by=current_user)
    except service.CategoryError as error:
        return _render_form(category, form, error=error, status=400)
    flash(f"Category “{saved.title}” saved.")
    return redirect(url_for("authoring.categories"))


@bp.route("/categories/new", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def new_category():
    """Form for a new category; POST creates it."""
    if request.method == "POST":
        return _save(None)
    return _render_form(None, _form_values())


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def edit_category(category_id):
    """Form for an existing category; POST saves the changes."""
    category = db.get_or_404(Category, category_id)
    if request.method == "POST":
        return _save(category)
    return _render_form(category, _form_values(category))


@bp.post("/categories/<int:category_id>/delete")
@roles_required(*EDITOR_ROLES)
def delete_category(category_id):
    """Delete an empty category; otherwise the edit form again saying what is still in it (400)."""
    category = db.get_or_404(Category, category_id)
    try:
        title = service.delete_category(category.id, by=current_user)
    except service.CategoryError as error:
        return _render_form(category, _form_values(category), delete_error=str(error), status=400)
    flash(f"Category “{title}” deleted.")
    return redirect(url_for("authoring.categories"))
