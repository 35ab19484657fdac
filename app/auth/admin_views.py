"""Admin pages: staff accounts and invitations (/admin/users), the audit log (/admin/audit); accepting an invitation."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from app.auth import bp, services
from app.auth.access import roles_required
from app.auth.forms import AcceptInviteForm, AddUserForm, RoleForm
from app.auth.models import ROLES
from app.authoring.audit import ACTIONS, recent_events
from app.core.mail import send_mail

admin_bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

ADMIN = ("admin",)
AUDIT_PAGE_SIZE = 100
PEOPLE_ACTIONS = ("user_created", "user_invited", "role_changed", "user_deactivated", "user_reactivated")
# The audit log's filter: group code -> (label, actions).
AUDIT_GROUPS = {
    "content": ("Content", tuple(action for action in ACTIONS if action not in PEOPLE_ACTIONS)),
    "people": ("People", PEOPLE_ACTIONS),
}


@admin_bp.after_request
def _never_cache(response):
    """Admin pages list personal data: no shared or browser cache keeps them."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _me():
    """The signed-in admin as a plain User object for services."""
    return current_user._get_current_object()


def _sentence(message):
    """A service message as a sentence (they start in lower case for the command line)."""
    message = str(message)
    return message[:1].upper() + message[1:]


def _users_page(add_form=None, row_errors=None, status=200):
    """The users table and the add form; row_errors maps a user id to why the change on that row was refused."""
    rows = [(user, _state(user)) for user in services.list_users()]
    return render_template("auth/admin_users.html", rows=rows, add_form=add_form or AddUserForm(), roles=ROLES,
                           row_errors=row_errors or {}), status


def _state(user):
    """What the status column says about an account."""
    if not user.active:
        return "Deactivated"
    return "Invitation pending" if services.is_pending(user) else "Active"


def _send_invitation(user, token):
    """E-mail the invitation link and show it to the admin once, in case the mail does not arrive."""
    link = url_for("auth.invite_accept", token=token, _external=True)
    days = current_app.config.get("INVITE_MAX_AGE_DAYS", 7)
    body = render_template("auth/email/invite.txt", user=user, link=link, inviter=current_user.display_name, days=days)
    try:
        send_mail(user.email, f"Your invitation to {current_app.config['SITE_NAME']}", body)
    except OSError:  # SMTP refused or unreachable (smtplib errors are OSErrors); the account exists anyway
        current_app.logger.warning("Invitation e-mail to user %s could not be sent", user.id, exc_info=True)
        flash(f"The invitation e-mail to {user.email} could not be sent. Give them this link yourself: {link}")
        return
    flash(f"Invitation sent to {user.email}. If it does not arrive, give them this link: {link}")


def _row_change(user_id, change, done):
    """Run one change on a row: 404 for an unknown user, the page again (400) with the reason when refused."""
    try:
        user = change()
    except services.UserNotFound:
        abort(404)
    except services.AccountError as error:
        return _users_page(row_errors={user_id: _sentence(error)}, status=400)
    flash(done(user))
    return redirect(url_for("admin.users") + f"#user-{user.id}")


# -- users -------------------------------------------------------------------------------------------------
@admin_bp.get("/users")
@roles_required(*ADMIN)
def users():
    """Every staff account, newest first, with role, status and sign-in times; the form to add one."""
    return _users_page()


@admin_bp.post("/users")
@roles_required(*ADMIN)
def create():
    """Add a user with a password, or invite them by e-mail."""
    form = AddUserForm()
    if not form.validate():
        return _users_page(add_form=form, status=400)
    try:
        if form.mode.data == "password":
            user = services.create_user(form.email.data, form.password.data, role=form.role.data,
                                        name=form.name.data, by=_me())
            flash(f"Created {user.email} as {user.role}. They can sign in with the password you chose.")
        else:
            user, token = services.invite_user(form.email.data, form.name.data, form.role.data, by=_me())
            _send_invitation(user, token)
    except services.AccountError as error:
        getattr(form, error.field or "email").errors.append(_sentence(error))
        return _users_page(add_form=form, status=400)
    return redirect(url_for("admin.users") + f"#user-{user.id}")


@admin_bp.post("/users/<int:user_id>/role")
@roles_required(*ADMIN)
def change_role(user_id):
    """Give one user another role."""
    form = RoleForm()
    if not form.validate():
        return _users_page(row_errors={user_id: f"Choose one of the roles: {', '.join(ROLES)}."}, status=400)
    return _row_change(user_id, lambda: services.change_role(user_id, form.role.data, by=_me()),
                       lambda user: f"{user.email} is now {user.role}.")


