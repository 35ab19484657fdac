"""/admin/users: who may open it, adding users with a password or an invitation, roles, deactivation, audit rows."""
import re
import time
import types
from email import message_from_bytes, policy
from pathlib import Path

import itsdangerous.timed
import pytest
from sqlalchemy import func, select

from app.auth import services
from app.auth.models import ROLES, User
from app.authoring.models import AuditEvent
from app.extensions import db
from tests.helpers import csrf_token, login

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new password"
LINK = re.compile(r"http://localhost/auth/invite/[A-Za-z0-9._-]+")


# -- helpers -----------------------------------------------------------------------------------------------
def make_user(app, role, email=None, **kwargs):
    """A staff member with PASSWORD; returns the id."""
    with app.app_context():
        return services.create_user(email or f"{role}@example.com", PASSWORD, role=role, name=role.title(), **kwargs).id


def invite(app, email="new@example.com", role="writer"):
    """An invited (pending) user made by the services; returns (id, token)."""
    with app.app_context():
        user, token = services.invite_user(email, "", role, by=None)
        return user.id, token


def signed_in(app, role):
    """A client signed in as a new user of ``role`` (e-mail <role>@example.com)."""
    make_user(app, role)
    client = app.test_client()
    assert login(client, f"{role}@example.com", PASSWORD).status_code == 302
    return client


def form_token(client):
    """A CSRF token of this client's session (any page with a form will do)."""
    with client.session_transaction() as session:
        signed_in_now = "_user_id" in session
    return csrf_token(client, "/dashboard/" if signed_in_now else "/auth/login")


def post(client, url, **data):
    """POST a form with this client's CSRF token."""
    return client.post(url, data={"csrf_token": form_token(client), **data})


def user_row(app, email):
    """(role, active, pending) of a user, read fresh from the database."""
    with app.app_context():
        user = services.get_user_by_email(email)
        return user.role, user.active, services.is_pending(user)


