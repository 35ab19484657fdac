"""Outgoing e-mail: SMTP when MAIL_SERVER is set, otherwise an .eml file in the instance outbox/."""
import os
import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app


def build_message(to, subject, body):
    """A plain-text message from MAIL_FROM."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject.replace("\n", " ").replace("\r", " ")  # no header injection
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="tier0.local")
    message.set_content(body)
    return message


def outbox_dir(app=None):
    """The folder .eml files are written to."""
    return os.path.join((app or current_app).instance_path, "outbox")


def send_mail(to, subject, body):
    """Send (or, without SMTP, write to the outbox) one message; returns the .eml path or None."""
    config = current_app.config
    message = build_message(to, subject, body)
    if config["MAIL_SERVER"]:
        with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=20) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return None
    folder = outbox_dir()
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{formatdate(usegmt=True)[5:16].replace(' ', '-')}-{uuid.uuid4().hex[:12]}.eml")
    with open(path + ".part", "wb") as fh:
        fh.write(message.as_bytes())
    os.replace(path + ".part", path)  # a reader never sees half a message
    return path
