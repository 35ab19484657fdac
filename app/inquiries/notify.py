"""E-mails to the requester after staff act: a reply, and the resolution with the survey."""
import smtplib

from flask import current_app, has_request_context, render_template, request

from app.core.mail import send_mail


def status_url(inquiry):
    """The absolute private link of an inquiry (from the request's host, else PUBLIC_URL)."""
    from app.inquiries.services import status_token

    base = request.host_url.rstrip("/") if has_request_context() else current_app.config["PUBLIC_URL"].rstrip("/")
    return f"{base}/inquiry/{status_token(inquiry)}"


def _send(inquiry, subject, template, **values):
    try:
        send_mail(inquiry.email, f"[{inquiry.reference}] {subject}",
                  render_template(template, inquiry=inquiry, status_url=status_url(inquiry), **values))
    except (OSError, smtplib.SMTPException) as error:  # the staff action stands; the page shows it anyway
        current_app.logger.warning("e-mail about %s not sent: %s", inquiry.reference, error)


def reply_sent(inquiry, body):
    """Tell the requester about a public reply."""
    _send(inquiry, f"Reply to your inquiry: {inquiry.subject}", "inquiries/email/reply.txt", body=body)


def resolved(inquiry):
    """Tell the requester it is resolved, and ask the survey questions on the status page."""
    _send(inquiry, f"Resolved: {inquiry.subject}", "inquiries/email/resolved.txt")