def count(app, model):
    """How many rows a table has."""
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def outbox(app):
    """The e-mails written to the instance outbox, oldest first."""
    paths = sorted(Path(app.instance_path, "outbox").glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    return [message_from_bytes(path.read_bytes(), policy=policy.default) for path in paths]


def id_of(app, email):
    """The id of the user with this e-mail."""
    with app.app_context():
        return services.get_user_by_email(email).id


@pytest.fixture
def admin_client(app):
    """A client signed in as admin@example.com."""
    return signed_in(app, "admin")


# -- who may open what -------------------------------------------------------------------------------------
ENDPOINTS = [
    ("GET", "/admin/users", {}),
    ("POST", "/admin/users", {"email": "added@example.com", "role": "writer", "mode": "invite"}),
    ("POST", "/admin/users/{target}/role", {"role": "editor"}),
    ("POST", "/admin/users/{target}/deactivate", {}),
    ("POST", "/admin/users/{target}/reactivate", {}),
    ("POST", "/admin/users/{target}/invite", {}),
    ("GET", "/admin/audit", {}),
    ("GET", "/admin/audit?group=people", {}),
]


@pytest.mark.parametrize("role, expected", [(None, "login"), ("writer", 403), ("editor", 403), ("lead", 403),
                                            ("admin", "ok")])
@pytest.mark.parametrize("method, url, data", ENDPOINTS)
def test_only_admins_may_use_the_admin_pages(app, role, expected, method, url, data):
    target, _ = invite(app, "target@example.com")
    client = signed_in(app, role) if role else app.test_client()
    events_before = count(app, AuditEvent)
    url = url.format(target=target)

    response = client.get(url) if method == "GET" else post(client, url, **data)

    if expected == "login":
        assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login?next=")
    elif expected == 403:
        assert response.status_code == 403
    else:
        assert response.status_code == (200 if method == "GET" else 302)
    if expected != "ok":
        assert count(app, AuditEvent) == events_before  # nothing happened
        assert user_row(app, "target@example.com") == ("writer", True, True)


@pytest.mark.parametrize("url", ["/admin/users", "/admin/users/1/role", "/admin/users/1/deactivate",
                                 "/admin/users/1/reactivate", "/admin/users/1/invite"])
def test_a_post_without_csrf_token_is_refused(app, admin_client, url):
    make_user(app, "writer")
    events_before = count(app, AuditEvent)

    response = admin_client.post(url, data={"email": "x@example.com", "role": "editor", "mode": "invite"})

    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert count(app, AuditEvent) == events_before


def test_admin_pages_are_never_cached(admin_client):
    assert admin_client.get("/admin/users").headers["Cache-Control"] == "private, no-store"


def test_users_page_lists_accounts_newest_first_with_their_state(app, admin_client):
    make_user(app, "writer")
    writer = id_of(app, "writer@example.com")
    invite(app, "pending@example.com", role="editor")
    make_user(app, "lead")
    with app.app_context():
        services.set_active(id_of(app, "lead@example.com"), False, by=None)

    page = admin_client.get("/admin/users").get_data(as_text=True)

    emails = re.findall(r"<td>([a-z]+@example\.com)</td>", page)
    assert emails == ["lead@example.com", "pending@example.com", "writer@example.com", "admin@example.com"]
    assert "Deactivated" in page and "Invitation pending" in page and "never" in page
    assert f'action="/admin/users/{writer}/deactivate"' in page
    assert 'class="workspace-nav"' in page and 'href="/admin/audit"' in page  # the workspace layout


# -- adding users --------------------------------------------------------------------------------------------
def test_admin_creates_a_user_with_a_password_who_can_then_sign_in(app, admin_client):
    response = post(admin_client, "/admin/users", email="Nia@Example.com", name="Nia", role="editor",
                    mode="password", password=NEW_PASSWORD)

    assert response.status_code == 302
    assert "Created nia@example.com as editor" in admin_client.get("/admin/users").get_data(as_text=True)
    assert user_row(app, "nia@example.com") == ("editor", True, False)
    assert login(app.test_client(), "nia@example.com", NEW_PASSWORD).status_code == 302
    assert outbox(app) == []


def test_invitation_is_mailed_and_accepting_it_sets_the_password_and_signs_in(app, admin_client):
    response = post(admin_client, "/admin/users", email="ivy@example.com", name="", role="writer", mode="invite")

    assert response.status_code == 302
    [mail] = outbox(app)
    assert mail["To"] == "ivy@example.com"
    link = LINK.search(mail.get_content()).group(0)
    assert link in admin_client.get("/admin/users").get_data(as_text=True)  # shown once to the admin
    assert user_row(app, "ivy@example.com") == ("writer", True, True)
    assert login(app.test_client(), "ivy@example.com", "").status_code == 400  # no password yet

    invited = app.test_client()
    form = invited.get(link)
    assert form.status_code == 200 and "ivy@example.com" in form.get_data(as_text=True)
    assert form.headers["Referrer-Policy"] == "no-referrer"
    accepted = invited.post(link, data={"csrf_token": csrf_token(invited, link), "name": "Ivy",
                                        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert accepted.status_code == 302 and accepted.headers["Location"] == "/write/"
    assert invited.get("/dashboard/").status_code == 200  # signed in
    assert user_row(app, "ivy@example.com") == ("writer", True, False)
    assert login(app.test_client(), "ivy@example.com", NEW_PASSWORD).status_code == 302


def test_an_invitation_link_works_only_once(app):
    _, token = invite(app, "ivy@example.com")
    client = app.test_client()
    link = f"/auth/invite/{token}"
    client.post(link, data={"csrf_token": csrf_token(client, link), "name": "Ivy", "password": NEW_PASSWORD,
                            "confirm": NEW_PASSWORD})

    other = app.test_client()
    again = other.get(link)
    attempt = other.post(link, data={"csrf_token": csrf_token(other, "/auth/login"), "name": "Eve",
                                     "password": "attacker password", "confirm": "attacker password"})

    message = "This invitation link has expired or was already used. Ask an admin for a new one."
    assert again.status_code == 400 and message in again.get_data(as_text=True)
    assert attempt.status_code == 400
    assert login(app.test_client(), "ivy@example.com", NEW_PASSWORD).status_code == 302
    assert login(app.test_client(), "ivy@example.com", "attacker password").status_code == 400


@pytest.mark.parametrize("max_age_days, age_days, status", [(None, 6, 200), (None, 8, 400), (1, 2, 400), (1, 0, 200)])
def test_invitation_links_expire(app, monkeypatch, max_age_days, age_days, status):
    if max_age_days is not None:
        app.config["INVITE_MAX_AGE_DAYS"] = max_age_days
    # The token is signed as if it had been made age_days ago.
    then = time.time() - age_days * 86400
    monkeypatch.setattr(itsdangerous.timed, "time", types.SimpleNamespace(time=lambda: then))
    _, token = invite(app)
    monkeypatch.undo()

    response = app.test_client().get(f"/auth/invite/{token}")

    assert response.status_code == status
    assert ("has expired or was already used" in response.get_data(as_text=True)) == (status == 400)


@pytest.mark.parametrize("token", ["nonsense", "eyJ1c2VyIjoxfQ.aaaa.bbbb", "x" * 400])
def test_a_forged_invitation_link_is_refused(app, token):
    invite(app)

    response = app.test_client().get(f"/auth/invite/{token}")

    assert response.status_code == 400
    assert "has expired or was already used" in response.get_data(as_text=True)


def test_a_deactivated_invited_user_cannot_accept(app):
    user_id, token = invite(app)
    with app.app_context():
        services.set_active(user_id, False, by=None)

    assert app.test_client().get(f"/auth/invite/{token}").status_code == 400


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "Ivy", "password": "short", "confirm": "short"}, "The password must have 8 to 200 characters."),
        ({"name": "Ivy", "password": NEW_PASSWORD, "confirm": "something else"}, "The two passwords are not the same."),
        ({"name": "", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, "Enter your name."),
    ],
)
def test_accepting_with_bad_input_shows_the_form_again(app, data, message):
    _, token = invite(app, "ivy@example.com")
    client = app.test_client()
    link = f"/auth/invite/{token}"

    response = client.post(link, data={"csrf_token": csrf_token(client, link), **data})

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert user_row(app, "ivy@example.com")[2]  # still pending
    assert client.get(link).status_code == 200  # the link still works


