"""Troubleshooting decision trees: parse and check the YAML a writer edits, dump it back, replay a path."""
import re
from collections import deque
from dataclasses import dataclass, field

import yaml

from app.core.markdown import plain_text

NODE_TYPES = ("question", "step", "solution")
OUTCOMES = ("solved", "escalate")
FIXED_LABEL = "Yes, that fixed it"
NOT_FIXED_LABEL = "No, still not working"
MAX_TRAIL = 60
MAX_ID_LENGTH = 60
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
STEP_KEYS = ("fixed", "not_fixed")
# YAML 1.1 reads unquoted yes/no/on/off keys as booleans, so a step written with yes:/no: arrives like this.
BOOLEAN_LOOKALIKES = {True, False, "yes", "no", "Yes", "No"}


@dataclass
class Option:
    """One way out of a node: the answer the user clicks and the node it leads to."""

    label: str
    target: str


@dataclass
class Node:
    """A question, a step to try, or a solution; steps carry their fixed/not-fixed answers as options."""

    id: str
    type: str
    text: str
    options: list[Option]
    outcome: str = ""
    articles: list[str] = field(default_factory=list)


@dataclass
class Problem:
    """One thing wrong with a tree; node is the id it concerns when there is one."""

    node: str | None
    message: str


class TreeError(ValueError):
    """A tree that cannot be used; problems lists everything found, not just the first."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(problem.message for problem in self.problems))


@dataclass
class Tree:
    """A checked decision tree: the start node id and the nodes in file order."""

    start: str
    nodes: dict[str, Node]

    def node(self, node_id):
        """The node with this id, or None."""
        return self.nodes.get(node_id)

    def edges(self):
        """(from_id, to_id, label) for every option, in file order."""
        return [(node.id, option.target, option.label) for node in self.nodes.values() for option in node.options]

    def solutions(self):
        """The solution nodes, in file order."""
        return [node for node in self.nodes.values() if node.type == "solution"]


def _quote(value):
    return f'"{value}"'


def _short(value):
    """A value as written in YAML-ish form, cut short, for messages about values of the wrong kind."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _quoted_list(values):
    return ", ".join(_quote(value) for value in values)


