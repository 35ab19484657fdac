"""Staff sign-in and sign-out."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp, services
from app.auth.forms import LoginForm
from app.core.security import is_safe_next
from app.extensions import limiter


def _next_url(candidate):
    return candidate if is_safe_next(candidate) else url_for("kb.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("LOGIN_RATE_LIMIT", scope="login")
def login():
    """Sign-in page; on success go to ?next= when it is a path on this site."""
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_next_url(form.next.data))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(_next_url(form.next.data))
        form.password.errors.append("The e-mail or password is not correct.")
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """Sign out (POST with CSRF token only)."""
    logout_user()
    flash("You are signed out.")
    return redirect(url_for("kb.index"))