def test_sending_an_invitation_again_mails_a_new_working_link(app, admin_client):
    user_id, _ = invite(app, "ivy@example.com")

    response = post(admin_client, f"/admin/users/{user_id}/invite")

    assert response.status_code == 302
    [mail] = outbox(app)
    link = LINK.search(mail.get_content()).group(0)
    assert app.test_client().get(link).status_code == 200


def test_an_accepted_invitation_cannot_be_sent_again(app, admin_client):
    make_user(app, "writer")

    response = post(admin_client, f"/admin/users/{id_of(app, 'writer@example.com')}/invite")

    assert response.status_code == 400
    assert "has already accepted the invitation" in response.get_data(as_text=True)
    assert outbox(app) == []


@pytest.mark.parametrize("mode", ["invite", "password"])
def test_an_email_is_used_once_whatever_its_case(app, admin_client, mode):
    make_user(app, "writer")
    users_before = count(app, User)

    response = post(admin_client, "/admin/users", email="WRITER@Example.com", role="editor", mode=mode,
                    password=NEW_PASSWORD)

    assert response.status_code == 400
    assert "A user with e-mail writer@example.com already exists" in response.get_data(as_text=True)
    assert count(app, User) == users_before
    assert user_row(app, "writer@example.com") == ("writer", True, False)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "", "role": "writer", "mode": "invite"}, "Enter the person&#39;s e-mail address."),
        ({"email": "not-an-email", "role": "writer", "mode": "invite"}, "is not an e-mail address"),
        ({"email": "a@example.com", "role": "god", "mode": "invite"}, "Not a valid choice"),
        ({"email": "a@example.com", "role": "writer", "mode": "magic"}, "Not a valid choice"),
        ({"email": "a@example.com", "role": "writer", "mode": "password", "password": "short"},
         "The password must have at least 8 characters."),
        ({"email": "a@example.com", "role": "writer", "mode": "invite", "name": "n" * 121},
         "Field cannot be longer than 120 characters."),
    ],
)
def test_adding_a_user_with_bad_input_shows_the_form_again(app, admin_client, data, message):
    users_before = count(app, User)

    response = post(admin_client, "/admin/users", **data)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(app, User) == users_before
    assert outbox(app) == []


# -- roles and deactivation -----------------------------------------------------------------------------------
def test_admin_changes_a_role(app, admin_client):
    make_user(app, "writer")

    response = post(admin_client, f"/admin/users/{id_of(app, 'writer@example.com')}/role", role="editor")

    assert response.status_code == 302
    assert user_row(app, "writer@example.com")[0] == "editor"
    assert "writer@example.com is now editor." in admin_client.get("/admin/users").get_data(as_text=True)


@pytest.mark.parametrize("role", ["superuser", "", "Admin", "admin "])
def test_an_unknown_role_is_refused_and_nothing_changes(app, admin_client, role):
    make_user(app, "writer")
    events_before = count(app, AuditEvent)

    response = post(admin_client, f"/admin/users/{id_of(app, 'writer@example.com')}/role", role=role)

    assert response.status_code == 400
    assert "Choose one of the roles: writer, editor, lead, admin." in response.get_data(as_text=True)
    assert user_row(app, "writer@example.com")[0] == "writer"
    assert count(app, AuditEvent) == events_before


@pytest.mark.parametrize("url", ["/admin/users/999/role", "/admin/users/999/deactivate",
                                 "/admin/users/999/reactivate", "/admin/users/999/invite"])
def test_an_unknown_user_is_not_found(admin_client, url):
    assert post(admin_client, url, role="editor").status_code == 404


@pytest.mark.parametrize(
    "url, data, message",
    [
        ("role", {"role": "editor"}, "You cannot remove your own admin role"),
        ("deactivate", {}, "You cannot deactivate your own account"),
    ],
)
def test_an_admin_cannot_lock_themself_out(app, admin_client, url, data, message):
    make_user(app, "admin", email="second@example.com")  # even with another admin around
    me = id_of(app, "admin@example.com")

    response = post(admin_client, f"/admin/users/{me}/{url}", **data)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert user_row(app, "admin@example.com") == ("admin", True, False)


