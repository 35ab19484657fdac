"""`flask search ...`: rebuild, check and report."""
import sys

import click
from flask import current_app

from app.search import analytics, bp, indexing


@bp.cli.command("reindex")
def reindex_command():
    """Rebuild the search index from the database."""
    app = current_app._get_current_object()

    def progress(documents):
        with click.progressbar(documents, label="Indexing", show_pos=True, file=sys.stderr) as bar:
            yield from bar

    count = indexing.reindex_all(app, progress=progress)
    click.echo(f"indexed: {count} articles ({indexing.backend_for(app).name})")


@bp.cli.command("check")
def check_command():
    """Compare the index with the database; exit 1 when they drifted apart."""
    app = current_app._get_current_object()
    indexing.drain(app)
    missing, stale, extra = indexing.drift(app)
    click.echo(f"missing: {len(missing)}, stale: {len(stale)}, extra: {len(extra)}")
    for label, ids in (("missing", missing), ("stale", stale), ("extra", extra)):
        if ids:
            click.echo(f"{label} article ids: {', '.join(map(str, ids[:50]))}", err=True)
    if missing or stale or extra:
        click.echo("run `flask search reindex` to rebuild the index", err=True)
        sys.exit(1)


@bp.cli.command("report")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3650))
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
def report_command(days, limit):
    """Top, zero-result, unclicked and escalated queries of the last DAYS days."""
    click.echo(analytics.format_report(analytics.report(days=days, limit=limit), days))
