"""`flask inquiries report --month 2026-01 | --quarter 2026-Q1`: the report's figures as text or CSV."""
import click

from app.inquiries import bp, reports

LABEL_WIDTH = 34


def as_text(report):
    """The report as plain text: the headline figures, then every breakdown and top list."""
    lines = [f"Inquiries report: {report.period.label}", f"Inquiries created {report.period.days} (UTC)", ""]
    for figure in reports.summary(report):
        target = (f"; target {reports.format_percent(figure.target)}: {figure.result}"
                  if figure.target is not None else "")
        lines.append(f"{figure.label + ':':<{LABEL_WIDTH}} {figure.shown:<11} {figure.basis}{target}")
    for _, title, _, rows in reports.breakdowns(report):
        lines += ["", title]
        if not any(row.count for row in rows):
            lines.append("  (none)")
        for row in rows:
            lines.append(f"  {row.label[:LABEL_WIDTH - 2]:<{LABEL_WIDTH - 2}} {row.count:>6,}")
    return "\n".join(lines) + "\n"


@bp.cli.command("report")
@click.option("--month", metavar="YYYY-MM", default="", help="A calendar month (UTC), e.g. 2026-01.")
@click.option("--quarter", metavar="YYYY-Qn", default="", help="A calendar quarter (UTC), e.g. 2026-Q1.")
@click.option("--format", "output", type=click.Choice(["text", "csv"]), default="text", show_default=True,
              help="Plain text, or the same CSV as the download.")
def report_command(month, quarter, output):
    """Figures of the inquiries created in a month or quarter (default: this month)."""
    try:
        period = reports.parse_period(month, quarter)
    except reports.PeriodError as error:
        raise click.UsageError(str(error)) from None
    report = reports.build_report(period)
    click.echo(reports.as_csv(report) if output == "csv" else as_text(report), nl=False)
