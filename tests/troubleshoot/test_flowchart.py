"""The SVG flowchart: valid XML, one box per node and one arrow per answer, escaped text, sane geometry."""
import re
import xml.etree.ElementTree as ET

import pytest

from app.troubleshoot.flowchart import render_svg
from app.troubleshoot.tree import load_tree, parse_tree
from tests.troubleshoot.test_tree import SAMPLE

SVG = "{http://www.w3.org/2000/svg}"


def question(node_id, *answers, text="Which one?"):
    return {"id": node_id, "type": "question", "text": text,
            "options": [{"label": label, "next": target} for label, target in answers]}


def solution(node_id, outcome="solved", text="Done."):
    return {"id": node_id, "type": "solution", "outcome": outcome, "text": text}


def big_tree(size=40):
    """A chain of questions, each with a way on, a shortcut, and every fifth a 'start over' back to the top."""
    nodes = []
    for i in range(size - 2):
        answers = [("Next", f"n{i + 1}"), ("Skip ahead", f"n{min(i + 2, size - 1)}")]
        if i % 5 == 4:
            answers.append(("Start over", "n0"))
        nodes.append(question(f"n{i}", *answers, text=f"Question number {i} " + "with a long text " * 5))
    nodes += [solution(f"n{size - 2}"), solution(f"n{size - 1}", "escalate")]
    return parse_tree({"nodes": nodes})


TREES = {
    "sample": lambda: load_tree(SAMPLE),
    "one-node": lambda: parse_tree({"nodes": [solution("only", text="Nothing to ask.")]}),
    "forty-nodes": big_tree,
    "wide-layer": lambda: parse_tree({"nodes": [
        question("pick", *[(f"Choice {i}", f"s{i}") for i in range(14)]),
        *[solution(f"s{i}", "solved" if i % 2 else "escalate") for i in range(14)],
    ]}),
    "self-loop": lambda: parse_tree({"nodes": [
        question("again", ("Not sure, ask me again", "again"), ("Done", "end")), solution("end"),
    ]}),
    "parallel-edges": lambda: parse_tree({"nodes": [
        question("ask", ("Yes", "end"), ("Of course", "end"), ("No", "help")),
        solution("end"), solution("help", "escalate"),
    ]}),
    "long-forward-edge": lambda: parse_tree({"nodes": [
        question("a", ("Deep", "b"), ("Straight to the end", "z")),
        question("b", ("On", "c"), ("Back", "a")),
        question("c", ("On", "z"), ("Back", "b")),
        solution("z"),
    ]}),
}


def parse(svg):
    return ET.fromstring(svg)


def node_groups(root):
    return [g for g in root.iter(f"{SVG}g") if g.get("class", "").split()[:1] == ["fc-node"]]


def edge_paths(root):
    return [p for p in root.iter(f"{SVG}path") if "fc-edge" in p.get("class", "").split()]


def texts(root):
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def view_box(root):
    x, y, width, height = (float(v) for v in root.get("viewBox").split())
    return x, y, width, height


@pytest.mark.parametrize("name", TREES)
def test_one_box_per_node_and_one_arrow_per_answer(name):
    tree = TREES[name]()
    root = parse(render_svg(tree))
    assert root.tag == f"{SVG}svg"
    assert sorted(g.get("data-node") for g in node_groups(root)) == sorted(tree.nodes)
    assert len(edge_paths(root)) == len(tree.edges())


@pytest.mark.parametrize("name", TREES)
def test_everything_lies_inside_the_view_box(name):
    root = parse(render_svg(TREES[name](), edge_counts={}, node_counts={}))
    x0, y0, width, height = view_box(root)
    assert (x0, y0) == (0, 0) and width > 0 and height > 0
    assert float(root.get("width")) == width and float(root.get("height")) == height
    for rect in root.iter(f"{SVG}rect"):
        x, y = float(rect.get("x")), float(rect.get("y"))
        assert 0 <= x and x + float(rect.get("width")) <= width
        assert 0 <= y and y + float(rect.get("height")) <= height
    for path in edge_paths(root):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]
        assert all(0 <= x <= width for x in numbers[0::2]), path.get("d")
        assert all(0 <= y <= height for y in numbers[1::2]), path.get("d")


def test_chart_is_labelled_for_screen_readers():
    root = parse(render_svg(load_tree(SAMPLE), title="Payment failed"))
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    labels = {element.get("id"): "".join(element.itertext()) for element in root.iter() if element.get("id") in ids}
    assert labels[ids[0]] == "Payment failed"
    assert "9 nodes" in labels[ids[1]]
    assert root.find(f"{SVG}defs/{SVG}marker") is not None


