"""A decision tree drawn as a standalone SVG flowchart: layered layout computed here, no graph library."""
import hashlib
import html
import math
import re
import textwrap
from collections import deque
from dataclasses import dataclass, field

from app.core.markdown import plain_text

BOX_W, BOX_H = 220, 94
DUMMY_W = 24  # slot kept in a layer for an edge passing through it, so it does not cut through a box
H_GAP, V_GAP = 48, 104
LANE_GAP, LANE_STEP = 28, 14  # back edges run in lanes beside the chart
MARGIN = 16
LABEL_CHARS, TEXT_CHARS, LINE_CHARS, ID_CHARS = 24, 60, 32, 22
CHAR_W = 6.2  # rough width of one 11px character, to size label backgrounds
CORNER = 10
STYLES = {  # kind -> (fill, stroke, corner radius, badge)
    "question": ("#e8f0fe", "#3367d6", 4, "question"),
    "step": ("#fff8e1", "#b06f00", 4, "step"),
    "solved": ("#e6f4ea", "#1e8e3e", 22, "solved"),
    "escalate": ("#fce8e6", "#c5221f", 22, "escalate"),
}
EDGE_COLOR, BACK_COLOR = "#5f6368", "#8e44ad"
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Box:
    """Where one layer item (a node, or a slot an edge passes through) is drawn."""

    x: float
    y: float
    w: float

    @property
    def cx(self):
        return self.x + self.w / 2


@dataclass
class EdgeShape:
    """An edge ready to draw: its path, whether it goes back up, and where its label sits."""

    source: str
    target: str
    label: str
    back: bool
    points: list = field(default_factory=list)
    label_at: tuple = (0.0, 0.0)
    count: int | None = None  # times this answer was taken, when counts are known

    @property
    def caption(self):
        """The label as drawn: truncated, with the count after it."""
        count = "" if self.count is None else f" · {self.count}"
        return _truncate(self.label, LABEL_CHARS) + count


def _loop_edges(tree, edges):
    """Indices of the edges that close a loop: depth-first from the start, an edge back to a node on the path."""
    outgoing = {node_id: [] for node_id in tree.nodes}
    for index, (source, target, _) in enumerate(edges):
        outgoing[source].append((index, target))
    loops, state = set(), {}  # state: 1 while on the current path, 2 once finished
    roots = [tree.start] if tree.start in tree.nodes else []
    for root in roots + list(tree.nodes):
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(outgoing[root]))]  # explicit stack: a long chain must not hit the recursion limit
        while stack:
            node_id, pending = stack[-1]
            for index, target in pending:
                if state.get(target) == 1:
                    loops.add(index)
                elif target not in state:
                    state[target] = 1
                    stack.append((target, iter(outgoing[target])))
                    break
            else:
                state[node_id] = 2
                stack.pop()
    return loops


def _layers(tree, edges, loops):
    """Layer of every node: the longest path to it once loops are cut, so every other edge points down."""
    layer = {node_id: 0 for node_id in tree.nodes}
    incoming = {node_id: 0 for node_id in tree.nodes}
    outgoing = {node_id: [] for node_id in tree.nodes}
    for index, (source, target, _) in enumerate(edges):
        if index not in loops:
            incoming[target] += 1
            outgoing[source].append(target)
    ready = deque(node_id for node_id in tree.nodes if not incoming[node_id])
    while ready:
        node_id = ready.popleft()
        for target in outgoing[node_id]:
            layer[target] = max(layer[target], layer[node_id] + 1)
            incoming[target] -= 1
            if not incoming[target]:
                ready.append(target)
    return layer


def _mean_position(item, fallback, neighbours, position):
    linked = [position[n] for n in neighbours[item] if n in position]
    return sum(linked) / len(linked) if linked else fallback


def _order(rows, up, down):
    """Reorder each layer by the mean position of its neighbours (down, up, down) to reduce crossings."""
    passes = [(range(1, len(rows)), up, -1), (range(len(rows) - 2, -1, -1), down, 1), (range(1, len(rows)), up, -1)]
    for indices, neighbours, step in passes:
        for index in indices:
            position = {item: i for i, item in enumerate(rows[index + step])}
            means = {item: _mean_position(item, i, neighbours, position) for i, item in enumerate(rows[index])}
            rows[index] = sorted(rows[index], key=means.__getitem__)  # stable: ties keep their order


