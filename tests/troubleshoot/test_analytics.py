"""Runs, visits, drop-offs and outcomes for leads; the staff pages and who may see them."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.services import create_user
from app.extensions import db
from app.kb import services as kb_services
from app.kb.models import utcnow
from app.troubleshoot import services
from app.troubleshoot.models import TreeRun
from tests.helpers import login

PASSWORD = "correct horse battery"

# Each visitor (own browser) walks these trails in order; "solved"/"not_solved" answer at the end.
WALKS = [
    (["", "restart", "restart/fixed"], "solved"),
    (["", "restart", "restart/fixed"], "solved"),
    (["", "restart", "restart/cable", "restart/cable/provider"], "not_solved"),
    (["", "power"], None),  # leaves at the power question
    (["", "power"], None),
    (["", "power", "power/broken"], None),  # reaches a result and leaves without answering
    ([""], None),  # leaves at the start
    (["", "power", "power/plug", "power/plug/lights", "power/plug/lights/restart"], None),  # loops, leaves
]


def walk(app, number, trails, answer):
    client = app.test_client()
    headers = {"User-Agent": f"Mozilla/5.0 visitor-{number}"}
    html = ""
    for trail in trails:
        html = client.get(f"/troubleshoot/router/{trail}".rstrip("/"), headers=headers).get_data(as_text=True)
    if answer:
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        response = client.post("/troubleshoot/router/outcome", headers=headers,
                               data={"csrf_token": token, "trail": trails[-1], "answer": answer})
        assert response.status_code == 303


@pytest.fixture
def walked(tree_app):
    """The router tree after the WALKS, every run an hour old (so none is still in progress)."""
    for number, (trails, answer) in enumerate(WALKS):
        walk(tree_app, number, trails, answer)
    with tree_app.app_context():
        for run in db.session.execute(select(TreeRun)).scalars():  # in Python: SQLite has no interval arithmetic
            run.started_at -= timedelta(hours=1)
            run.updated_at -= timedelta(hours=1)
        db.session.commit()
    return tree_app


def report_for(app, **kwargs):
    article = kb_services.get_article("router")
    tree = services.tree_of(article.published_revision)
    return services.tree_report(article, tree, utcnow() - timedelta(days=30), utcnow() + timedelta(seconds=1), **kwargs)


def test_the_report_counts_runs_outcomes_visits_and_drop_offs(walked):
    with walked.app_context():
        report = report_for(walked)
        stats = {s.node.id: s for s in report.nodes}

    assert (report.runs, report.solved, report.escalated, report.abandoned, report.in_progress) == (8, 2, 1, 5, 0)
    assert report.solve_rate == pytest.approx(2 / 8)
    assert {node: s.visits for node, s in stats.items()} == {
        "lights": 8, "restart": 4, "cable": 1, "power": 4, "plug": 1, "provider": 1, "broken": 1, "fixed": 2}
    assert {node: s.dropoffs for node, s in stats.items() if s.dropoffs} == {
        "power": 2, "broken": 1, "lights": 1, "restart": 1}
    assert stats["power"].dropoff_rate == pytest.approx(2 / 4)
    assert [s.node.id for s in report.worst_dropoffs][:1] == ["power"]
    assert (stats["fixed"].solved, stats["provider"].escalated, stats["broken"].abandoned) == (2, 1, 1)
    assert report.edge_counts[("lights", "restart")] == 4  # two solved walks, one escalated, one after the loop
    assert report.edge_counts[("lights", "power")] == 4
    assert report.edge_counts[("plug", "lights")] == 1  # the loop back


def test_recent_open_runs_count_as_in_progress_not_as_drop_offs(tree_app):
    walk(tree_app, 1, ["", "power"], None)
    with tree_app.app_context():
        report = report_for(tree_app)
    assert (report.runs, report.in_progress, report.abandoned) == (1, 1, 0)
    assert all(s.dropoffs == 0 for s in report.nodes)


def test_runs_carry_a_visitor_key_never_an_address(walked):
    with walked.app_context():
        keys = db.session.execute(select(TreeRun.visitor_key)).scalars().all()
    assert len(set(keys)) == len(WALKS) and not any("127.0.0.1" in key for key in keys)


def test_one_visitor_answering_on_keeps_one_run_and_a_new_run_starts_after_an_outcome(tree_app):
    walk(tree_app, 1, ["", "restart", "restart/fixed"], "solved")
    walk(tree_app, 1, ["", "power"], None)
    with tree_app.app_context():
        rows = db.session.execute(select(TreeRun).order_by(TreeRun.id)).scalars().all()
        assert [(r.outcome, r.last_node) for r in rows] == [("solved", "fixed"), ("", "power")]


@pytest.fixture
def staff(walked):
    with walked.app_context():
        for role in ("writer", "editor", "lead", "admin"):
            create_user(f"{role}@example.com", PASSWORD, role=role)
    return walked


def signed_in(app, role):
    client = app.test_client()
    if role:
        assert login(client, f"{role}@example.com", PASSWORD).status_code == 302
    return client


@pytest.mark.parametrize("role, list_status, tree_status, sees_analytics", [
    (None, 302, 302, False),
    ("writer", 200, 200, False),
    ("editor", 200, 200, False),
    ("lead", 200, 200, True),
    ("admin", 200, 200, True),
])
def test_who_sees_the_flowchart_and_the_analytics(staff, role, list_status, tree_status, sees_analytics):
    client = signed_in(staff, role)
    listing = client.get("/staff/troubleshooters")
    tree = client.get("/staff/troubleshooters/router")
    assert (listing.status_code, tree.status_code) == (list_status, tree_status)
    if role is None:
        assert "/auth/login" in tree.headers["Location"]
        return
    html = tree.get_data(as_text=True)
    assert "<svg" in html and "Which light is on?" in html
    assert ("Where visitors leave" in html) is sees_analytics
    assert ("Runs started" in html) is sees_analytics
    assert tree.headers["Cache-Control"] == "private, no-store"


def test_a_lead_sees_where_visitors_drop_off(staff):
    html = signed_in(staff, "lead").get("/staff/troubleshooters/router?days=30").get_data(as_text=True)
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)", html))
    assert figures["Runs started"] == "8" and figures["Solved"] == "2" and figures["Abandoned"] == "5"
    row = re.search(r'<tr class="tree-hot"><th scope="row"><code>power</code>.*?</tr>', html, re.S).group(0)
    assert re.findall(r'<td class="num">([^<]+)</td>', row) == ["4", "2", "50%"]
    assert "Green · 4" in html  # the flowchart's edge label carries the count


def test_the_lead_dashboard_has_a_troubleshooter_panel(staff):
    html = signed_in(staff, "lead").get("/dashboard/").get_data(as_text=True)
    assert "Troubleshooters" in html and "Where most visitors give up" in html
    assert "Is the power cable plugged in?" in html


@pytest.mark.parametrize("url", ["/staff/troubleshooters/router-manual", "/staff/troubleshooters/nothing"])
def test_the_flowchart_page_is_only_for_troubleshooters(staff, url):
    assert signed_in(staff, "lead").get(url).status_code == 404


def test_the_period_filter_ignores_odd_values(staff):
    client = signed_in(staff, "lead")
    for days in ("7", "abc", "-1", "100000"):
        assert client.get(f"/staff/troubleshooters/router?days={days}").status_code == 200
