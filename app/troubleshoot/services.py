"""Troubleshooters: the tree of a revision, the player's state for a trail, runs and their analytics."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.core.lru import LRUCache
from app.core.markdown import plain_text
from app.extensions import db
from app.kb.models import Article, utcnow
from app.troubleshoot.models import TreeRun
from app.troubleshoot.tree import answer_between, load_tree, replay

# A run continues while its visitor keeps answering; after this long without a step it is over.
RUN_IDLE = timedelta(hours=2)
# Open runs younger than this may still be going on: they are not counted as drop-offs yet.
IN_PROGRESS = timedelta(minutes=30)
TREE_CACHE_SIZE = 256


def tree_of(revision):
    """The parsed tree stored in a troubleshooter revision (parsed once per revision in each app)."""
    cache = current_app.extensions.setdefault("troubleshoot_trees", LRUCache(TREE_CACHE_SIZE))
    # The text is part of the key: revision ids are only unique within one database.
    key = (revision.id, hash(revision.body))
    tree = cache.get(key)
    if tree is None:
        tree = load_tree(revision.body)
        cache.put(key, tree)
    return tree


def parse_trail(raw):
    """Node ids from a URL trail 'a/b/c' (empty parts dropped)."""
    return [part for part in (raw or "").split("/") if part]


@dataclass
class TrailStep:
    """An answer already given: the node, the answer chosen there, and the trail that returns to it."""

    node: object
    answer: str
    trail: str


@dataclass
class PlayerState:
    """Where a visitor stands in a tree: the current node and the answers that led there."""

    tree: object
    nodes: list
    steps: list = field(default_factory=list)  # [TrailStep] for every node before the current one

    @property
    def current(self):
        """The node on screen."""
        return self.nodes[-1]

    @property
    def trail(self):
        """The URL trail of the current node ('' at the start)."""
        return "/".join(node.id for node in self.nodes[1:])

    def next_trail(self, target):
        """The URL trail after choosing an option that leads to ``target``."""
        return f"{self.trail}/{target}" if self.trail else target


def player_state(tree, trail_ids):
    """PlayerState for a trail of node ids after the start; ValueError when the trail is not a path."""
    nodes = replay(tree, trail_ids)
    steps = []
    for i, node in enumerate(nodes[:-1]):
        steps.append(TrailStep(node, answer_between(tree, node.id, nodes[i + 1].id),
                               "/".join(n.id for n in nodes[1:i + 1])))
    return PlayerState(tree, nodes, steps)


def longest_valid_trail(tree, trail_ids):
    """The longest prefix of a trail that is still a path through the tree (for links to an older version)."""
    for end in range(len(trail_ids), -1, -1):
        try:
            replay(tree, trail_ids[:end])
        except ValueError:
            continue
        return trail_ids[:end]
    return []


def node_summary(node, limit=200):
    """A node's text as one plain line (for the staff tables)."""
    return plain_text(node.text, limit)


def node_label(node, limit=120):
    """What a node asked, in one plain line: a question's first paragraph, else the start of its text."""
    text = split_question(node.text)[0] if node.type == "question" else node.text
    return plain_text(text, limit)


def split_question(text):
    """(first paragraph, the rest) of a question's Markdown: the first is its heading, the rest explains."""
    first, _, rest = text.strip().partition("\n\n")
    return first, rest.strip()


def inquiry_path(state, final_answer):
    """The path handed to the contact form: [{node, answer}], the last entry being the solution reached."""
    path = [{"node": node_label(step.node, 200), "answer": step.answer} for step in state.steps]
    path.append({"node": node_label(state.current, 200), "answer": final_answer})
    return path


# -- runs ------------------------------------------------------------------------------------------------
def _open_run(article_id, visitor_key, now):
    query = (select(TreeRun)
             .where(TreeRun.article_id == article_id, TreeRun.visitor_key == visitor_key,
                    TreeRun.updated_at >= now - RUN_IDLE, TreeRun.outcome == "")
             .order_by(TreeRun.updated_at.desc(), TreeRun.id.desc()).limit(1))
    return db.session.execute(query).scalar_one_or_none()


def _run_for(article_id, revision_id, visitor_key, now):
    run = _open_run(article_id, visitor_key, now)
    if run is None:
        run = TreeRun(article_id=article_id, revision_id=revision_id, visitor_key=visitor_key, started_at=now,
                      updated_at=now, path=[], visited=[], edges=[], last_node="", outcome="", solution_node="")
        db.session.add(run)
    return run


def _step(run, state, revision_id, now):
    """Move a run to the state's current node (lists are replaced, not mutated, so the change is saved)."""
    ids = [node.id for node in state.nodes]
    current = state.current
    run.revision_id = revision_id
    run.path = ids
    if current.id not in run.visited:
        run.visited = [*run.visited, current.id]
    if len(ids) > 1:
        edge = f"{ids[-2]}>{ids[-1]}"
        if edge not in run.edges:
            run.edges = [*run.edges, edge]
    run.last_node = current.id
    if current.type == "solution":
        run.solution_node = current.id
    run.updated_at = now


def record_visit(article_id, revision_id, visitor_key, state, now=None):
    """A visitor sees a node: start their run or move it on."""
    now = now or utcnow()
    run = _run_for(article_id, revision_id, visitor_key, now)
    _step(run, state, revision_id, now)
    db.session.commit()
    return run