def test_an_admin_may_demote_and_deactivate_another_admin(app, admin_client):
    make_user(app, "admin", email="second@example.com")
    other = id_of(app, "second@example.com")

    assert post(admin_client, f"/admin/users/{other}/role", role="lead").status_code == 302
    assert post(admin_client, f"/admin/users/{other}/deactivate").status_code == 302
    assert user_row(app, "second@example.com") == ("lead", False, False)


@pytest.mark.parametrize("change", [
    lambda user_id, by: services.set_active(user_id, False, by=by),
    lambda user_id, by: services.change_role(user_id, "editor", by=by),
])
def test_the_last_active_admin_can_never_be_deactivated_or_demoted(app, change):
    first, second = make_user(app, "admin", "first@example.com"), make_user(app, "admin", "second@example.com")
    invite(app, "pending-admin@example.com", role="admin")  # cannot sign in yet, so does not count
    with app.app_context():
        services.set_active(second, False, by=db.session.get(User, first))
        # The second admin's page was open before they were deactivated (or it is the command line).
        for by in (db.session.get(User, second), None):
            with pytest.raises(services.AccountError, match="There must be at least one active admin."):
                change(first, by)
            assert db.session.get(User, first).role == "admin" and db.session.get(User, first).active


def test_deactivation_ends_sessions_and_remember_me_cookies_at_once(app, admin_client):
    make_user(app, "writer")
    writer = app.test_client()
    answer = writer.post("/auth/login", data={"email": "writer@example.com", "password": PASSWORD, "remember": "y",
                                              "csrf_token": csrf_token(writer, "/auth/login")})
    assert answer.status_code == 302
    remember = writer.get_cookie("remember_token").value
    only_cookie = app.test_client()
    only_cookie.set_cookie("remember_token", remember)
    assert only_cookie.get("/dashboard/").status_code == 200  # the cookie alone signs in

    post(admin_client, f"/admin/users/{id_of(app, 'writer@example.com')}/deactivate")

    assert writer.get("/dashboard/").headers["Location"].startswith("/auth/login")
    cookie_later = app.test_client()
    cookie_later.set_cookie("remember_token", remember)
    assert cookie_later.get("/dashboard/").headers["Location"].startswith("/auth/login")
    assert login(app.test_client(), "writer@example.com", PASSWORD).status_code == 400


def test_a_reactivated_user_can_sign_in_again(app, admin_client):
    make_user(app, "writer")
    writer = id_of(app, "writer@example.com")
    post(admin_client, f"/admin/users/{writer}/deactivate")

    assert post(admin_client, f"/admin/users/{writer}/reactivate").status_code == 302
    assert login(app.test_client(), "writer@example.com", PASSWORD).status_code == 302


# -- audit ---------------------------------------------------------------------------------------------------
def test_every_user_change_writes_an_audit_event_with_actor_and_target(app, admin_client):
    post(admin_client, "/admin/users", email="pat@example.com", role="writer", mode="password", password=NEW_PASSWORD)
    post(admin_client, "/admin/users", email="ivy@example.com", role="lead", mode="invite")
    pat, ivy = id_of(app, "pat@example.com"), id_of(app, "ivy@example.com")
    post(admin_client, f"/admin/users/{ivy}/invite")
    post(admin_client, f"/admin/users/{pat}/role", role="editor")
    post(admin_client, f"/admin/users/{pat}/deactivate")
    post(admin_client, f"/admin/users/{pat}/reactivate")

    with app.app_context():
        events = db.session.execute(select(AuditEvent).where(AuditEvent.actor_id.is_not(None))
                                    .order_by(AuditEvent.id)).scalars().all()
        rows = [(e.action, e.actor.email, e.user.email, e.detail) for e in events]

    assert rows == [
        ("user_created", "admin@example.com", "pat@example.com", "pat@example.com as writer"),
        ("user_invited", "admin@example.com", "ivy@example.com", "ivy@example.com as lead"),
        ("user_invited", "admin@example.com", "ivy@example.com", "invitation sent again"),
        ("role_changed", "admin@example.com", "pat@example.com", "writer → editor"),
        ("user_deactivated", "admin@example.com", "pat@example.com", ""),
        ("user_reactivated", "admin@example.com", "pat@example.com", ""),
    ]


def test_a_refused_change_writes_no_audit_event(app, admin_client):
    events_before = count(app, AuditEvent)

    post(admin_client, f"/admin/users/{id_of(app, 'admin@example.com')}/deactivate")

    assert count(app, AuditEvent) == events_before


def test_roles_offered_are_the_known_roles(admin_client):
    page = admin_client.get("/admin/users").get_data(as_text=True)

    assert all(f'<option value="{role}"' in page for role in ROLES)
