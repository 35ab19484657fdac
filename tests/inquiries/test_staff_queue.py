"""The staff queue: who may see it, filters, reference lookup, pagination, the dashboard panel, citing counts."""
import io

import pytest
from werkzeug.datastructures import FileStorage

from app.auth.services import get_user_by_email
from app.inquiries import services
from app.kb import services as kb
from tests.helpers import BOTH_BACKENDS, csrf_token
from tests.inquiries.conftest import backdate, inquiry_of, open_inquiry, references, sign_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# -- permissions -----------------------------------------------------------------------------------------
def staff_urls(app):
    """Every staff GET URL, for one inquiry with an attachment."""
    opened = open_inquiry(app, files=[FileStorage(io.BytesIO(PNG), filename="a.png")])
    with app.app_context():
        stored = inquiry_of(opened).attachments[0].stored_name
    return opened, ["/staff/inquiries", "/staff/inquiries?status=open", "/staff/inquiries/new", opened.url,
                    f"{opened.url}/attachments/{stored}"]


@pytest.mark.parametrize("role, expected", [(None, 302), ("writer", 403), ("editor", 403), ("lead", 200),
                                            ("admin", 200)])
def test_only_leads_and_admins_open_staff_pages(app, client, staff, role, expected):
    _, urls = staff_urls(app)
    if role:
        sign_in(client, staff[role])
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == expected, url
        if expected == 302:
            assert answer.headers["Location"].startswith("/auth/login"), url


@pytest.mark.parametrize("role, expected", [(None, 302), ("writer", 403), ("editor", 403), ("lead", 303),
                                            ("admin", 303)])
def test_only_leads_and_admins_change_inquiries(app, client, staff, role, expected):
    opened, _ = staff_urls(app)
    if role:
        sign_in(client, staff[role])
    token = csrf_token(client, "/" if role else "/auth/login")  # signed-in staff are sent away from the login
    posts = [(f"{opened.url}/note", {"body": "Looked at it."}),
             ("/staff/inquiries/new", {"name": "Bo", "email": "bo@example.com", "user_type": "public",
                                       "category": "billing", "subject": "Phone call", "description": "Asked.",
                                       "channel": "phone", "priority": "normal"})]
    for url, data in posts:
        answer = client.post(url, data={"csrf_token": token, **data})
        assert answer.status_code == expected, url
    with app.app_context():
        kinds = [e.kind for e in inquiry_of(opened).events]
    assert ("note" in kinds) == (expected == 303)


def test_a_post_without_csrf_token_is_refused(app, lead_client):
    opened = open_inquiry(app)
    assert lead_client.post(f"{opened.url}/note", data={"body": "x"}).status_code == 400


def test_staff_pages_are_never_cached(app, lead_client):
    opened = open_inquiry(app)
    for url in ("/staff/inquiries", opened.url, "/staff/inquiries/new"):
        assert lead_client.get(url).headers["Cache-Control"] == "private, no-store"


# -- filters ---------------------------------------------------------------------------------------------
@pytest.fixture
def queue(app, staff):
    """Five inquiries with different fields: {name: Opened}."""
    made = {
        "billing": open_inquiry(app, subject="Double charge"),
        "technical": open_inquiry(app, category="technical", subject="App crashes", email="cy@example.org",
                                  priority="urgent"),
        "phone": open_inquiry(app, channel="phone", subject="Called about ads", category="ad_posting",
                              priority="high"),
        "old": open_inquiry(app, subject="Old question", name="Dana Old"),
        "resolved": open_inquiry(app, subject="Solved one", priority="low"),
    }
    backdate(app, made["old"], 24 * 10)
    with app.app_context():
        services.change_status(inquiry_of(made["resolved"]), "resolved")
        services.assign(inquiry_of(made["technical"]), None, get_user_by_email(staff["admin"]))
    return made


@BOTH_BACKENDS
@pytest.mark.parametrize("query, expected", [
    ("", ["resolved", "phone", "technical", "billing", "old"]),  # newest first
    ("status=resolved", ["resolved"]),
    ("status=open", ["phone", "technical", "billing", "old"]),
    ("category=technical", ["technical"]),
    ("priority=urgent", ["technical"]),
    ("priority=normal", ["billing", "old"]),
    ("channel=phone", ["phone"]),
    ("channel=portal&category=billing", ["resolved", "billing", "old"]),
    ("assignee=unassigned", ["resolved", "phone", "billing", "old"]),
    ("breached=yes", ["old"]),
    ("q=example.org", ["technical"]),
    ("q=dana", ["old"]),
    ("q=CRASH", ["technical"]),
    ("q=100%25", []),  # a literal %, not a wildcard
])
def test_queue_filters(app, lead_client, queue, query, expected):
    page = lead_client.get(f"/staff/inquiries?{query}").get_data(as_text=True)
    assert references(page) == [queue[name].reference for name in expected]


def test_queue_filters_by_assignee_and_dates(app, lead_client, staff, queue):
    with app.app_context():
        admin = get_user_by_email(staff["admin"]).id
        old_day = inquiry_of(queue["old"]).created_at.date()
        today = inquiry_of(queue["billing"]).created_at.date()
    page = lead_client.get(f"/staff/inquiries?assignee={admin}").get_data(as_text=True)
    assert references(page) == [queue["technical"].reference]
    page = lead_client.get(f"/staff/inquiries?from={old_day}&to={old_day}").get_data(as_text=True)
    assert references(page) == [queue["old"].reference]
    page = lead_client.get(f"/staff/inquiries?from={today}").get_data(as_text=True)
    assert queue["old"].reference not in references(page) and len(references(page)) == 4


