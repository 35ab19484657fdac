"""Fixtures for inquiries: staff accounts per role, signing in, opening inquiries, moving them back in time."""
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.services import create_user, get_user_by_email
from app.extensions import db
from app.inquiries import services
from app.inquiries.models import Inquiry
from tests.helpers import csrf_token, login

PASSWORD = "correct horse battery"
ROLES = ("writer", "editor", "lead", "admin")
REQUESTER = {"name": "Ann Example", "email": "ann@example.com", "user_type": "public", "category": "billing",
             "subject": "Charged twice for a boost", "description": "My card shows two payments for one boost."}


@dataclass(frozen=True)
class Opened:
    """An inquiry opened in a test: what a test needs once the app context is gone."""

    id: int
    reference: str
    token: str

    @property
    def url(self):
        """Its staff page."""
        return f"/staff/inquiries/{self.reference}"


def open_inquiry(app, context=None, priority="normal", author_email=None, files=(), **fields):
    """Open an inquiry through the services (validate + open_inquiry); ``fields`` override REQUESTER."""
    with app.app_context():
        submission = services.validate({**REQUESTER, **fields}, files, staff="channel" in fields)
        assert submission.ok, submission.errors
        author = None
        if author_email:
            author = get_user_by_email(author_email)
        inquiry, token = services.open_inquiry(submission, context, visitor_key="", priority=priority, author=author)
        return Opened(inquiry.id, inquiry.reference, token)


def inquiry_of(opened):
    """The Inquiry row of an Opened (inside an app context)."""
    return db.session.execute(select(Inquiry).filter_by(id=opened.id)).scalar_one()


def backdate(app, opened, hours):
    """Move an inquiry (its creation, SLA dues and timeline) ``hours`` into the past."""
    shift = timedelta(hours=hours)
    with app.app_context():
        inquiry = inquiry_of(opened)
        for name in ("created_at", "first_response_due", "resolution_due", "first_response_at", "resolved_at",
                     "closed_at"):
            if getattr(inquiry, name) is not None:
                setattr(inquiry, name, getattr(inquiry, name) - shift)
        for event in inquiry.events:
            event.created_at -= shift
        db.session.commit()


@pytest.fixture
def staff(app):
    """One account per role: {role: email}; names like "Lena Lead"."""
    with app.app_context():
        return {role: create_user(f"{role}@example.com", PASSWORD, role=role, name=f"{role.title()} Person").email
                for role in ROLES}


def sign_in(client, email):
    """Sign a test client in with the shared test password."""
    answer = login(client, email, PASSWORD)
    assert answer.status_code == 302, "sign-in failed"
    return client


@pytest.fixture
def lead_client(client, staff):
    """The test client, signed in as the lead."""
    return sign_in(client, staff["lead"])


@pytest.fixture
def make_inquiry(app):
    """Factory: make_inquiry(**fields) -> Opened (see open_inquiry)."""
    return lambda **fields: open_inquiry(app, **fields)


def post_step(client, opened, step, **data):
    """POST one workflow step from the inquiry's staff page (with its CSRF token)."""
    token = csrf_token(client, opened.url)
    return client.post(f"{opened.url}/{step}", data={"csrf_token": token, **data})


def references(page):
    """Inquiry references listed in the queue table, in order."""
    body = page[page.index("<tbody>"):page.index("</tbody>")] if "<tbody>" in page else ""
    return re.findall(r'<a href="/staff/inquiries/([A-Z]+-\d{4}-\d{4})">', body)