@admin_bp.post("/users/<int:user_id>/deactivate")
@roles_required(*ADMIN)
def deactivate(user_id):
    """Deactivate an account; its sessions and remember-me cookies stop working on their next request."""
    return _row_change(user_id, lambda: services.set_active(user_id, False, by=_me()),
                       lambda user: f"{user.email} is deactivated and signed out.")


@admin_bp.post("/users/<int:user_id>/reactivate")
@roles_required(*ADMIN)
def reactivate(user_id):
    """Let a deactivated account sign in again."""
    return _row_change(user_id, lambda: services.set_active(user_id, True, by=_me()),
                       lambda user: f"{user.email} is active again.")


@admin_bp.post("/users/<int:user_id>/invite")
@roles_required(*ADMIN)
def resend_invite(user_id):
    """Send a pending user a new invitation link."""
    try:
        user, token = services.resend_invite(user_id, by=_me())
    except services.UserNotFound:
        abort(404)
    except services.AccountError as error:
        return _users_page(row_errors={user_id: _sentence(error)}, status=400)
    _send_invitation(user, token)
    return redirect(url_for("admin.users") + f"#user-{user.id}")


# -- audit log ---------------------------------------------------------------------------------------------
@admin_bp.get("/audit")
@roles_required(*ADMIN)
def audit():
    """The newest audit events, 100 a page (?before=<id> for older ones), optionally one group of actions."""
    group, before = request.args.get("group", ""), request.args.get("before", "")
    errors = []
    if group and group not in AUDIT_GROUPS:
        errors.append("Choose a group of actions from the list.")
    if before and not (before.isascii() and before.isdigit() and len(before) <= 18):
        errors.append("The page address is not right; start again from the newest events.")
    if errors:
        return render_template("auth/admin_audit.html", rows=[], groups=AUDIT_GROUPS, group="", errors=errors,
                               older=None, paged=False), 400
    events = recent_events(actions=AUDIT_GROUPS[group][1] if group else None, limit=AUDIT_PAGE_SIZE + 1,
                           before_id=int(before) if before else None)
    older = events[AUDIT_PAGE_SIZE - 1].id if len(events) > AUDIT_PAGE_SIZE else None
    rows = [_audit_row(event) for event in events[:AUDIT_PAGE_SIZE]]
    return render_template("auth/admin_audit.html", rows=rows, groups=AUDIT_GROUPS, group=group, errors=[],
                           older=older, paged=bool(before))


def _audit_row(event):
    """What one row of the audit log shows."""
    subject, subject_url = "—", None
    if event.article_id is not None:
        # A plain path: the editor's endpoint belongs to the authoring feature, which owns /write/<id>.
        subject = event.article.title if event.article is not None else f"article {event.article_id}"
        subject_url = f"/write/{event.article_id}"
    elif event.user is not None:
        subject = event.user.email
    return {"event": event, "actor": event.actor.display_name if event.actor is not None else "System",
            "label": ACTIONS.get(event.action, event.action), "subject": subject, "subject_url": subject_url}


# -- accepting an invitation (under /auth, on the sign-in blueprint) --------------------------------------
@bp.route("/invite/<token>", methods=["GET", "POST"])
def invite_accept(token):
    """An invited person sets their name and password, is signed in and goes to the workspace."""
    user = services.invited_user(token)
    if user is None:
        return _invite_page(None, expired=True, status=400)
    form = AcceptInviteForm(name=user.name)
    if form.validate_on_submit():
        try:
            user = services.accept_invite(token, form.name.data, form.password.data)
        except services.InviteError:
            return _invite_page(None, expired=True, status=400)
        except services.AccountError as error:
            getattr(form, error.field or "password").errors.append(_sentence(error))
        else:
            login_user(user)
            flash(f"Welcome, {user.display_name}. Your password is set and you are signed in.")
            return redirect("/write/")  # the workspace (authoring feature)
    return _invite_page(form, user=user, status=400 if request.method == "POST" else 200)


def _invite_page(form, user=None, expired=False, status=200):
    """The accept page; the token in its address must not leak through caches or the Referer header."""
    html = render_template("auth/invite_accept.html", form=form, user=user, expired=expired,
                           message=services.INVITE_EXPIRED)
    return html, status, {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}
