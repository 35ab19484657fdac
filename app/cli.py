"""The `tier0` console command: the Flask CLI of this app (`tier0 kb sync` = `flask --app wsgi kb sync`)."""
from flask.cli import FlaskGroup

from app import create_app

cli = FlaskGroup(create_app=create_app, help="Tier0 help center commands (the Flask CLI for this app).")


def main():
    """Entry point of the `tier0` script."""
    cli.main(prog_name="tier0")
