"""Working an inquiry as staff: statuses, replies, notes, assignment, links, the page, downloads, logging by hand."""
import io
import re
from email import message_from_bytes
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.auth.services import get_user_by_email
from app.extensions import db
from app.inquiries import services
from app.inquiries.models import STATUSES, TRANSITIONS, Inquiry
from app.kb import services as kb
from tests.helpers import BOTH_BACKENDS, csrf_token
from tests.inquiries.conftest import REQUESTER, inquiry_of, open_inquiry, post_step, sign_in

# How to bring a new inquiry into each status through the services.
PATHS = {"new": [], "in_progress": ["in_progress"], "escalated": ["escalated"], "resolved": ["resolved"],
         "closed": ["closed"], "reopened": ["resolved", "reopened"]}
ALLOWED = sorted((old, new) for old, targets in TRANSITIONS.items() for new in targets)
REFUSED = sorted((old, new) for old in STATUSES for new in STATUSES if new not in TRANSITIONS[old])
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def put_in_status(app, opened, status):
    """Walk an inquiry along PATHS to ``status``."""
    with app.app_context():
        inquiry = inquiry_of(opened)
        for step in PATHS[status]:
            services.change_status(inquiry, step)


def status_of(app, opened):
    with app.app_context():
        return inquiry_of(opened).status


def page_of(client, opened):
    return client.get(opened.url).get_data(as_text=True)


