"""Staff sign-in: credentials, CSRF, ?next=, sign-out, rate limits, deactivation."""
import pytest

from app.auth.models import User
from app.auth.services import create_user
from app.extensions import db
from tests.helpers import login

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(app):
    with app.app_context():
        create_user("Editor@Example.com", PASSWORD, role="editor", name="Eddie")
    return "editor@example.com"


def test_login_with_right_password_signs_in(client, staff):
    response = login(client, staff, PASSWORD)

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Signed in as Eddie" in client.get("/").get_data(as_text=True)


def test_email_is_case_insensitive(client, staff):
    assert login(client, "EDITOR@example.COM", PASSWORD).status_code == 302


@pytest.mark.parametrize("email, password", [("editor@example.com", "wrong password"), ("nobody@example.com", PASSWORD)])
def test_wrong_credentials_get_one_generic_message(client, staff, email, password):
    response = login(client, email, password)
    page = response.get_data(as_text=True)

    assert response.status_code == 400
    assert "The e-mail or password is not correct." in page
    assert f'value="{email}"' in page  # what was typed is kept
    assert "Signed in as" not in page


def test_login_without_csrf_token_is_refused(client, staff):
    response = client.post("/auth/login", data={"email": staff, "password": PASSWORD})

    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert "Signed in as" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "next_url, expected",
    [
        ("/articles/refunds", "/articles/refunds"),
        ("/faq?x=1#top", "/faq?x=1#top"),
        ("https://evil.example/", "/"),
        ("//evil.example/path", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("http:/evil.example", "/"),
        ("/\t/evil.example", "/"),
        ("", "/"),
    ],
)
def test_next_accepts_only_same_site_paths(client, staff, next_url, expected):
    response = login(client, staff, PASSWORD, next_url=next_url)

    assert response.headers["Location"] == expected


def test_logout_needs_post(client, staff):
    login(client, staff, PASSWORD)

    assert client.get("/auth/logout").status_code == 405
    assert "Signed in as" in client.get("/").get_data(as_text=True)


def test_logout_with_post_signs_out(client, staff):
    login(client, staff, PASSWORD)
    page = client.get("/").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]

    response = client.post("/auth/logout", data={"csrf_token": token})

    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Staff sign in" in home and "You are signed out." in home


def test_a_message_for_one_visitor_is_never_cached_for_others(app, client, staff):
    login(client, staff, PASSWORD)
    page = client.get("/").get_data(as_text=True)
    client.post("/auth/logout", data={"csrf_token": page.split('name="csrf_token" value="')[1].split('"')[0]})
    assert "You are signed out." in client.get("/").get_data(as_text=True)

    stranger = app.test_client().get("/").get_data(as_text=True)

    assert "You are signed out." not in stranger
    assert "You are signed out." not in client.get("/").get_data(as_text=True)  # shown once


def test_deactivated_user_is_signed_out_at_once(app, client, staff):
    login(client, staff, PASSWORD)
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(email=staff)).scalar_one()
        user.active = False
        db.session.commit()

    assert "Staff sign in" in client.get("/").get_data(as_text=True)
    assert login(client, staff, PASSWORD).status_code == 400


def test_session_cookie_is_httponly_and_samesite_lax(client, staff):
    response = login(client, staff, PASSWORD)
    cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")][0]

    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.app_config(LOGIN_RATE_LIMIT="3 per minute")
def test_login_attempts_are_rate_limited(client, staff):
    statuses = [login(client, staff, "wrong password").status_code for _ in range(4)]

    assert statuses == [400, 400, 400, 429]
    response = login(client, staff, PASSWORD)
    assert response.status_code == 429
    assert "Please wait a minute" in response.get_data(as_text=True)
    assert 1 <= int(response.headers["Retry-After"]) <= 60


@pytest.mark.app_config(LOGIN_RATE_LIMIT="3 per minute")
def test_rate_limit_counts_only_posts(client, staff):
    for _ in range(5):
        assert client.get("/auth/login").status_code == 200
