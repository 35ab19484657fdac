"""50 inquiries submitted at the same moment get 50 distinct reference numbers, 0001 to 0050, no gaps."""
import re
import sqlite3
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.inquiries import services
from app.inquiries.models import Inquiry, InquirySequence
from tests.helpers import BOTH_BACKENDS
from tests.live_site import HttpBrowser, gunicorn_site

REQUESTERS = 50
FORM = {"name": "Ann Example", "email": "ann@example.com", "user_type": "public", "category": "billing",
        "subject": "Charged twice", "description": "My card shows two payments for one boost."}
REFERENCE = re.compile(r"INQ-(\d{4})-(\d{4})")


def assert_numbered_without_gaps(references):
    """50 distinct references of one month, numbered 0001..0050."""
    assert len(references) == REQUESTERS
    assert len(set(references)) == REQUESTERS, "two inquiries share a reference"
    parts = [REFERENCE.fullmatch(reference) for reference in references]
    assert all(parts), references
    assert len({part.group(1) for part in parts}) == 1, "the references span two months"
    assert sorted(int(part.group(2)) for part in parts) == list(range(1, REQUESTERS + 1))


# -- (a) the service, many threads, the real databases ------------------------------------------------
@BOTH_BACKENDS
def test_50_parallel_submissions_get_50_distinct_references(app):
    start = threading.Barrier(REQUESTERS, timeout=60)

    def submit(number):
        with app.app_context():  # each thread: its own context, session and connection
            submission = services.validate({**FORM, "name": f"Requester {number}"})
            assert submission.ok, submission.errors
            start.wait()  # everyone opens their inquiry at once
            inquiry, _ = services.open_inquiry(submission)
            return inquiry.reference

    with ThreadPoolExecutor(max_workers=REQUESTERS) as pool:
        references = list(pool.map(submit, range(REQUESTERS)))

    assert_numbered_without_gaps(references)
    with app.app_context():
        stored = db.session.execute(select(Inquiry.reference)).scalars().all()
        assert sorted(stored) == sorted(references)
        assert db.session.execute(select(func.count(func.distinct(Inquiry.name)))).scalar_one() == REQUESTERS
        [sequence] = db.session.execute(select(InquirySequence)).scalars().all()
        assert sequence.last == REQUESTERS


# -- (b) the contact form, 50 browsers, gunicorn with 4 workers on one SQLite file ---------------------
class Requester(HttpBrowser):
    """One person sending the contact form from their own browser and address."""

    def __init__(self, number):
        super().__init__(f"10.1.{number // 250}.{number % 250 + 1}", f"Requester/{number}")
        self.number = number
        self.token = None

    def open_form(self, base):
        status, _, html = self.open(f"{base}/contact")
        assert status == 200, status
        match = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert match, "no CSRF token on the contact form"
        self.token = match.group(1)
        return self

    def submit(self, base):
        data = urllib.parse.urlencode({**FORM, "name": f"Requester {self.number}", "csrf_token": self.token})
        status, headers, body = self.open(f"{base}/contact", data.encode())
        return status, headers.get("Location", ""), body[:300]


@pytest.mark.slow
def test_50_browsers_sending_the_contact_form_at_once_get_50_references(tmp_path):
    with gunicorn_site(tmp_path, "parallel-references", INQUIRY_RATE_LIMIT="1000 per hour") as site:
        base = site.base
        with ThreadPoolExecutor(max_workers=REQUESTERS) as pool:
            requesters = list(pool.map(lambda number: Requester(number).open_form(base), range(REQUESTERS)))
            start = threading.Barrier(REQUESTERS, timeout=60)

            def submit(requester):
                start.wait()  # all 50 POSTs leave together
                return requester.submit(base)

            answers = list(pool.map(submit, requesters))

    failures = [(status, body) for status, _, body in answers if status != 303]
    assert failures == [], f"{len(failures)} of {REQUESTERS} submissions failed, e.g. {failures[:3]}"
    locations = [location for _, location, _ in answers]
    assert all(re.fullmatch(r"(http://127\.0\.0\.1:\d+)?/inquiry/[^/?]+\?new=1", loc) for loc in locations), \
        locations[:3]
    assert len(set(locations)) == REQUESTERS, "two requesters were sent to the same status page"
    served_by = {line.split()[0] for line in site.access_log.read_text().splitlines() if " POST /contact " in line}
    assert len(served_by) > 1, "every submission went to one worker"
    for log in (site.error_log, site.output):
        text = log.read_text()
        assert "database is locked" not in text and "Traceback" not in text, text[-3000:]

    conn = sqlite3.connect(tmp_path / "instance" / "tier0.db")
    try:
        references = [row[0] for row in conn.execute("SELECT reference FROM inquiries")]
        names = {row[0] for row in conn.execute("SELECT name FROM inquiries")}
    finally:
        conn.close()
    assert_numbered_without_gaps(references)
    assert names == {f"Requester {number}" for number in range(REQUESTERS)}