def _layout(tree):
    """Layers, drawable edges, their chains of slots, and the boxes of nodes and slots; plus the chart width."""
    edges = [(source, option.target, option.label) for source, node in tree.nodes.items()
             for option in node.options if option.target in tree.nodes]
    layer = _layers(tree, edges, _loop_edges(tree, edges))
    rows = [[] for _ in range(max(layer.values()) + 1)]
    for node_id in sorted(tree.nodes, key=lambda n: layer[n]):  # stable: file order within a layer
        rows[layer[node_id]].append(node_id)
    up, down, chains = {}, {}, {}
    for index, (source, target, _) in enumerate(edges):
        if layer[target] <= layer[source]:
            continue
        chain = [source, *[("slot", index, depth) for depth in range(layer[source] + 1, layer[target])], target]
        for item in chain[1:-1]:
            rows[item[2]].append(item)
        for upper, lower in zip(chain, chain[1:]):
            down.setdefault(upper, []).append(lower)
            up.setdefault(lower, []).append(upper)
        chains[index] = chain
    for items in rows:
        for item in items:
            up.setdefault(item, [])
            down.setdefault(item, [])
    _order(rows, up, down)

    widths = [sum(BOX_W if isinstance(i, str) else DUMMY_W for i in items) + H_GAP * (len(items) - 1)
              for items in rows]
    boxes = {}
    for depth, items in enumerate(rows):
        x = (max(widths) - widths[depth]) / 2
        for item in items:
            w = BOX_W if isinstance(item, str) else DUMMY_W
            boxes[item] = Box(x, depth * (BOX_H + V_GAP), w)
            x += w + H_GAP
    return layer, edges, chains, boxes, max(widths)


def _ports(edges, boxes, chains, side_of):
    """x of each edge's start (bottom of its source) and end (top of its target), spread over the box."""
    def spread(end, neighbour):
        # Back edges sit on the side of their lane; the others in the order of the box at their other end.
        def key(index):
            if index in side_of:
                return math.inf * side_of[index]
            return boxes[chains[index][neighbour]].cx

        ports, by_node = {}, {}
        for index, edge in enumerate(edges):
            by_node.setdefault(edge[end], []).append(index)
        for node_id, indices in by_node.items():
            indices.sort(key=key)
            box = boxes[node_id]
            for rank, index in enumerate(indices):
                ports[index] = box.x + box.w * (rank + 1) / (len(indices) + 1)
        return ports

    return spread(0, 1), spread(1, -2)


def _shapes(tree):
    """Layout plus edge shapes: forward edges curve down through their slots, back edges use side lanes."""
    layer, edges, chains, boxes, width = _layout(tree)
    back = [i for i in range(len(edges)) if i not in chains]
    side_of = {i: 1 if boxes[edges[i][0]].cx >= width / 2 else -1 for i in back}
    out_x, in_x = _ports(edges, boxes, chains, side_of)
    shapes, lanes, fanned, below, above = [], {1: 0, -1: 0}, {}, {}, {}
    fan_out, fan_in = {}, {}
    for chain in chains.values():
        fan_out[chain[0]] = fan_out.get(chain[0], 0) + 1
        fan_in[chain[1]] = fan_in.get(chain[1], 0) + 1
    for index, (source, target, label) in enumerate(edges):
        start = (out_x[index], boxes[source].y + BOX_H)
        end = (in_x[index], boxes[target].y)
        shape = EdgeShape(source, target, label, back=index not in chains)
        if index in chains:
            shape.points = [start]
            for slot in chains[index][1:-1]:
                shape.points += [(boxes[slot].cx, boxes[slot].y), (boxes[slot].cx, boxes[slot].y + BOX_H)]
            shape.points.append(end)
            nxt = shape.points[1]
            stagger = 8 * (len(fanned.setdefault(source, [])) % 2)  # siblings' labels take turns up and down
            fanned[source].append(index)
            shape.label_at = _along(start, nxt, _label_position(fan_out[source], fan_in[chains[index][1]]))
            shape.label_at = (shape.label_at[0], shape.label_at[1] + stagger)
        else:
            side = side_of[index]
            lane = (width + LANE_GAP if side > 0 else -LANE_GAP) + side * LANE_STEP * lanes[side]
            lanes[side] += 1
            low = start[1] + 14 + 9 * (len(below.setdefault(layer[source], [])) % 4)
            below[layer[source]].append(index)
            high = end[1] - 14 - 9 * (len(above.setdefault(layer[target], [])) % 4)
            above[layer[target]].append(index)
            shape.points = [start, (start[0], low), (lane, low), (lane, high), (end[0], high), end]
            shape.label_at = ((start[0] + lane) / 2, low + 4)
        shapes.append(shape)
    return boxes, shapes


