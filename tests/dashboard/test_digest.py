"""`flask dashboard digest`: the e-mail to the leads (figures, top gaps, least helpful, biggest changes, links),
who gets it, --to, --dry-run, and a clear failure when there is nobody to send it to."""
import email
import email.policy
import os
from datetime import date

import pytest

from app.auth.models import User
from app.core.mail import outbox_dir
from app.dashboard import digest
from app.extensions import db

OCTOBER = "http://localhost:5000/dashboard/?start=2026-10-01&end=2026-10-31"


@pytest.fixture
def first_of_november(monkeypatch):
    """Today is 1 November 2026, so --days 31 is October, compared with the 31 days before."""
    monkeypatch.setattr(digest, "today_utc", lambda: date(2026, 11, 1))


def sent(app):
    """The e-mails in the outbox: [(to, subject, body)], by address."""
    folder = outbox_dir(app)
    messages = []
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        with open(os.path.join(folder, name), "rb") as fh:
            message = email.message_from_binary_file(fh, policy=email.policy.default)
        messages.append((message["To"], message["Subject"], message.get_content()))
    return sorted(messages)


def test_the_digest_goes_to_every_active_lead(app, staff, dataset, runner, first_of_november):
    with app.app_context():
        db.session.add(User(email="away@example.com", name="Away", role="lead", active=False))
        db.session.add(User(email="second-lead@example.com", name="Second", role="lead"))
        db.session.commit()

    result = runner.invoke(args=["dashboard", "digest", "--days", "31"])

    assert result.exit_code == 0, result.output
    assert [to for to, _, _ in sent(app)] == ["lead@example.com", "second-lead@example.com"]
    assert "Sent the digest for 1–31 October 2026 to lead@example.com" in result.output


def test_the_digest_has_the_figures_gaps_least_helpful_and_biggest_changes_with_links(
        app, staff, dataset, runner, first_of_november):
    runner.invoke(args=["dashboard", "digest", "--days", "31"])
    [(_, subject, body)] = sent(app)
    headline, changes = body.split("Biggest changes")[0], body.split("Biggest changes")[1].split("\n\n")[0]

    assert subject == "Bazaarly Help Center dashboard: 1–31 October 2026"
    assert "Compared with 31 August – 30 September 2026" in body
    for line in ("- Page views: 1,208 (+20% from 1,006)",
                 "- Helpful: 95% (+35 pts from 60%); target 90%: met",
                 "- CSAT: 66.7% (−33.3 pts from 100%); target 90%: missed",
                 "- Resolved within 24 h: 50% (−50 pts from 100%); target 80%: missed"):
        assert line in headline
    assert [line.split(":")[0] for line in changes.strip().splitlines()] == [
        "- Zero-result searches", "- Inquiries opened", "- Searches"]  # +200%, +100%, +67%
    assert "Top search gaps\n1. crypto payment" in body
    assert "Least helpful articles\n1. Card declined (Votes: 10 · Helpful %: 90" in body
    assert f"http://localhost:5000/dashboard/articles/{dataset['card-declined']}?{OCTOBER.split('?')[1]}" in body
    assert "Biggest changes in article views\n1. Refunds and returns" in body
    assert f"Open the dashboard: {OCTOBER}" in body


def test_the_period_is_the_last_full_days_against_as_many_before():
    period = digest.digest_period(7, today=date(2026, 11, 23))

    assert (period.start, period.end) == (date(2026, 11, 16), date(2026, 11, 22))
    assert (period.previous().start, period.previous().end) == (date(2026, 11, 9), date(2026, 11, 15))


def test_dry_run_prints_the_email_and_sends_nothing(app, staff, runner):
    result = runner.invoke(args=["dashboard", "digest", "--dry-run", "--days", "7"])

    assert result.exit_code == 0
    assert result.output.startswith("To: lead@example.com\nSubject: Bazaarly Help Center dashboard: ")
    assert "Headline figures" in result.output
    assert "Open the dashboard: http://localhost:5000/dashboard/" in result.output
    assert sent(app) == []


def test_to_adds_addresses(app, staff, runner):
    result = runner.invoke(args=["dashboard", "digest", "--to", "boss@example.com", "--to", "Lead@example.com"])

    assert result.exit_code == 0, result.output
    assert [to for to, _, _ in sent(app)] == ["boss@example.com", "lead@example.com"]  # each address once


def test_a_bad_address_is_refused(app, staff, runner):
    result = runner.invoke(args=["dashboard", "digest", "--to", "not-an-address"])

    assert result.exit_code == 2 and "“not-an-address” is not an e-mail address" in result.output
    assert sent(app) == []


def test_nobody_to_send_to_fails_with_a_message(app, runner):
    result = runner.invoke(args=["dashboard", "digest"])

    assert result.exit_code == 1
    assert "Nobody to send the digest to: no active user has the role lead" in result.output
    assert sent(app) == []


def test_only_to_is_enough_without_leads(app, runner):
    result = runner.invoke(args=["dashboard", "digest", "--to", "boss@example.com"])

    assert result.exit_code == 0
    assert [to for to, _, _ in sent(app)] == ["boss@example.com"]