class _NodeReader:
    """Reads one raw node mapping into a Node, collecting problems instead of stopping at the first."""

    def __init__(self, raw, node_id, name):
        self.raw = raw
        self.id = node_id
        self.name = name  # 'Node "x"' or 'Node #3' for messages
        self.problems = []
        self.complete = True  # False when some of the node's ways out could not be read

    def problem(self, message):
        self.problems.append(Problem(self.id, f"{self.name}{message}"))

    def read(self):
        """The Node as far as it could be read (type '' when unusable); self.problems says what was wrong."""
        raw = self.raw
        text = raw.get("text")
        if text is None or (isinstance(text, str) and not text.strip()):
            self.problem(" has empty text: write the question, the instructions or the answer.")
            text = ""
        elif not isinstance(text, str):
            self.problem(f": text must be Markdown text, not {_short(text)}.")
            text = ""
        articles = self.read_articles()
        node_type = raw.get("type")
        if node_type is None:
            self.problem(f" has no type: use one of {', '.join(NODE_TYPES)}.")
        elif node_type not in NODE_TYPES:
            self.problem(f" has unknown type {_quote(node_type)}: use one of {', '.join(NODE_TYPES)}.")
        if node_type not in NODE_TYPES:
            self.complete = False
            return Node(self.id, "", text, [], articles=articles)
        node = Node(self.id, node_type, text, [], articles=articles)
        if node_type == "question":
            node.options = self.read_options()
        elif node_type == "step":
            node.options = self.read_step()
        else:
            node.outcome = self.read_outcome()
        return node

    def read_articles(self):
        articles = self.raw.get("articles")
        if articles is None:
            return []
        if not isinstance(articles, list) or not all(isinstance(a, str) and a.strip() for a in articles):
            self.problem(": articles must be a list of article slugs, e.g. [payment-methods].")
            return []
        return [article.strip() for article in articles]

    def read_options(self):
        options = self.raw.get("options")
        if not isinstance(options, list) or not options:
            self.problem(" (question) has empty options: list at least 2 options, each with a label and next.")
            self.complete = False
            return []
        if len(options) < 2:
            self.problem(" (question) has only 1 option in options: a question needs at least 2.")
            self.complete = False  # the writer has not finished it: do not blame what it will lead to
        result = []
        for number, option in enumerate(options, start=1):
            read = self.read_option(option, number)
            if read is None:
                self.complete = False
            else:
                result.append(read)
        return result

    def read_option(self, option, number):
        if not isinstance(option, dict):
            self.problem(f": option #{number} is not a mapping with a label and next.")
            return None
        label = option.get("label")
        if isinstance(label, bool):
            label = "Yes" if label else "No"  # YAML reads an unquoted 'label: Yes' as true
        elif label is not None and not isinstance(label, str):
            label = str(label)  # 'label: 42' is still a readable answer
        if not label or not label.strip():
            self.problem(f": option #{number} has no label.")
            return None
        label = label.strip()
        target = option.get("next")
        if target is None:
            self.problem(f": option {_quote(label)} has no next: name the node it leads to.")
            return None
        if not isinstance(target, str):
            self.problem(f": option {_quote(label)} has a next that is not a node id: {_short(target)}.")
            return None
        return Option(label, target)

    def read_step(self):
        raw = self.raw
        if any(key in raw for key in BOOLEAN_LOOKALIKES) and not all(key in raw for key in STEP_KEYS):
            self.problem(" (step) uses yes:/no:, which YAML reads as true/false: write fixed: and not_fixed: instead.")
            self.complete = False
            return []
        targets = []
        for key in STEP_KEYS:
            target = raw.get(key)
            if target is None:
                self.problem(f" (step) has no {key}: name the node to show when the user answers "
                             f"{_quote(FIXED_LABEL if key == 'fixed' else NOT_FIXED_LABEL)}.")
            elif not isinstance(target, str):
                self.problem(f" (step): {key} is not a node id: {_short(target)}.")
            else:
                targets.append(target)
        if len(targets) < 2:
            self.complete = False
            return []
        return [Option(FIXED_LABEL, targets[0]), Option(NOT_FIXED_LABEL, targets[1])]

    def read_outcome(self):
        outcome = self.raw.get("outcome")
        if outcome is None:
            self.problem(f" (solution) has no outcome: use one of {', '.join(OUTCOMES)}.")
            return ""
        if outcome not in OUTCOMES:
            self.problem(f" (solution) has unknown outcome {_quote(outcome)}: use one of {', '.join(OUTCOMES)}.")
            return ""
        return outcome


def _read_id(raw, number):
    """The usable id of a raw node (None when missing or malformed) and the problem with it, if any."""
    if not isinstance(raw, dict):
        return None, Problem(None, f"Node #{number} is not a mapping: write id, type and text under it.")
    node_id = raw.get("id")
    if node_id is None or node_id == "":
        return None, Problem(None, f"Node #{number} has no id.")
    if not isinstance(node_id, str) or len(node_id) > MAX_ID_LENGTH or not ID_PATTERN.match(node_id):
        return None, Problem(
            node_id if isinstance(node_id, str) else None,
            f"Node #{number} has a malformed id {_quote(node_id)}: use lower-case letters, digits, '-' and '_', "
            f"starting with a letter or digit, at most {MAX_ID_LENGTH} characters.",
        )
    return node_id, None