def _label_position(fan_out, fan_in):
    """How far along an edge's first curve its label goes: where the edges around it have spread apart."""
    if fan_out >= 3 and fan_in < 3:
        return 0.75  # many answers leave one box: they are far apart only near their targets
    if fan_in >= 3 and fan_out < 3:
        return 0.3  # many answers arrive at one box: they are far apart only near their sources
    return 0.5


def _along(start, end, t):
    """Point at t (0..1) on the curve drawn from start down to end (vertical control points, see _path_data)."""
    ease = 3 * t * t - 2 * t * t * t
    return start[0] + (end[0] - start[0]) * ease, start[1] + (end[1] - start[1]) * t


def _num(value):
    """A coordinate with at most one decimal and never in exponent form."""
    value = round(value, 1)
    return f"{value:.1f}".rstrip("0").rstrip(".") if value else "0"  # 'if value' also turns -0.0 into 0


def _xml(value):
    """Text safe inside an element or a double-quoted attribute, with characters XML forbids removed."""
    return html.escape(_NOT_XML.sub("", str(value)), quote=True)


def _truncate(text, limit):
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _path_data(shape, dx, dy):
    """SVG path data: cubic curves between layers for forward edges, rounded corners for back edges."""
    points = [(x + dx, y + dy) for x, y in shape.points]
    parts = [f"M{_num(points[0][0])} {_num(points[0][1])}"]
    if not shape.back:
        for (x1, y1), (x2, y2) in zip(points, points[1:]):
            if x1 == x2:
                parts.append(f"L{_num(x2)} {_num(y2)}")
            else:
                middle = (y1 + y2) / 2
                parts.append(f"C{_num(x1)} {_num(middle)} {_num(x2)} {_num(middle)} {_num(x2)} {_num(y2)}")
        return " ".join(parts)
    for before, corner, after in zip(points, points[1:], points[2:]):
        radius = min(CORNER, _distance(before, corner) / 2, _distance(corner, after) / 2)
        (ax, ay), (bx, by) = _toward(corner, before, radius), _toward(corner, after, radius)
        parts.append(f"L{_num(ax)} {_num(ay)} Q{_num(corner[0])} {_num(corner[1])} {_num(bx)} {_num(by)}")
    parts.append(f"L{_num(points[-1][0])} {_num(points[-1][1])}")
    return " ".join(parts)


def _distance(a, b):
    return abs(a[0] - b[0]) + abs(a[1] - b[1])  # segments are horizontal or vertical


def _toward(corner, point, radius):
    """The point radius away from corner in the direction of point."""
    length = _distance(corner, point) or 1
    return corner[0] + (point[0] - corner[0]) * radius / length, corner[1] + (point[1] - corner[1]) * radius / length


def _kind(node):
    return node.outcome if node.type == "solution" and node.outcome in STYLES else node.type


def _node_svg(node, box, dx, dy, visits, is_start):
    """One node: a coloured box with its id, type, the start of its text and its visits."""
    fill, stroke, radius, badge = STYLES.get(_kind(node), STYLES["step"])
    x, y = box.x + dx, box.y + dy
    text = plain_text(node.text, limit=TEXT_CHARS)
    lines = textwrap.wrap(text, LINE_CHARS)[:3] or [""]
    if len(textwrap.wrap(text, LINE_CHARS)) > 3:
        lines[-1] = _truncate(lines[-1] + " …", LINE_CHARS)
    classes = f"fc-node fc-{node.type}" + (f" fc-{node.outcome}" if node.type == "solution" else "")
    classes += " fc-start" if is_start else ""
    out = [
        f'<g class="{classes}" data-node="{_xml(node.id)}">',
        f"<title>{_xml(node.id)} ({badge}): {_xml(plain_text(node.text, limit=300))}</title>",
        f'<rect x="{_num(x)}" y="{_num(y)}" width="{BOX_W}" height="{BOX_H}" rx="{radius}" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="{3 if is_start else 1.5}"/>',
        f'<text x="{_num(x + 10)}" y="{_num(y + 18)}" font-size="12" font-weight="bold" fill="#202124">'
        f"{_xml(_truncate(node.id, ID_CHARS))}</text>",
        f'<text x="{_num(x + BOX_W - 10)}" y="{_num(y + 18)}" font-size="10" text-anchor="end" '
        f'fill="{stroke}">{"start · " if is_start else ""}{badge}</text>',
    ]
    for number, line in enumerate(lines):
        out.append(f'<text x="{_num(x + 10)}" y="{_num(y + 37 + 15 * number)}" font-size="11" '
                   f'fill="#3c4043">{_xml(line)}</text>')
    if visits is not None:
        out.append(f'<text class="fc-visits" x="{_num(x + 10)}" y="{_num(y + BOX_H - 9)}" font-size="11" '
                   f'font-weight="bold" fill="{stroke}">{visits} visit{"" if visits == 1 else "s"}</text>')
    out.append("</g>")
    return "\n".join(out)


