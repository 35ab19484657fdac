"""The player over plain HTTP (JavaScript off): one URL per step, the trail, outcomes and the escalation hand-off."""
import json
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from app.extensions import db
from app.inquiries.models import Inquiry
from app.troubleshoot.models import TreeRun

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120 player-test"}


def page(client, url, **kwargs):
    response = client.get(url, headers=BROWSER, **kwargs)
    return response, response.get_data(as_text=True)


def links(html):
    """{link text: href} of the player's answer and trail links."""
    found = re.findall(r'<a class="tree-option" href="([^"]+)" data-tree-step>([^<]+)</a>', html)
    return {unescape(text): unescape(href) for href, text in found}


def form_token(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def runs(app):
    with app.app_context():
        return db.session.execute(select(TreeRun).order_by(TreeRun.id)).scalars().all()


def test_the_article_url_of_a_troubleshooter_opens_the_player(tree_app):
    client = tree_app.test_client()
    response = client.get("/articles/router")
    assert response.status_code == 302 and response.headers["Location"].endswith("/troubleshoot/router")


def test_walking_a_tree_with_plain_links_gives_every_step_its_own_url(tree_app):
    client = tree_app.test_client()
    response, html = page(client, "/troubleshoot/router")
    assert response.status_code == 200
    assert "Which light is on?" in html and "Your answers so far" not in html
    assert links(html) == {"Green": "/troubleshoot/router/restart", "Red": "/troubleshoot/router/cable",
                           "No light at all": "/troubleshoot/router/power"}

    _, html = page(client, links(html)["Green"])
    assert "Restart the router and wait <strong>two minutes</strong>." in html  # Markdown rendered
    assert "Did this fix it?" in html and "Step 2" in html
    assert re.search(r'href="/troubleshoot/router" data-tree-step><span class="tree-trail-q">Which light is on\?</span> '
                     r'<span class="tree-trail-a">Green</span>', html)

    _, html = page(client, links(html)["No, still not working"])
    assert "Check that the grey cable" in html
    trail = re.findall(r'<span class="tree-trail-a">([^<]+)</span>', html)
    assert trail == ["Green", "No, still not working"]

    response, html = page(client, links(html)["No, still not working"])
    assert response.request.path == "/troubleshoot/router/restart/cable/provider"
    assert "Let's get you to our support team" in html and "Tell us your customer number" in html
    assert 'name="trail" value="restart/cable/provider"' in html and "Contact support" in html


def test_refreshing_or_sharing_a_step_url_shows_the_same_step(tree_app):
    first, second = tree_app.test_client(), tree_app.test_client()
    _, mine = page(first, "/troubleshoot/router/power/plug")
    _, shared = page(second, "/troubleshoot/router/power/plug")
    assert "Plug it in and switch it on." in mine and "Plug it in and switch it on." in shared
    assert re.findall(r'tree-trail-a">([^<]+)<', shared) == ["No light at all", "It is not"]


def test_a_loop_back_to_the_first_question_keeps_the_trail(tree_app):
    _, html = page(tree_app.test_client(), "/troubleshoot/router/power/plug/lights")
    assert "Which light is on?" in html
    assert re.findall(r'tree-trail-a">([^<]+)<', html) == ["No light at all", "It is not", "No, still not working"]
    assert links(html)["Green"] == "/troubleshoot/router/power/plug/lights/restart"


@pytest.mark.parametrize("trail, lands_on", [
    ("nowhere", "/troubleshoot/router?moved=1"),  # unknown node
    ("restart/nowhere", "/troubleshoot/router/restart?moved=1"),  # the first step still exists
    ("cable/restart", "/troubleshoot/router/cable?moved=1"),  # not an answer of "cable"
    ("power", None),  # valid
    ("power/plug/lights/power/plug/lights" * 12, "/troubleshoot/router/power/plug/lights/power/plug?moved=1"),
    ("%3Cscript%3E", "/troubleshoot/router?moved=1"),
    ("restart//cable", None),  # empty parts are ignored
])
def test_links_to_steps_that_do_not_exist_go_to_the_furthest_step_that_does(tree_app, trail, lands_on):
    response = tree_app.test_client().get(f"/troubleshoot/router/{trail}", headers=BROWSER)
    if lands_on is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        location = response.headers["Location"]
        assert location.endswith(lands_on) or (lands_on.startswith(urlsplit(location).path) and "moved=1" in location)
        followed = tree_app.test_client().get(location, headers=BROWSER).get_data(as_text=True)
        assert "has changed since that link was made" in followed


def test_solved_answer_thanks_the_visitor_and_closes_the_run(tree_app):
    client = tree_app.test_client()
    _, html = page(client, "/troubleshoot/router/restart/fixed")
    assert "Did this solve your problem?" in html
    assert '<a href="/articles/router-manual">Router manual</a>' in html and "no-such-article" not in html
    response = client.post("/troubleshoot/router/outcome", headers=BROWSER,
                           data={"csrf_token": form_token(html), "trail": "restart/fixed", "answer": "solved"})
    assert response.status_code == 303 and "solved=1" in response.headers["Location"]
    _, thanks = page(client, response.headers["Location"])
    assert "Glad that solved it." in thanks and "Did this solve your problem?" not in thanks
    (run,) = runs(tree_app)
    assert (run.outcome, run.solution_node, run.path) == ("solved", "fixed", ["lights", "restart", "fixed"])


def test_not_solved_opens_the_contact_form_with_the_path_attached_and_the_inquiry_keeps_it(tree_app):
    client = tree_app.test_client()
    _, html = page(client, "/troubleshoot/router/restart/fixed")
    response = client.post("/troubleshoot/router/outcome", headers=BROWSER,
                           data={"csrf_token": form_token(html), "trail": "restart/fixed", "answer": "not_solved"})
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == "/contact"
    attached = json.loads(parse_qs(location.query)["tree"][0])
    assert attached == [
        {"node": "Which light is on?", "answer": "Green"},
        {"node": "Restart the router and wait two minutes.", "answer": "Yes, that fixed it"},
        {"node": "Glad it works again.", "answer": "No, this did not solve it"},
    ]

    contact = client.get(response.headers["Location"], headers=BROWSER).get_data(as_text=True)
    assert "What you already tried" in contact and "Which light is on? <strong>Green</strong>" in contact
    token = re.search(r'name="csrf_token" value="([^"]+)"', contact).group(1)
    hidden_tree = unescape(re.search(r'name="tree" value="([^"]*)"', contact).group(1))
    submitted = client.post("/contact", headers=BROWSER, data={
        "csrf_token": token, "article": "router", "tree": hidden_tree, "name": "Ann Example",
        "email": "ann@example.com", "user_type": "registered", "category": "technical",
        "subject": "Router still offline", "description": "Restarted it, still no internet."})
    assert submitted.status_code == 303, submitted.get_data(as_text=True)[:2000]
    with tree_app.app_context():
        inquiry = db.session.execute(select(Inquiry)).scalar_one()
        assert inquiry.context["tree_path"] == attached
        assert inquiry.source_article.slug == "router"
    (run,) = runs(tree_app)
    assert run.outcome == "escalated" and run.inquiry_id == inquiry.id


def test_an_escalate_result_offers_contact_first(tree_app):
    client = tree_app.test_client()
    _, html = page(client, "/troubleshoot/router/power/broken")
    assert 'value="contact">Contact support</button>' in html and 'value="solved">I fixed it myself' in html
    response = client.post("/troubleshoot/router/outcome", headers=BROWSER,
                           data={"csrf_token": form_token(html), "trail": "power/broken", "answer": "contact"})
    attached = json.loads(parse_qs(urlsplit(response.headers["Location"]).query)["tree"][0])
    assert attached[-1] == {"node": "The router may be broken.", "answer": "Needs support"}


@pytest.mark.parametrize("data, status, message", [
    ({"trail": "restart/fixed", "answer": "solved"}, 403, "This form has expired"),  # no token
    ({"trail": "restart/fixed", "answer": "solved", "csrf_token": "forged"}, 403, "This form has expired"),
    ({"trail": "restart/fixed", "answer": "maybe"}, 400, "Please choose one of the answers."),
    ({"trail": "restart/fixed"}, 400, "Please choose one of the answers."),
    ({"trail": "restart", "answer": "solved"}, 400, "Answer the question on the page first."),
    ({"trail": "", "answer": "solved"}, 400, "Answer the question on the page first."),
    ({"trail": "restart/nowhere", "answer": "solved"}, 400, "has changed since you opened it"),
    ({"trail": "x/" * 500, "answer": "not_solved"}, 400, "has changed since you opened it"),
])
def test_bad_outcome_posts_get_a_clear_message_and_change_nothing(tree_app, data, status, message):
    client = tree_app.test_client()
    _, html = page(client, "/troubleshoot/router/restart/fixed")
    if "csrf_token" not in data and status != 403:
        data = {**data, "csrf_token": form_token(html)}
    response = client.post("/troubleshoot/router/outcome", data=data, headers=BROWSER)
    assert response.status_code == status
    assert message in unescape(response.get_data(as_text=True))
    assert [run.outcome for run in runs(tree_app)] == [""]


def test_an_outcome_is_only_recorded_by_a_post(tree_app):
    response = tree_app.test_client().get("/troubleshoot/router/outcome?answer=solved&trail=restart/fixed")
    assert response.status_code == 302  # read as a link to a step that does not exist
    assert all(run.outcome == "" for run in runs(tree_app))


def test_the_script_gets_only_the_moving_part_of_the_page(tree_app):
    response = tree_app.test_client().get("/troubleshoot/router/power", headers={**BROWSER, "X-Tier0-Partial": "player"})
    html = response.get_data(as_text=True)
    assert "X-Tier0-Partial" in response.headers["Vary"]
    assert html.lstrip().startswith("{#") is False and "<html" not in html and 'class="tree-frame"' in html
    assert "Is the power cable plugged in?" in html


HOSTILE = """
title: Hostile
nodes:
  - id: ask
    type: question
    text: "Pick <script>alert(1)</script> one [x](javascript:alert(2))"
    options:
      - label: "<b>bold</b>"
        next: done
      - label: Other
        next: done
  - id: done
    type: solution
    outcome: solved
    text: "<img src=x onerror=alert(3)> Done"
"""


def test_node_text_is_sanitized_and_labels_escaped(app, tmp_path):
    from app.kb.sync import sync_directory
    from tests.troubleshoot.conftest import make_content

    with app.app_context():
        assert not sync_directory(make_content(tmp_path / "c", HOSTILE, "hostile.tree.yml")).failed
    client = app.test_client()
    _, html = page(client, "/troubleshoot/hostile")
    assert "<script>alert" not in html and "javascript:alert" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    _, html = page(client, "/troubleshoot/hostile/done")
    assert "onerror" not in html


def test_a_draft_troubleshooter_is_hidden_from_visitors(app, tmp_path):
    from app.kb.sync import sync_directory
    from tests.troubleshoot.conftest import ROUTER_TREE, make_content

    with app.app_context():
        assert not sync_directory(make_content(tmp_path / "c", "status: draft\n" + ROUTER_TREE)).failed
    assert app.test_client().get("/troubleshoot/router").status_code == 404
    assert app.test_client().get("/troubleshoot/router/power").status_code == 404


def test_steps_are_not_indexed_by_crawlers_but_the_start_is(tree_app):
    client = tree_app.test_client()
    _, start = page(client, "/troubleshoot/router")
    _, step = page(client, "/troubleshoot/router/power")
    assert 'content="noindex"' not in start and 'content="noindex"' in step
    assert 'rel="canonical" href="http://localhost/troubleshoot/router"' in step
