"""`flask feedback ...` commands: `flask feedback export votes|topics` writes the same CSV as the downloads."""
import click

from plugins.feedback import bp, export, reports


@bp.cli.command("export")
@click.argument("kind", type=click.Choice(sorted(export.EXPORTS)))
@click.option("--from", "start", metavar="YYYY-MM-DD", default="", help="First day (UTC) of the votes or requests.")
@click.option("--to", "end", metavar="YYYY-MM-DD", default="", help="Last day (UTC), included.")
@click.option("--category", metavar="SLUG", default="", help="Only votes on articles in this category (and below).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of standard output.")
def export_command(kind, start, end, category, output):
    """Export feedback votes or topic requests as CSV (comments masked, no voter keys)."""
    if category and kind == "topics":
        raise click.UsageError("--category applies to votes only: topic requests have no category.")
    try:
        filters = reports.parse_filters(start, end, category)
    except reports.FilterError as error:
        option = {"from": "--from", "to": "--to", "category": "--category"}.get(error.field)
        raise click.BadParameter(str(error), param_hint=f"'{option}'" if option else None) from None
    lines = export.EXPORTS[kind](filters)
    if output is None:
        for line in lines:
            click.echo(line, nl=False)
        return
    rows = -1  # the header is not a record
    with open(output, "w", encoding="utf-8", newline="") as file:
        for line in lines:
            file.write(line)
            rows += 1
    click.echo(f"Wrote {rows} {kind if rows != 1 else kind[:-1]} to {output}.", err=True)