def _edge_svg(shape, dx, dy, prefix, max_count):
    """One edge: its path with an arrowhead and its label (with the count when known) on a light backing."""
    color = BACK_COLOR if shape.back else EDGE_COLOR
    width = 1.5 + 4.5 * shape.count / max_count if shape.count is not None and max_count else 1.5
    lx, ly = shape.label_at[0] + dx, shape.label_at[1] + dy
    label_w = _label_width(shape)
    kind = "fc-back" if shape.back else "fc-forward"
    dash = ' stroke-dasharray="6 3"' if shape.back else ""
    return "\n".join([
        f'<g class="fc-edge-group {kind}" data-from="{_xml(shape.source)}" data-to="{_xml(shape.target)}">',
        f"<title>{_xml(shape.source)} → {_xml(shape.target)}: {_xml(shape.caption)}</title>",
        f'<path class="fc-edge {kind}" d="{_path_data(shape, dx, dy)}" fill="none" stroke="{color}" '
        f'stroke-width="{_num(width)}"{dash} marker-end="url(#{prefix}-{"back" if shape.back else "arrow"})"/>',
        f'<rect x="{_num(lx - label_w / 2)}" y="{_num(ly - 9)}" width="{_num(label_w)}" height="13" rx="3" '
        f'fill="#ffffff" fill-opacity="0.85"/>',
        f'<text class="fc-edge-label" x="{_num(lx)}" y="{_num(ly + 1)}" font-size="11" text-anchor="middle" '
        f'fill="{color}">{_xml(shape.caption)}</text>',
        "</g>",
    ])


def _label_width(shape):
    return len(shape.caption) * CHAR_W + 8


def _bounds(boxes, shapes):
    """(min_x, min_y, max_x, max_y) of everything drawn, label backings included."""
    xs, ys = [], []
    for box in boxes.values():
        xs += [box.x, box.x + box.w]
        ys += [box.y, box.y + BOX_H]
    for shape in shapes:
        xs += [x for x, _ in shape.points]
        ys += [y for _, y in shape.points]
        half = _label_width(shape) / 2
        xs += [shape.label_at[0] - half, shape.label_at[0] + half]
        ys += [shape.label_at[1] - 9, shape.label_at[1] + 4]
    return min(xs), min(ys), max(xs), max(ys)


def render_svg(tree, edge_counts=None, node_counts=None, title=""):
    """Standalone, accessible SVG of the tree; counts ({(from, to): n}, {id: n}) label edges and nodes."""
    boxes, shapes = _shapes(tree)
    if edge_counts is not None:
        for shape in shapes:
            shape.count = edge_counts.get((shape.source, shape.target), 0)
    max_count = max((shape.count or 0 for shape in shapes), default=0)
    min_x, min_y, max_x, max_y = _bounds(boxes, shapes)
    dx, dy = MARGIN - min_x, MARGIN - min_y
    width, height = max_x - min_x + 2 * MARGIN, max_y - min_y + 2 * MARGIN
    # Ids must differ between two different charts inlined in one page; equal charts may share them.
    prefix = "fc-" + hashlib.sha1(f"{title}\n{'|'.join(tree.nodes)}".encode()).hexdigest()[:8]
    name = title or "Troubleshooting flowchart"
    description = (f"{len(tree.nodes)} nodes and {len(shapes)} answers, starting at {tree.start}. "
                   f"Solid arrows lead on; dashed arrows go back to an earlier step.")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fc-chart" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" width="{_num(width)}" height="{_num(height)}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">',
        f'<title id="{prefix}-title">{_xml(name)}</title>',
        f'<desc id="{prefix}-desc">{_xml(description)}</desc>',
        "<defs>",
    ]
    for marker, color in (("arrow", EDGE_COLOR), ("back", BACK_COLOR)):
        out.append(f'<marker id="{prefix}-{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" '
                   f'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
                   f'<path d="M0 0 L10 5 L0 10 z" fill="{color}"/></marker>')
    out.append("</defs>")
    out.append('<g class="fc-edges">')
    for shape in shapes:
        out.append(_edge_svg(shape, dx, dy, prefix, max_count))
    out.append("</g>")
    out.append('<g class="fc-nodes">')
    for node_id, node in tree.nodes.items():
        visits = node_counts.get(node_id, 0) if node_counts is not None else None
        out.append(_node_svg(node, boxes[node_id], dx, dy, visits, node_id == tree.start))
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