def test_boxes_are_classed_and_coloured_by_type():
    root = parse(render_svg(load_tree(SAMPLE)))
    classes = {g.get("data-node"): g.get("class") for g in node_groups(root)}
    assert classes["method"] == "fc-node fc-question fc-start"
    assert classes["card-check"] == "fc-node fc-step"
    assert classes["solved-card"] == "fc-node fc-solution fc-solved"
    assert classes["contact-billing"] == "fc-node fc-solution fc-escalate"
    fills = {g.get("data-node"): g.find(f"{SVG}rect").get("fill") for g in node_groups(root)}
    assert len({fills["method"], fills["card-check"], fills["solved-card"], fills["contact-billing"]}) == 4


def test_boxes_show_the_id_and_the_start_of_the_text_as_plain_text():
    root = parse(render_svg(load_tree(SAMPLE)))
    box = next(g for g in node_groups(root) if g.get("data-node") == "card-check")
    lines = ["".join(t.itertext()) for t in box.iter(f"{SVG}text")]
    assert lines[0] == "card-check"
    assert "Check the card's expiry date" in " ".join(lines)
    assert not any("**" in line for line in lines)
    assert all(len(line) <= 40 for line in lines)


def test_answers_and_counts_are_shown():
    tree = load_tree(SAMPLE)
    svg = render_svg(tree, edge_counts={("method", "card-check"): 42, ("method", "paypal-login"): 7},
                     node_counts={"method": 100, "card-check": 1})
    all_text = texts(parse(svg))
    assert "Card · 42" in all_text
    assert "PayPal · 7" in all_text
    assert "Bank transfer · 0" in all_text
    assert "100 visits" in all_text and "1 visit" in all_text and "0 visits" in all_text


def test_without_counts_labels_are_plain():
    root = parse(render_svg(load_tree(SAMPLE)))
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "fc-edge-label"]
    assert "Card" in labels and "Yes, that fixed it" in labels
    assert not any("·" in label for label in labels)
    assert not any("visit" in text for text in texts(root))


def test_thickest_edge_is_the_busiest():
    svg = render_svg(load_tree(SAMPLE), edge_counts={("method", "card-check"): 42, ("method", "paypal-login"): 7})
    groups = [g for g in parse(svg).iter(f"{SVG}g") if "fc-edge-group" in g.get("class", "")]
    width = {(g.get("data-from"), g.get("data-to")): float(g.find(f"{SVG}path").get("stroke-width")) for g in groups}
    assert width[("method", "card-check")] > width[("method", "paypal-login")] > width[("method", "bank-wait")]


def test_long_labels_are_truncated():
    tree = parse_tree({"nodes": [question("a", ("A very long answer that goes on and on", "b"), ("Short", "b")),
                                 solution("b")]})
    all_text = texts(parse(render_svg(tree)))
    assert any(text.startswith("A very long answer") and text.endswith("…") and len(text) <= 24 for text in all_text)


def test_hostile_text_is_escaped():
    tree = parse_tree({"nodes": [
        question("a", ("<script>x</script>", "b"), ("Tom & Jerry \"quoted\"", "b"),
                 text="<script>alert('x')</script> & <b>bold</b> \x07"),
        solution("b", text="</text></svg><script>evil()</script>"),
    ]})
    svg = render_svg(tree, title="<Payments> & \"refunds\"")
    root = parse(svg)
    assert not any(element.tag.endswith("script") for element in root.iter())
    all_text = texts(root)
    assert "<script>x</script>" in all_text
    assert "Tom & Jerry \"quoted\"" in all_text
    assert root.find(f"{SVG}title").text == "<Payments> & \"refunds\""


def test_try_again_loops_are_drawn_as_back_edges():
    root = parse(render_svg(load_tree(SAMPLE)))
    back = [g for g in root.iter(f"{SVG}g") if "fc-back" in g.get("class", "").split()]
    assert [(g.get("data-from"), g.get("data-to")) for g in back] == [("other-card", "card-check")]
    assert "fc-back" in back[0].find(f"{SVG}path").get("class")


def test_self_loop_is_a_back_edge():
    root = parse(render_svg(TREES["self-loop"]()))
    back = [g for g in root.iter(f"{SVG}g") if "fc-back" in g.get("class", "").split()]
    assert [(g.get("data-from"), g.get("data-to")) for g in back] == [("again", "again")]


def test_layers_go_down_from_the_start():
    root = parse(render_svg(load_tree(SAMPLE)))
    top = {g.get("data-node"): float(g.find(f"{SVG}rect").get("y")) for g in node_groups(root)}
    assert top["method"] < top["card-check"] == top["paypal-login"] == top["bank-wait"] < top["other-card"]


def test_boxes_do_not_overlap_in_a_wide_layer():
    root = parse(render_svg(TREES["wide-layer"]()))
    rects = sorted((float(g.find(f"{SVG}rect").get("x")), float(g.find(f"{SVG}rect").get("y")),
                    float(g.find(f"{SVG}rect").get("width"))) for g in node_groups(root))
    row = [r for r in rects if r[1] == rects[-1][1]]
    assert len(row) == 14
    assert all(a[0] + a[2] < b[0] for a, b in zip(row, row[1:]))


def test_output_is_deterministic():
    assert render_svg(big_tree()) == render_svg(big_tree())
