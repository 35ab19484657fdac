"""`flask analytics ...`: roll raw events up into the daily aggregates, purge the old raw rows."""
import click
from flask.cli import AppGroup

from app.analytics import purge as retention
from app.analytics import rollup
from app.analytics.periods import today_utc
from app.core.dates import parse_day

group = AppGroup("analytics", help="Daily aggregates of page views, searches and troubleshooter runs.")


def _day(ctx, param, value):
    try:
        day = parse_day(value, "--day")
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    if day and day > today_utc():
        raise click.BadParameter("that day has not started yet (days are UTC).")
    return day


@group.command("rollup")
@click.option("--day", callback=_day, metavar="YYYY-MM-DD", help="Roll up this UTC day only.")
def rollup_command(day):
    """Roll up every day that is due (or one --day) from the raw events."""
    if day:
        rollup.rollup_day(day)
        click.echo(f"rolled up: {day}")
        return
    done = rollup.refresh()
    for rolled in done.days:
        click.echo(f"rolled up: {rolled}")
    click.echo(f"days rolled up: {len(done.days)}")


@group.command("purge")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Keep raw events of this many days (default: ANALYTICS_RETENTION_DAYS).")
def purge_command(days):
    """Delete raw events older than the retention, after rolling their days up; the aggregates stay."""
    report(retention.purge(retention_days=days))


def report(purged):
    """Print what a purge deleted."""
    for table, count in purged.deleted.items():
        click.echo(f"{table}: {count}")
    click.echo(f"raw rows deleted: {purged.total} (before {purged.cutoff}; daily aggregates kept)")
    if purged.held_from:
        click.echo(f"kept from {purged.held_from}: those days are not rolled up for good yet", err=True)