def outbox(app):
    """The e-mails written to the instance outbox, oldest first."""
    paths = sorted(Path(app.instance_path, "outbox").glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    return [message_from_bytes(path.read_bytes()) for path in paths]


def body_of(mail):
    return mail.get_payload(decode=True).decode()


# -- statuses --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("old, new", ALLOWED)
def test_every_allowed_transition_changes_the_status(app, lead_client, old, new):
    opened = open_inquiry(app)
    put_in_status(app, opened, old)

    answer = post_step(lead_client, opened, "status", status=new, note="Checked with billing.")

    assert answer.status_code == 303 and answer.headers["Location"].startswith(opened.url)
    assert status_of(app, opened) == new
    page = page_of(lead_client, opened)
    assert f"Status changed to {STATUSES[new]}." in page
    assert "Checked with billing." in page


@pytest.mark.parametrize("old, new", REFUSED)
def test_refused_transitions_leave_the_status_and_say_why(app, lead_client, old, new):
    opened = open_inquiry(app)
    put_in_status(app, opened, old)

    answer = post_step(lead_client, opened, "status", status=new, note="My typed note")

    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert status_of(app, opened) == old
    assert "cannot become" in page and STATUSES[new] in page
    assert "My typed note" in page  # nothing typed is lost


def test_an_unknown_status_is_refused(app, lead_client):
    opened = open_inquiry(app)
    answer = post_step(lead_client, opened, "status", status="deleted")
    assert answer.status_code == 400 and "Unknown status." in answer.get_data(as_text=True)
    assert status_of(app, opened) == "new"


@pytest.mark.parametrize("status", list(STATUSES))
def test_only_the_valid_next_statuses_are_offered(app, lead_client, status):
    opened = open_inquiry(app)
    put_in_status(app, opened, status)
    page = page_of(lead_client, opened)
    select = re.search(r'<select id="status-next" name="status">(.*?)</select>', page, re.S).group(1)
    assert set(re.findall(r'<option value="([a-z_]+)"', select)) == TRANSITIONS[status]


def test_resolving_shows_the_time_it_took(app, lead_client):
    opened = open_inquiry(app)
    post_step(lead_client, opened, "status", status="resolved")
    page = page_of(lead_client, opened)
    assert "Time to resolve" in page and "under a minute" in page


# -- replies, notes, assignment ------------------------------------------------------------------------------
@BOTH_BACKENDS
def test_a_reply_sets_the_first_response_once_and_emails_the_requester(app, lead_client):
    opened = open_inquiry(app)

    answer = post_step(lead_client, opened, "reply", body="We refunded the second payment.")
    assert answer.status_code == 303
    with app.app_context():
        first = inquiry_of(opened).first_response_at
    assert first is not None
    post_step(lead_client, opened, "reply", body="It should show within 5 days.")
    with app.app_context():
        inquiry = inquiry_of(opened)
        assert inquiry.first_response_at == first
        replies = [e for e in inquiry.events if e.kind == "reply"]
        assert [e.public for e in replies] == [True, True]
        assert replies[0].author.email == "lead@example.com"

    mails = outbox(app)
    assert [m["To"] for m in mails] == ["ann@example.com", "ann@example.com"]
    assert opened.reference in mails[0]["Subject"]
    assert "We refunded the second payment." in body_of(mails[0])
    assert "It should show within 5 days." in body_of(mails[1])
    assert f"Reply sent to {REQUESTER['email']}" in page_of(lead_client, opened)


def test_an_empty_reply_is_refused(app, lead_client):
    opened = open_inquiry(app)
    answer = post_step(lead_client, opened, "reply", body="   ")
    assert answer.status_code == 400 and "Write the reply first." in answer.get_data(as_text=True)
    with app.app_context():
        assert inquiry_of(opened).first_response_at is None


@pytest.mark.parametrize("step, label", [("note", "Internal note"), ("action", "Action step")])
def test_notes_and_action_steps_are_internal_and_in_the_timeline(app, lead_client, step, label):
    opened = open_inquiry(app)

    post_step(lead_client, opened, step, body="Called the payment provider <b>today</b>.")

    with app.app_context():
        [event] = [e for e in inquiry_of(opened).events if e.kind == step]
        assert event.public is False and event.author.email == "lead@example.com"
    page = page_of(lead_client, opened)
    assert label in page and "Lead Person" in page
    assert "Called the payment provider &lt;b&gt;today&lt;/b&gt;." in page  # user text is escaped


@BOTH_BACKENDS
def test_assigning_and_unassigning(app, client, staff):
    sign_in(client, staff["lead"])
    opened = open_inquiry(app)
    with app.app_context():
        admin_id = get_user_by_email(staff["admin"]).id

    post_step(client, opened, "assign", assignee=str(admin_id))
    with app.app_context():
        assert inquiry_of(opened).assignee_id == admin_id
    assert "Assigned to Admin Person." in page_of(client, opened)
    queue = client.get(f"/staff/inquiries?assignee={admin_id}").get_data(as_text=True)
    assert opened.reference in queue

    post_step(client, opened, "assign", assignee="")
    with app.app_context():
        inquiry = inquiry_of(opened)
        assert inquiry.assignee_id is None
        assert [(e.old_value, e.new_value) for e in inquiry.events if e.kind == "assignment"] == [
            ("nobody", "Admin Person"), ("Admin Person", "nobody")]


def test_writers_cannot_be_assigned(app, lead_client, staff):
    opened = open_inquiry(app)
    with app.app_context():
        writer_id = get_user_by_email(staff["writer"]).id
    page = page_of(lead_client, opened)
    assert "Writer Person" not in page
    answer = post_step(lead_client, opened, "assign", assignee=str(writer_id))
    assert answer.status_code == 400 and "Choose a lead or admin from the list." in answer.get_data(as_text=True)


@pytest.mark.parametrize("step, data, column, expected", [
    ("tier", {"tier": "2"}, "tier", 2),
    ("priority", {"priority": "high"}, "priority", "high"),
    ("resolution", {"resolution": "Refunded the duplicate."}, "resolution", "Refunded the duplicate."),
])
def test_tier_priority_and_resolution(app, lead_client, step, data, column, expected):
    opened = open_inquiry(app)
    assert post_step(lead_client, opened, step, **data).status_code == 303
    with app.app_context():
        assert getattr(inquiry_of(opened), column) == expected


@pytest.mark.parametrize("step, data, message", [
    ("tier", {"tier": "7"}, "The tier is 1, 2 or 3."),
    ("tier", {"tier": "two"}, "The tier is 1, 2 or 3."),
    ("priority", {"priority": "whenever"}, "Unknown priority."),
    ("link", {"reference": "INQ-0000-9999"}, "There is no inquiry"),
    ("link", {"reference": ""}, "Type the reference number"),
    ("note", {"body": "x" * 10_001}, "under 10,000 characters"),
])
def test_bad_steps_are_explained_and_change_nothing(app, lead_client, step, data, message):
    opened = open_inquiry(app)
    answer = post_step(lead_client, opened, step, **data)
    assert answer.status_code == 400 and message in answer.get_data(as_text=True)
    with app.app_context():
        assert [e.kind for e in inquiry_of(opened).events] == ["created"]


def test_an_unknown_step_is_not_found(app, lead_client):
    opened = open_inquiry(app)
    assert post_step(lead_client, opened, "delete").status_code == 404


def test_linking_by_reference_shows_on_both_inquiries(app, lead_client):
    first, second = open_inquiry(app), open_inquiry(app, subject="Charged twice again")

    post_step(lead_client, first, "link", reference=f"  {second.reference.lower()} ")

    assert f'href="{second.url}"' in page_of(lead_client, first)
    assert f'href="{first.url}"' in page_of(lead_client, second)
    answer = post_step(lead_client, first, "link", reference=first.reference)
    assert answer.status_code == 400 and "Choose another inquiry" in answer.get_data(as_text=True)


# -- the inquiry page ------------------------------------------------------------------------------------------
def test_the_page_shows_the_captured_context_first(app, synced_app, lead_client):
    with app.app_context():
        article = kb.get_article("charged-twice")
        article_id, revision_id, title = article.id, article.published_revision_id, article.title
    context = {"article_id": article_id, "revision_id": revision_id, "searches": ["refund", "charged twice"],
               "tree_path": [{"node": "Did you pay by card?", "answer": "Yes"},
                             {"node": "Do you see two payments?", "answer": "Both are final"}],
               "vote": {"helpful": False, "reason": "unsolved", "revision_id": revision_id}}
    opened = open_inquiry(app, context=context)

    page = page_of(lead_client, opened)

    block = page[page.index('id="context-title"'):page.index('id="request-title"')]
    assert 'href="/articles/charged-twice"' in block and title in block
    assert f"revision {revision_id}" in block and "still the published text" in block
    assert 'href="/search?q=charged+twice"' in block
    assert block.index("Did you pay by card?") < block.index("Do you see two payments?")
    assert "Both are final" in block
    assert "Not helpful" in block and "unsolved" in block


def test_the_page_shows_every_field_and_the_timeline(app, lead_client):
    opened = open_inquiry(app, phone="+44 20 7946 0000", user_ref="u-4711", location="Leeds", user_type="advertiser")
    post_step(lead_client, opened, "note", body="Looking into it.")

    page = page_of(lead_client, opened)

    for text in ("Ann Example", "ann@example.com", "+44 20 7946 0000", "u-4711", "Leeds", "Advertiser",
                 "Payment / billing", "Support portal", "My card shows two payments for one boost."):
        assert text in page
    timeline = page[page.index('id="timeline-title"'):page.index('id="reply-title"')]
    assert re.search(r"<strong>Opened</strong>\s*· requester", timeline)
    assert re.search(r"<strong>Internal note</strong>\s*· Lead Person", timeline)
    assert timeline.index("Opened") < timeline.index("Internal note")


def test_the_page_shows_the_survey_and_the_confirmation(app, lead_client):
    opened = open_inquiry(app)
    with app.app_context():
        inquiry = inquiry_of(opened)
        services.change_status(inquiry, "resolved")
        services.confirm(inquiry)
        services.record_survey(inquiry, {"csat": "4", "resolved": "yes", "comment": "Quick, thanks", "nps": "9"})
    page = page_of(lead_client, opened)
    assert "4 / 5" in page and "9 / 10" in page and "Quick, thanks" in page
    assert "Requester confirmed" in page and "Not yet" not in page


def test_an_unknown_reference_is_not_found(lead_client):
    assert lead_client.get("/staff/inquiries/INQ-0000-0000").status_code == 404


# -- attachments -----------------------------------------------------------------------------------------------
def with_attachments(app, *files):
    uploads = [FileStorage(io.BytesIO(data), filename=name) for name, data in files]
    opened = open_inquiry(app, files=uploads)
    with app.app_context():
        stored = {a.original_name: a.stored_name for a in inquiry_of(opened).attachments}
    return opened, stored


@pytest.mark.parametrize("name, data, content_type, disposition", [
    ("screen.png", PNG, "image/png", 'attachment; filename=screen.png'),
    ("notes.txt", b"order 1234\n", "text/plain; charset=utf-8", "attachment; filename=notes.txt"),
    ("Überweisung 5€.png", PNG, "image/png",
     "attachment; filename*=UTF-8''%C3%9Cberweisung%205%E2%82%AC.png"),
    ('say "hi"; now.txt', b"hi\n", "text/plain; charset=utf-8", 'attachment; filename="say \\"hi\\"; now.txt"'),
    ("evil\r\nX-Injected: 1.txt", b"hi\n", "text/plain; charset=utf-8",
     'attachment; filename="evilX-Injected: 1.txt"'),
])
def test_attachments_download_as_files(app, lead_client, name, data, content_type, disposition):
    opened, stored = with_attachments(app, (name, data))

    answer = lead_client.get(f"{opened.url}/attachments/{stored[name]}")

    assert answer.status_code == 200 and answer.data == data
    assert answer.headers["Content-Type"] == content_type
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert disposition.split("; ", 1)[1] in answer.headers["Content-Disposition"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in answer.headers["Cache-Control"]
    assert f'href="{opened.url}/attachments/{stored[name]}"' in page_of(lead_client, opened)


@pytest.mark.parametrize("stored_type", ["text/html", "image/svg+xml", "application/x-msdownload"])
def test_unexpected_types_are_served_as_bytes(app, lead_client, stored_type):
    opened, stored = with_attachments(app, ("a.png", PNG))
    with app.app_context():
        inquiry_of(opened).attachments[0].mime_type = stored_type
        db.session.commit()
    answer = lead_client.get(f"{opened.url}/attachments/{stored['a.png']}")
    assert answer.headers["Content-Type"] == "application/octet-stream"


def test_an_attachment_is_only_found_under_its_own_inquiry(app, lead_client):
    opened, stored = with_attachments(app, ("a.png", PNG))
    other = open_inquiry(app)
    assert lead_client.get(f"{other.url}/attachments/{stored['a.png']}").status_code == 404
    assert lead_client.get(f"{opened.url}/attachments/nothing.png").status_code == 404


# -- logging by hand -------------------------------------------------------------------------------------------
def log_by_hand(client, **fields):
    data = {"csrf_token": csrf_token(client, "/staff/inquiries/new"), **REQUESTER, "channel": "phone",
            "priority": "high", "acknowledge": "yes", **fields}
    return client.post("/staff/inquiries/new", data=data, content_type="multipart/form-data")


@BOTH_BACKENDS
def test_an_inquiry_logged_by_hand_keeps_its_channel_priority_and_author(app, lead_client):
    answer = log_by_hand(lead_client, channel="phone", priority="high")

    assert answer.status_code == 303
    reference = answer.headers["Location"].rsplit("/", 1)[-1]
    with app.app_context():
        inquiry = services.by_reference(reference)
        assert (inquiry.channel, inquiry.priority) == ("phone", "high")
        assert inquiry.events[0].author.email == "lead@example.com" and not inquiry.events[0].by_requester
    page = lead_client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Logged by hand from phone" in page and "Phone" in page
    [mail] = outbox(app)
    assert mail["To"] == REQUESTER["email"] and reference in mail["Subject"]
    assert "/inquiry/" in body_of(mail)


def test_without_the_acknowledgement_the_status_link_is_shown_to_pass_on(app, lead_client):
    answer = log_by_hand(lead_client, acknowledge="")
    page = lead_client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "The requester&#39;s status link: http://localhost/inquiry/" in page
    assert outbox(app) == []


@pytest.mark.parametrize("fields, field, message", [
    ({"email": "ann.example.com"}, "email", "does not look right"),
    ({"channel": "portal"}, "channel", "Choose the channel"),
    ({"channel": "fax"}, "channel", "Choose the channel"),
    ({"priority": ""}, "priority", "Choose a priority."),
    ({"subject": ""}, "subject", "Please add a short subject."),
])
def test_logging_by_hand_explains_errors_next_to_fields_and_keeps_the_text(app, lead_client, fields, field, message):
    answer = log_by_hand(lead_client, description="Typed while on the phone.", **fields)

    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert re.search(rf'<p class="field-error" id="{field}-error">[^<]*{message}', page)
    assert "Typed while on the phone." in page and 'value="Ann Example"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Inquiry.id))) == 0
    assert outbox(app) == []
