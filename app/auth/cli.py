"""`flask users ...` commands."""
import sys

import click
from sqlalchemy import select

from app.auth import bp, services
from app.auth.models import ROLES, User
from app.extensions import db


def _read_password():
    """Prompt twice on a terminal; otherwise read the first line of standard input."""
    if sys.stdin is not None and sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@bp.cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="writer", show_default=True)
@click.option("--name", default="", help="Display name.")
def create_command(email, role, name):
    """Create a staff user; the password is prompted for, or read from standard input."""
    password = _read_password()
    try:
        user = services.create_user(email, password, role=role, name=name)
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {user.role} {user.email}")


@bp.cli.command("list")
def list_command():
    """List staff users."""
    for user in db.session.execute(select(User).order_by(User.email)).scalars():
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.email}\t{user.role}\t{state}")