def record_outcome(article_id, revision_id, visitor_key, state, outcome, now=None):
    """A visitor answered at a solution: 'solved' or 'escalated' closes their run."""
    if outcome not in ("solved", "escalated"):
        raise ValueError(f"unknown outcome {outcome!r}")
    now = now or utcnow()
    run = _run_for(article_id, revision_id, visitor_key, now)
    _step(run, state, revision_id, now)
    run.outcome = outcome
    db.session.commit()
    return run


def link_inquiry(inquiry_id, visitor_key, now=None):
    """An inquiry was opened: tie it to the visitor's latest escalated run of the last day, if any."""
    now = now or utcnow()
    run = db.session.execute(
        select(TreeRun).where(TreeRun.visitor_key == visitor_key, TreeRun.outcome == "escalated",
                              TreeRun.inquiry_id.is_(None), TreeRun.updated_at >= now - timedelta(days=1))
        .order_by(TreeRun.updated_at.desc()).limit(1)
    ).scalar_one_or_none()
    if run is not None:
        run.inquiry_id = inquiry_id
        db.session.commit()
    return run


# -- analytics -------------------------------------------------------------------------------------------
@dataclass
class NodeStats:
    """How one node did: visits, visitors who left there, and for solutions how runs ended."""

    node: object
    visits: int = 0
    dropoffs: int = 0
    solved: int = 0
    escalated: int = 0
    abandoned: int = 0

    @property
    def dropoff_rate(self):
        """Share of the visits that ended here without an answer (0..1)."""
        return self.dropoffs / self.visits if self.visits else 0.0


@dataclass
class RunCounts:
    """How a troubleshooter's runs ended over a period."""

    runs: int = 0
    solved: int = 0
    escalated: int = 0
    inquiries: int = 0  # escalated runs that went on to send an inquiry
    abandoned: int = 0
    in_progress: int = 0

    def add(self, run, now):
        """Count one run; returns how it stands: 'solved', 'escalated', 'abandoned' or 'in_progress'."""
        self.runs += 1
        if run.outcome:
            state = run.outcome
            self.inquiries += run.outcome == "escalated" and run.inquiry_id is not None
        else:
            state = "in_progress" if now - run.updated_at < IN_PROGRESS else "abandoned"
        setattr(self, state, getattr(self, state) + 1)
        return state

    @property
    def solve_rate(self):
        """Solved runs among the finished ones (0..1), or None before any finished."""
        finished = self.solved + self.escalated + self.abandoned
        return self.solved / finished if finished else None


@dataclass
class TreeReport(RunCounts):
    """A troubleshooter's runs over a period, per node and per answer."""

    article: object = None
    nodes: list = field(default_factory=list)  # [NodeStats] in tree order
    edge_counts: dict = field(default_factory=dict)  # {(from, to): runs}

    @property
    def node_counts(self):
        """{node id: visits} for the flowchart."""
        return {stats.node.id: stats.visits for stats in self.nodes}

    @property
    def worst_dropoffs(self):
        """Nodes where most runs ended without an answer, most first (solutions included as abandoned)."""
        ranked = [s for s in self.nodes if s.dropoffs]
        return sorted(ranked, key=lambda s: (-s.dropoffs, -s.dropoff_rate))


def _runs(article_ids, since, until):
    query = select(TreeRun).where(TreeRun.started_at >= since, TreeRun.started_at < until,
                                  TreeRun.article_id.in_(article_ids))
    return db.session.execute(query.order_by(TreeRun.id)).scalars().all()


def tree_report(article, tree, since, until, now=None):
    """Runs, per-node visits and drop-offs, outcomes per solution and edge counts of one troubleshooter."""
    now = now or utcnow()
    report = TreeReport(article=article)
    stats = {node_id: NodeStats(node) for node_id, node in tree.nodes.items()}
    edges = Counter()
    for run in _runs([article.id], since, until):
        state = report.add(run, now)
        for node_id in run.visited:
            if node_id in stats:
                stats[node_id].visits += 1
        for edge in run.edges:
            source, _, target = edge.partition(">")
            edges[(source, target)] += 1
        last = stats.get(run.last_node)
        if last is None or state == "in_progress":  # an open run has not left anywhere yet
            continue
        if state == "abandoned":
            last.dropoffs += 1
        if last.node.type == "solution":
            setattr(last, state, getattr(last, state) + 1)
    report.nodes = list(stats.values())
    report.edge_counts = dict(edges)
    return report


@dataclass
class TreeSummary(RunCounts):
    """One line of the troubleshooter overview."""

    article: object = None


def troubleshooters(include_unpublished=False):
    """Troubleshooter articles by title."""
    query = select(Article).where(Article.kind == "troubleshooter")
    if not include_unpublished:
        query = query.where(Article.status == "published", Article.published_revision_id.is_not(None))
    return sorted(db.session.execute(query).scalars().all(), key=lambda a: a.title.lower())


def overview(articles, since, until, now=None):
    """[TreeSummary] of the given troubleshooters over a period."""
    now = now or utcnow()
    rows = {article.id: TreeSummary(article=article) for article in articles}
    for run in _runs(list(rows), since, until):
        rows[run.article_id].add(run, now)
    return list(rows.values())