def _raw_nodes(data):
    """The raw node list of data, or a TreeError saying why there is none."""
    if not isinstance(data, dict):
        raise TreeError([Problem(None, "A tree must be a mapping with start and nodes.")])
    raw_nodes = data.get("nodes")
    if raw_nodes is None:
        raise TreeError([Problem(None, "The tree has no nodes: add a nodes list.")])
    if not isinstance(raw_nodes, list):
        raise TreeError([Problem(None, f"The tree's nodes must be a list, not a {type(raw_nodes).__name__}.")])
    if not raw_nodes:
        raise TreeError([Problem(None, "The tree's nodes list is empty: add at least one node.")])
    return raw_nodes


def parse_tree(data):
    """Tree from the mapping {start, nodes}; TreeError listing every structural and graph problem."""
    raw_nodes = _raw_nodes(data)
    checked = [_read_id(raw, number) for number, raw in enumerate(raw_nodes, start=1)]
    ids = [node_id for node_id, _ in checked]
    problems, nodes, incomplete = [], {}, set()
    for number, (raw, (node_id, id_problem)) in enumerate(zip(raw_nodes, checked), start=1):
        if id_problem is not None:
            problems.append(id_problem)
        if not isinstance(raw, dict):
            continue
        if node_id in nodes and ids[:number].count(node_id) == 2:  # said once, where the second copy is
            count = ids.count(node_id)
            times = "twice" if count == 2 else f"{count} times"
            problems.append(Problem(node_id, f"Node {_quote(node_id)} appears {times}: each id must be unique."))
        reader = _NodeReader(raw, node_id, f"Node {_quote(node_id)}" if node_id else f"Node #{number}")
        node = reader.read()
        problems.extend(reader.problems)
        if node_id is None or node_id in nodes:
            continue  # only the first of duplicates joins the graph
        nodes[node_id] = node
        if not reader.complete:
            incomplete.add(node_id)
    start = data.get("start")
    if start is not None and not isinstance(start, str):
        problems.append(Problem(None, f"The start must be a node id, not {_short(start)}."))
        start = None
    if start is None:
        start = ids[0] or next(iter(nodes), "")
    if nodes:
        problems.extend(_graph_problems(Tree(start, nodes), incomplete))
    if problems:
        raise TreeError(problems)
    return Tree(start, nodes)


