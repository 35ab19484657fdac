"""`flask kb ...` commands: import and export the content folder."""
import sys

import click
from flask import current_app

from app.kb import bp, sync


@bp.cli.command("sync")
@click.argument("directory", required=False, type=click.Path(file_okay=False, exists=True))
def sync_command(directory):
    """Import a content folder (default: the bundled content/) into the database."""
    directory = directory or current_app.config["CONTENT_DIR"]
    plan = sync.read_directory(directory)
    with click.progressbar(plan.articles, label=f"Syncing {directory}", show_pos=True, file=sys.stderr) as bar:
        report = sync.apply_plan(plan, bar)
    for path, reason in report.failed:
        click.echo(f"failed: {path}: {reason}", err=True)
    for path, message in report.warnings:
        click.echo(f"warning: {path}: {message}", err=True)
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


@bp.cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False))
def export_command(directory):
    """Write every category and article to DIRECTORY in the content folder format."""
    written = sync.export_directory(directory)
    click.echo(f"exported: {written} articles to {directory}")
