"""A troubleshooter as a numbered checklist for paper: every node gets a number and every answer says where to go."""
from dataclasses import dataclass

from app.troubleshoot.tree import FIXED_LABEL

KIND_LABELS = {"question": "Question", "step": "Try this", "solution": "Solution"}


@dataclass(frozen=True)
class Branch:
    """One answer: its label and the number of the item it leads to."""

    label: str
    target: str  # node id
    number: int
    fixed: bool = False  # the "that fixed it" answer of a step


@dataclass(frozen=True)
class Item:
    """A numbered node of the checklist."""

    number: int
    id: str
    type: str
    text: str  # Markdown
    branches: tuple
    outcome: str = ""
    articles: tuple = ()

    @property
    def kind_label(self):
        """Question, Try this, or Solution."""
        return KIND_LABELS[self.type]


def reading_order(tree):
    """Node ids depth first from the start, following answers in order, so a branch reads on from its question."""
    order, seen, stack = [], set(), [tree.start]
    while stack:
        node_id = stack.pop()
        if node_id in seen or tree.node(node_id) is None:
            continue
        seen.add(node_id)
        order.append(node_id)
        stack.extend(reversed([option.target for option in tree.node(node_id).options]))
    # A checked tree has no unreachable node; an unchecked one still prints every node.
    return order + [node_id for node_id in tree.nodes if node_id not in seen]


def checklist(tree):
    """The tree's nodes as numbered Items in reading order, each answer pointing at an item number."""
    order = reading_order(tree)
    numbers = {node_id: number for number, node_id in enumerate(order, start=1)}
    items = []
    for node_id in order:
        node = tree.node(node_id)
        branches = tuple(
            Branch(label=option.label, target=option.target, number=numbers[option.target],
                   fixed=node.type == "step" and option.label == FIXED_LABEL)
            for option in node.options if option.target in numbers
        )
        items.append(Item(number=numbers[node_id], id=node_id, type=node.type, text=node.text, branches=branches,
                          outcome=node.outcome, articles=tuple(node.articles)))
    return items
