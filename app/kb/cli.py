"""`flask kb ...` commands: import and export the content folder, check its links."""
import sys

import click
from flask import current_app

from app.authoring import links
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


def _progress(items, length, label):
    """A progress bar on stderr over items, closed as soon as they run out (the next bar starts on its own line)."""
    with click.progressbar(items, length=length, label=label, show_pos=True, file=sys.stderr) as bar:
        yield from bar


@bp.cli.command("check-links")
@click.option("--external", is_flag=True, help="Also check links to other sites (needs network access).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds to wait for each outside site (default: LINK_CHECK_TIMEOUT).")
@click.option("--concurrency", type=click.IntRange(min=1), default=None,
              help="Outside sites asked at once (default: LINK_CHECK_CONCURRENCY).")
def check_links_command(external, timeout, concurrency):
    """Check the links and images of every published article; exit code 1 when some are broken."""
    report = links.check_links(external=external, timeout=timeout, concurrency=concurrency, progress=_progress)
    for slug, problems in report.problems.items():
        for url, _element, problem in problems:
            click.echo(f"{slug}: {url} — {problem}")
    click.echo(report.summary())
    if report.external_kept:
        click.echo(f"{report.external_kept} earlier findings about outside sites kept; "
                   "--external checks them again.", err=True)
    if report.broken:
        sys.exit(1)


@bp.cli.command("tick")
def tick_command():
    """Apply what is due now: scheduled publishing and archiving, analytics rollups and the retention purge
    (run it every minute from cron if you like)."""
    from app.analytics.purge import purge
    from app.analytics.rollup import refresh
    from app.authoring.workflow import run_due_changes

    done = run_due_changes()
    for action, slug in done:
        click.echo(f"{action}: {slug}")
    click.echo(f"due changes applied: {len(done)}")
    click.echo(f"analytics days rolled up: {len(refresh().days)}")
    purged = purge()
    click.echo(f"analytics raw rows purged: {purged.total} (before {purged.cutoff})")
