"""The troubleshooters' part of the per-article dashboard page: runs, solve rate and where visitors give up,
read from the daily aggregates (TreeDay, TreeNodeDay) the analytics rollup fills from the runs."""
from sqlalchemy import func, select

from app.analytics.models import TreeDay, TreeNodeDay
from app.core.plugins import DashboardPart, Figure, Table
from app.extensions import db
from app.troubleshoot.services import RunCounts, node_label, tree_of
from app.troubleshoot.tree import TreeError

RUN_COLUMNS = ("runs", "solved", "escalated", "inquiries", "abandoned", "in_progress")
NODE_COLUMNS = ("visits", "dropoffs", "solved", "escalated")


def run_counts(article_id, period):
    """RunCounts of the runs started in the range, added up from the daily aggregates."""
    sums = db.session.execute(
        select(*(func.coalesce(func.sum(getattr(TreeDay, name)), 0) for name in RUN_COLUMNS))
        .where(TreeDay.article_id == article_id, TreeDay.day >= period.start, TreeDay.day <= period.end)
    ).one()
    return RunCounts(**{name: int(value) for name, value in zip(RUN_COLUMNS, sums)})


def node_counts(article_id, period):
    """{node id: {visits, dropoffs, solved, escalated}} of the runs started in the range."""
    query = (select(TreeNodeDay.node_id, *(func.sum(getattr(TreeNodeDay, name)) for name in NODE_COLUMNS))
             .where(TreeNodeDay.article_id == article_id, TreeNodeDay.day >= period.start,
                    TreeNodeDay.day <= period.end)
             .group_by(TreeNodeDay.node_id))
    return {node_id: dict(zip(NODE_COLUMNS, (int(value or 0) for value in values)))
            for node_id, *values in db.session.execute(query)}


def _tree(article):
    """The tree readers walk (the published one, else the newest draft), or None when there is none to read."""
    revision = article.published_revision or article.current_revision
    if revision is None:
        return None
    try:
        return tree_of(revision)
    except TreeError:  # a tree saved before validation existed: its nodes show as ids
        return None


def _dropoff_table(article, period):
    """One row per node in the tree's order, then nodes visited in the range that the tree no longer has."""
    counts = node_counts(article.id, period)
    tree = _tree(article)
    nodes = dict(tree.nodes) if tree else {}
    rows = []
    if counts:
        labels = [(node_id, node_label(node)) for node_id, node in nodes.items()]
        labels += [(node_id, f"{node_id} (removed)") for node_id in sorted(set(counts) - set(nodes))]
        for node_id, label in labels:
            found = counts.get(node_id, dict.fromkeys(NODE_COLUMNS, 0))
            rate = round(found["dropoffs"] * 100 / found["visits"], 1) if found["visits"] else None
            rows.append([label, found["visits"], found["dropoffs"], rate, found["solved"], found["escalated"]])
    return Table("tree_dropoff", "Where visitors give up",
                 ["Node", "Visits", "Drop-offs", "Drop-off rate %", "Solved", "Escalated"], rows,
                 empty="Nobody started this troubleshooter in this range.", order=80,
                 note="Runs started in the range: visits of each node, runs that ended there without an answer "
                      "(drop-offs ÷ visits), and at results how runs ended.")


def article(article, period):
    """Runs, solve rate and drop-offs per node of a troubleshooter; None for any other kind of article."""
    if article.kind != "troubleshooter":
        return None
    now, before = run_counts(article.id, period), run_counts(article.id, period.previous())
    return DashboardPart(
        figures=[
            Figure("tree_runs", "Troubleshooter runs", now.runs, before.runs, order=80,
                   note="Walks through the troubleshooter started in the range."),
            Figure("tree_solve_rate", "Solved by the troubleshooter", now.solve_rate, before.solve_rate,
                   unit="percent", order=81,
                   note="Runs answered “fixed” ÷ runs that ended (fixed, escalated or abandoned); runs still "
                        "going on are left out."),
        ],
        tables=[_dropoff_table(article, period)],
    )
