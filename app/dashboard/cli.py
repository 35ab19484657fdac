"""`flask dashboard digest`: e-mail the support leads the last days' figures, gaps and changes."""
import smtplib

import click
from flask import current_app

from app.analytics.periods import MAX_DAYS
from app.auth.services import EMAIL
from app.core.mail import send_mail
from app.dashboard import bp, digest


def _addresses(values):
    """The --to addresses, each checked."""
    for value in values:
        if not EMAIL.match(value.strip()):
            raise click.BadParameter(f"“{value}” is not an e-mail address.", param_hint="--to")
    return [value.strip() for value in values]


@bp.cli.command("digest")
@click.option("--days", type=click.IntRange(1, MAX_DAYS), default=None,
              help="Report on this many full days up to yesterday (default: DIGEST_DAYS, 7).")
@click.option("--to", "extra", multiple=True, metavar="ADDRESS", help="Also send to this address (repeatable).")
@click.option("--dry-run", is_flag=True, help="Print the e-mail instead of sending it.")
def digest_command(days, extra, dry_run):
    """Send the dashboard digest to every active lead (and --to addresses)."""
    config = current_app.config
    recipients = digest.recipients(_addresses(extra))
    if not recipients and not dry_run:
        raise click.ClickException("Nobody to send the digest to: no active user has the role lead. "
                                   "Add one, or name an address with --to.")
    period = digest.digest_period(days or int(config["DIGEST_DAYS"]))
    # Links in the e-mail point at the public address, as links in inquiry e-mails do.
    with current_app.test_request_context(base_url=config["PUBLIC_URL"]):
        message = digest.compose(period)
    if dry_run:
        click.echo(f"To: {', '.join(recipients) or '(nobody: no active lead, and no --to)'}")
        click.echo(f"Subject: {message.subject}\n")
        click.echo(message.body, nl=False)
        return
    failed = 0
    for address in recipients:
        try:
            send_mail(address, message.subject, message.body)
        except (OSError, smtplib.SMTPException) as error:
            failed += 1
            click.echo(f"Not sent to {address}: {error}", err=True)
        else:
            click.echo(f"Sent the digest for {period.span} to {address}")
    if failed:
        raise click.ClickException(f"{failed} of {len(recipients)} e-mails could not be sent.")