def load_tree(text):
    """Tree from YAML text of {start, nodes}; TreeError for bad YAML as well as a bad tree."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise TreeError([Problem(None, f"Bad YAML{where}: {reason}.")]) from None
    return parse_tree(data)


def validate(tree):
    """The graph checks: unknown targets, unreachable nodes, paths that never reach a solution."""
    return _graph_problems(tree, incomplete=set())


def _graph_problems(tree, incomplete):
    """Graph problems of tree; nodes in incomplete (ways out unreadable) are not blamed for what they miss."""
    problems = []
    if tree.start not in tree.nodes:
        problems.append(Problem(None, f"The start node {_quote(tree.start)} does not exist."))
    edges = {}  # node id -> known targets, in option order
    for node in tree.nodes.values():
        edges[node.id] = []
        for number, option in enumerate(node.options):
            if option.target in tree.nodes:
                edges[node.id].append(option.target)
                continue
            way = STEP_KEYS[number] if node.type == "step" else f"option {_quote(option.label)}"
            problems.append(Problem(node.id, f"Node {_quote(node.id)}: {way} leads to unknown node "
                                             f"{_quote(option.target)}."))
    ends = {node.id for node in tree.solutions()} | incomplete
    if not tree.solutions() and not incomplete:
        problems.append(Problem(None, "The tree has no solution node: every path must end at a solution."))
    if tree.start not in tree.nodes or not ends:
        return problems
    reached = _reachable(edges, [tree.start])
    if not reached & incomplete:  # an unreadable node might lead anywhere
        problems.extend(
            Problem(node_id, f"Node {_quote(node_id)} is unreachable: no path from the start node "
                             f"{_quote(tree.start)} leads to it.")
            for node_id in tree.nodes if node_id not in reached
        )
    problems.extend(_dead_ends(tree, edges, reached, ends))
    return problems


def _reachable(edges, sources):
    """Ids reachable from sources (sources included) following edges."""
    seen, queue = set(sources), deque(sources)
    while queue:
        for target in edges[queue.popleft()]:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _dead_ends(tree, edges, reached, ends):
    """One problem per trap: reachable nodes from which no solution can be reached."""
    backwards = {node_id: [] for node_id in edges}
    for source, targets in edges.items():
        for target in targets:
            backwards[target].append(source)
    alive = _reachable(backwards, sorted(ends, key=list(tree.nodes).index))
    dead = [node_id for node_id in tree.nodes if node_id in reached and node_id not in alive]
    # Report where a user walks into a trap (the start or a node entered from a live one), once per trap.
    entries = [n for n in dead if n == tree.start or any(p in alive and p in reached for p in backwards[n])]
    problems, covered = [], set()
    for entry in entries:
        region = _reachable(edges, [entry])
        if region <= covered:
            continue
        covered |= region
        ordered = [node_id for node_id in tree.nodes if node_id in region]
        loops = [n for n in ordered if n in _reachable(edges, edges[n])]
        stops = [n for n in ordered if not edges[n]]
        ways = []
        if loops:
            ways.append(f"loops back (through {_quoted_list(loops)})")
        if stops:
            ways.append(f"stops at {_quoted_list(stops)}, which leads nowhere")
        problems.append(Problem(entry, f"Node {_quote(entry)} never reaches a solution: every path from it "
                                       f"{' or '.join(ways)}."))
    return problems


def tree_data(tree):
    """The tree as plain data in the authoring format; parse_tree(tree_data(t)) == t."""
    nodes = []
    for node in tree.nodes.values():
        item = {"id": node.id, "type": node.type}
        if node.type == "solution":
            item["outcome"] = node.outcome
        item["text"] = node.text
        if node.type == "question":
            item["options"] = [{"label": option.label, "next": option.target} for option in node.options]
        elif node.type == "step":
            item["fixed"], item["not_fixed"] = (option.target for option in node.options)
        if node.articles:
            item["articles"] = list(node.articles)
        nodes.append(item)
    return {"start": tree.start, "nodes": nodes}


class _TreeDumper(yaml.SafeDumper):
    """SafeDumper that writes multi-line text as a literal block, the way writers type it."""


def _represent_text(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_TreeDumper.add_representer(str, _represent_text)


def dump_tree(tree):
    """Canonical YAML text of the tree; load_tree(dump_tree(t)) == t and dumping again changes nothing."""
    return yaml.dump(tree_data(tree), Dumper=_TreeDumper, sort_keys=False, allow_unicode=True, width=1000)


def replay(tree, trail):
    """Nodes from the start along trail (ids after the start); ValueError for unknown ids or missing edges."""
    if len(trail) > MAX_TRAIL:
        raise ValueError(f"The path is too long: at most {MAX_TRAIL} steps.")
    path = [tree.nodes[tree.start]]
    for node_id in trail:
        node = tree.node(node_id)
        if node is None:
            raise ValueError(f"Unknown node {_quote(node_id)}.")
        if not any(option.target == node_id for option in path[-1].options):
            raise ValueError(f"No answer of node {_quote(path[-1].id)} leads to {_quote(node_id)}.")
        path.append(node)
    return path


def answer_between(tree, from_id, to_id):
    """Label of the first option of from_id leading to to_id; '' when there is none."""
    node = tree.node(from_id)
    if node is None:
        return ""
    return next((option.label for option in node.options if option.target == to_id), "")


def search_text(tree):
    """Plain text of every node and answer, for the search index."""
    parts = []
    for node in tree.nodes.values():
        parts.append(plain_text(node.text))
        # A step's answers are the same two sentences in every tree: they would only add noise.
        if node.type == "question":
            parts.extend(option.label for option in node.options)
    return "\n".join(part for part in parts if part)
