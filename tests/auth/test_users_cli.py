"""`flask users create` and `flask users list`."""
import pytest

from app.auth.services import authenticate


def test_create_admin_with_password_from_stdin(runner):
    result = runner.invoke(args=["users", "create", "admin@example.com", "--role", "admin", "--name", "Ada"],
                           input="a long password\n")

    assert result.exit_code == 0, result.output
    assert "created admin admin@example.com" in result.output
    with runner.app.app_context():
        user = authenticate("admin@example.com", "a long password")
        assert user.role == "admin" and user.name == "Ada"


@pytest.mark.parametrize(
    "args, password, message",
    [
        (["not-an-email"], "a long password", "'not-an-email' is not an e-mail address"),
        (["a@example.com"], "short", "at least 8 characters"),
        (["a@example.com", "--role", "god"], "a long password", "Invalid value for '--role'"),
    ],
)
def test_create_refuses_bad_input_with_a_clear_message(runner, args, password, message):
    result = runner.invoke(args=["users", "create", *args], input=password + "\n")

    assert result.exit_code != 0
    assert message in result.output


def test_create_refuses_an_existing_email(runner):
    runner.invoke(args=["users", "create", "a@example.com"], input="a long password\n")

    result = runner.invoke(args=["users", "create", "A@example.com"], input="another password\n")

    assert result.exit_code == 1
    assert "a user with e-mail a@example.com already exists" in result.output


def test_list_shows_users_and_roles(runner):
    runner.invoke(args=["users", "create", "lead@example.com", "--role", "lead"], input="a long password\n")

    result = runner.invoke(args=["users", "list"])

    assert "lead@example.com\tlead\tactive" in result.output
