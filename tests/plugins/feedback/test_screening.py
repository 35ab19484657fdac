"""Comment screening flags what needs a human look; masking hides contact details when shown."""
import pytest

from plugins.feedback.screening import flags_for, mask_contacts

WORDS = ["idiot", "scam"]


@pytest.mark.parametrize("comment, flags", [
    ("Clear and helpful, thanks!", []),
    ("The fee is €25 since version 2.3.1, order 12345.", []),
    ("Posted on 2026-11-01, still pending.", []),
    ("Scammers everywhere", []),  # a longer word is not the watched word
    ("This is a SCAM.", ["word:scam"]),
    ("what an idiot wrote this", ["word:idiot"]),
    ("see https://evil.example/path", ["link"]),
    ("go to www.cheap-stuff.biz now", ["link"]),
    ("visit cheapstuff.com", ["link"]),
    ("mail me at jane.doe@example.org", ["email"]),
    ("call +44 20 7946 0958", ["phone"]),
    ("call (555) 123-4567 please", ["phone"]),
    ("idiot, mail a@b.io or call 5551234567", ["word:idiot", "email", "phone"]),
])
def test_screening_flags(comment, flags):
    assert flags_for(comment, WORDS) == flags


@pytest.mark.parametrize("text, shown", [
    ("mail me at jane.doe@example.org", "mail me at [e-mail hidden]"),
    ("call +44 20 7946 0958 today", "call [phone hidden] today"),
    ("call (555) 123-4567", "call [phone hidden]"),
    ("order 12345 costs €25", "order 12345 costs €25"),
    ("", ""),
])
def test_contact_details_are_masked(text, shown):
    assert mask_contacts(text) == shown
