"""The editor's live preview: the same rendering as the public pages, and a troubleshooter's checked outline."""
from dataclasses import dataclass, field

import yaml
from flask import render_template
from markupsafe import Markup

from app.core.markdown import plain_text, render_markdown
from app.kb.tutorials import render_tutorial, tutorial_facts
from app.troubleshoot.tree import TreeError, load_tree, parse_tree


@dataclass
class OutlineNode:
    """One node of a tree as the writer wrote it, with the problems found in it."""

    id: str
    type: str
    text: str
    line: int  # where the node starts in the YAML, 1-based (0 when unknown)
    options: list = field(default_factory=list)  # [(label, target)]
    problems: list = field(default_factory=list)  # [message]


@dataclass
class TreeOutline:
    """Every node of a tree in file order, plus the problems that belong to no single node."""

    nodes: list
    general: list
    start: str = ""

    @property
    def problem_count(self):
        """How many problems were found in all."""
        return len(self.general) + sum(len(node.problems) for node in self.nodes)


def _node_lines(text):
    """[line of each item under nodes:], from the YAML's own positions."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if getattr(key, "value", None) == "nodes" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _options(raw):
    """[(label, target)] of a raw node: a question's options, or a step's fixed / not fixed answers."""
    options = raw.get("options")
    if isinstance(options, list):
        return [(str(o.get("label", "")), str(o.get("next", ""))) for o in options if isinstance(o, dict)]
    return [(key.replace("_", " "), str(raw[key])) for key in ("fixed", "not_fixed") if key in raw]


def tree_outline(text):
    """The outline of a troubleshooter's YAML with every problem attached to its node."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        data = None
    problems = []
    try:
        if data is None:  # bad YAML (or none): load_tree words the error as the rest of the app does
            load_tree(text)
        else:
            parse_tree(data)
    except TreeError as exc:
        problems = exc.problems
    raw_nodes = data.get("nodes") if isinstance(data, dict) and isinstance(data.get("nodes"), list) else []
    lines = _node_lines(text)
    nodes, by_id = [], {}
    for number, raw in enumerate(raw_nodes):
        if not isinstance(raw, dict):
            continue
        node = OutlineNode(
            id=str(raw.get("id") or f"#{number + 1}"), type=str(raw.get("type") or "?"),
            text=plain_text(str(raw.get("text") or ""), 140), line=lines[number] if number < len(lines) else 0,
            options=_options(raw),
        )
        nodes.append(node)
        by_id.setdefault(node.id, node)
    general = []
    for problem in problems:
        node = by_id.get(problem.node) if problem.node else None
        (node.problems if node is not None else general).append(problem.message)
    start = str(data.get("start") or "") if isinstance(data, dict) else ""
    return TreeOutline(nodes=nodes, general=general, start=start or (nodes[0].id if nodes else ""))


def render_preview(kind, title, body, meta):
    """The preview fragment for the editor (HTML; Markdown sanitized as on the public site)."""
    if kind == "troubleshooter":
        return render_template("authoring/_preview.html", kind=kind, title=title, outline=tree_outline(body))
    if kind == "tutorial":
        return render_template("authoring/_preview.html", kind=kind, title=title,
                               tutorial=render_tutorial(body, title), facts=tutorial_facts(meta))
    rendered = render_markdown(body)
    return render_template("authoring/_preview.html", kind=kind, title=title,
                           body=Markup(rendered.html))  # sanitized by nh3 in render_markdown