@pytest.mark.parametrize("query, message", [
    ("from=31/12/2025", "“From” must be a date written YYYY-MM-DD"),
    ("to=2025-02-30", "“To” must be a date written YYYY-MM-DD"),
    ("from=2025-03-02&to=2025-03-01", "“From” must be on or before “To”."),
    ("from=0001-01-01", "“From” must be between"),
    ("status=lost", "There is no status “lost”."),
    ("category=%3Cscript%3E", "There is no category “&lt;script&gt;”."),
    ("assignee=someone", "Choose an assignee from the list."),
    ("article=abc", "The article is given by its number"),
])
def test_bad_filters_get_a_clear_message_never_a_500(app, lead_client, query, message):
    answer = lead_client.get(f"/staff/inquiries?{query}")
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page


@pytest.mark.parametrize("typed", ["{ref}", "{lower}", "  {ref}  "])
def test_an_exact_reference_opens_the_inquiry(app, lead_client, typed):
    opened = open_inquiry(app)
    answer = lead_client.get("/staff/inquiries", query_string={"q": typed.format(ref=opened.reference,
                                                                                 lower=opened.reference.lower())})
    assert answer.status_code == 302 and answer.headers["Location"] == opened.url


def test_part_of_a_reference_lists_matches(app, lead_client):
    first, second = open_inquiry(app), open_inquiry(app)
    page = lead_client.get(f"/staff/inquiries?q={first.reference[:-1]}").get_data(as_text=True)
    assert set(references(page)) == {first.reference, second.reference}
    page = lead_client.get("/staff/inquiries?q=INQ-0000-0000").get_data(as_text=True)
    assert references(page) == [] and "No inquiries match these filters." in page


@BOTH_BACKENDS
def test_the_queue_pages_by_fifty_newest_first(app, lead_client):
    made = [open_inquiry(app, subject=f"Question {n}") for n in range(53)]
    newest_first = [opened.reference for opened in reversed(made)]

    first = lead_client.get("/staff/inquiries?status=new").get_data(as_text=True)
    second = lead_client.get("/staff/inquiries?status=new&page=2").get_data(as_text=True)

    assert references(first) == newest_first[:50] and references(second) == newest_first[50:]
    assert "page 1 of 2" in first and 'href="/staff/inquiries?page=2&amp;status=new"' in first
    beyond = lead_client.get("/staff/inquiries?page=9").get_data(as_text=True)
    assert "There is no page 9." in beyond


def test_an_empty_queue_says_so(lead_client):
    assert "No inquiries yet." in lead_client.get("/staff/inquiries").get_data(as_text=True)


# -- the article page and the dashboard ------------------------------------------------------------------
def charged_twice(app):
    with app.app_context():
        article = kb.get_article("charged-twice")
        return {"article_id": article.id, "revision_id": article.published_revision_id}


@pytest.mark.parametrize("role, shown", [(None, False), ("writer", False), ("editor", False), ("lead", True),
                                         ("admin", True)])
def test_the_article_page_shows_leads_how_many_inquiries_cite_it(app, synced_app, client, staff, role, shown):
    context = charged_twice(app)
    for _ in range(2):
        open_inquiry(app, context=dict(context))
    open_inquiry(app)  # from no article
    if role:
        sign_in(client, staff[role])

    page = client.get("/articles/charged-twice").get_data(as_text=True)

    link = f'<a href="/staff/inquiries?article={context["article_id"]}">2 inquiries cite this article</a>'
    assert (link in page) is shown
    assert ("cite this article" in page) is shown


def test_the_citing_link_lists_those_inquiries(app, synced_app, lead_client):
    context = charged_twice(app)
    cited = open_inquiry(app, context=dict(context))
    open_inquiry(app)
    page = lead_client.get(f"/staff/inquiries?article={context['article_id']}").get_data(as_text=True)
    assert references(page) == [cited.reference]
    assert 'From the article <a href="/articles/charged-twice">' in page
    assert "1 inquiry cites this article" in lead_client.get("/articles/charged-twice").get_data(as_text=True)


def test_the_dashboard_panel_counts_open_breached_and_oldest_unanswered(app, lead_client):
    open_inquiry(app, subject="Fresh one")
    late = open_inquiry(app, subject="Waiting for days")
    backdate(app, late, 24 * 3)
    done = open_inquiry(app, subject="Done")
    with app.app_context():
        services.change_status(inquiry_of(done), "closed")

    page = lead_client.get("/dashboard/").get_data(as_text=True)

    panel = page[page.index('id="panel-inquiries_queue"'):]
    assert "<strong>2</strong> open inquiries" in panel
    assert "<strong>1</strong> of them past an SLA target" in panel
    assert f'href="{late.url}">{late.reference}</a> — Waiting for days' in panel
    assert "waiting 3 days" in panel


@pytest.mark.parametrize("role", ["writer", "editor"])
def test_writers_and_editors_do_not_get_the_panel(app, client, staff, role):
    sign_in(client, staff[role])
    assert "panel-inquiries_queue" not in client.get("/dashboard/").get_data(as_text=True)
