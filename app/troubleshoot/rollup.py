"""Troubleshooter runs as daily aggregate rows, counted the way the staff report counts them."""
from sqlalchemy import select

from app.extensions import db
from app.troubleshoot.models import TreeRun
from app.troubleshoot.services import NodeStats, RunCounts

RUN_FIELDS = ("runs", "solved", "escalated", "inquiries", "abandoned", "in_progress")
NODE_FIELDS = ("visits", "dropoffs", "solved", "escalated", "abandoned")


def tree_rows(start_at, end_at, now):
    """([run row], [node row]) as dicts, per troubleshooter and per node, for the runs started in
    [start_at, end_at). Nodes come from each run's own trail, so nodes removed from the tree still count."""
    runs, nodes = {}, {}
    query = select(TreeRun).where(TreeRun.started_at >= start_at, TreeRun.started_at < end_at).order_by(TreeRun.id)
    for run in db.session.execute(query).scalars():
        state = runs.setdefault(run.article_id, RunCounts()).add(run, now)
        for node_id in run.visited:
            _node(nodes, run.article_id, node_id).visits += 1
        if not run.last_node or state == "in_progress":  # an open run has not left anywhere yet
            continue
        last = _node(nodes, run.article_id, run.last_node)
        if state == "abandoned":
            last.dropoffs += 1
        # The run's solution_node is its last solution seen, so the run stopped at a solution when they match.
        if run.last_node == run.solution_node:
            setattr(last, state, getattr(last, state) + 1)
    run_rows = [{"article_id": article_id, **{name: getattr(counts, name) for name in RUN_FIELDS}}
                for article_id, counts in runs.items()]
    node_rows = [{"article_id": article_id, "node_id": node_id, **{name: getattr(stats, name) for name in NODE_FIELDS}}
                 for (article_id, node_id), stats in nodes.items()]
    return run_rows, node_rows


def _node(nodes, article_id, node_id):
    return nodes.setdefault((article_id, node_id), NodeStats(node_id))
