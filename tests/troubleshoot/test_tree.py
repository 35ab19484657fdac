"""Decision trees: parsing, every problem a writer can make, round trips, replaying a path, search text."""
import textwrap

import pytest
import yaml

from app.troubleshoot.tree import (
    FIXED_LABEL,
    MAX_TRAIL,
    NOT_FIXED_LABEL,
    Node,
    Option,
    Problem,
    Tree,
    TreeError,
    answer_between,
    dump_tree,
    load_tree,
    parse_tree,
    replay,
    search_text,
    tree_data,
    validate,
)

SAMPLE = textwrap.dedent("""\
    start: method
    nodes:
      - id: method
        type: question
        text: "## How were you paying?\\n\\nPick the **method** you used at [checkout](https://example.com/pay)."
        options:
          - label: Card
            next: card-check
          - label: PayPal
            next: paypal-login
          - label: Bank transfer
            next: bank-wait
      - id: card-check
        type: step
        text: |
          Check the card's **expiry date** and the `CVC` code.

          * Is 3-D Secure switched on?
          * Is there enough _credit_ left?
        fixed: solved-card
        not_fixed: other-card
      - id: other-card
        type: question
        text: Do you have another card you could try?
        options:
          - label: Yes, try it
            next: card-check
          - label: No other card
            next: contact-billing
      - id: paypal-login
        type: step
        text: Log in to PayPal and confirm the payment is not *pending*.
        fixed: solved-paypal
        not_fixed: contact-billing
      - id: bank-wait
        type: step
        text: Bank transfers take up to three working days.
        fixed: solved-bank
        not_fixed: contact-billing
      - id: solved-card
        type: solution
        outcome: solved
        text: Great, the card payment went through.
        articles: [payment-methods]
      - id: solved-paypal
        type: solution
        outcome: solved
        text: Your PayPal payment is complete.
      - id: solved-bank
        type: solution
        outcome: solved
        text: The transfer arrived.
        articles: [bank-transfers, payment-methods]
      - id: contact-billing
        type: solution
        outcome: escalate
        text: Contact our billing team with your order number.
""")


def small_nodes():
    """A valid four-node tree that each broken case below changes in one way."""
    return [
        {"id": "ask", "type": "question", "text": "Is it plugged in?",
         "options": [{"label": "Yes", "next": "done"}, {"label": "No", "next": "plug"},
                     {"label": "I give up", "next": "help"}]},
        {"id": "plug", "type": "step", "text": "Plug it in.", "fixed": "done", "not_fixed": "help"},
        {"id": "done", "type": "solution", "outcome": "solved", "text": "Good."},
        {"id": "help", "type": "solution", "outcome": "escalate", "text": "Contact us."},
    ]


def edit(index, drop=(), **values):
    """A change to node #index+1 of small_nodes: keys dropped, keys set."""
    def change(data):
        node = data["nodes"][index]
        for key in drop:
            del node[key]
        node.update(values)
    return change


def replace_node(index, node):
    def change(data):
        data["nodes"][index] = node
    return change


def add_node(node):
    def change(data):
        data["nodes"].append(node)
    return change


def set_data(**values):
    def change(data):
        data.update(values)
    return change


def steps(*changes):
    def change(data):
        for one in changes:
            one(data)
    return change


def spin_step():
    """A step that only ever leads back to itself, reachable from the first question."""
    return steps(
        edit(0, options=[{"label": "Yes", "next": "done"}, {"label": "No", "next": "plug"},
                         {"label": "I give up", "next": "help"}, {"label": "Maybe", "next": "spin"}]),
        add_node({"id": "spin", "type": "step", "text": "Spin.", "fixed": "spin", "not_fixed": "spin"}),
    )


def problems_of(change):
    data = {"nodes": small_nodes()}
    change(data)
    with pytest.raises(TreeError) as caught:
        parse_tree(data)
    return caught.value.problems


@pytest.mark.parametrize(
    ("change", "node", "keywords"),
    [
        pytest.param(set_data(nodes=None), None, ["no nodes"], id="nodes-missing"),
        pytest.param(set_data(nodes={"ask": {}}), None, ["must be a list"], id="nodes-not-a-list"),
        pytest.param(set_data(nodes=[]), None, ["empty"], id="nodes-empty"),
        pytest.param(add_node("just some text"), None, ["Node #5", "not a mapping"], id="node-not-a-mapping"),
        pytest.param(add_node({"type": "solution", "outcome": "solved", "text": "x"}), None, ["Node #5", "no id"],
                     id="id-missing"),
        pytest.param(add_node({"id": "Card Check", "type": "solution", "outcome": "solved", "text": "x"}),
                     "Card Check", ["Node #5", "malformed id", '"Card Check"'], id="id-malformed"),
        pytest.param(add_node({"id": "x" * 61, "type": "solution", "outcome": "solved", "text": "x"}),
                     "x" * 61, ["malformed id", "60 characters"], id="id-too-long"),
        pytest.param(add_node({"id": "help", "type": "solution", "outcome": "solved", "text": "Again."}),
                     "help", ['"help"', "appears twice"], id="duplicate-id"),
        pytest.param(edit(2, type="solutin"), "done", ['"done"', 'unknown type "solutin"', "question, step, solution"],
                     id="unknown-type"),
        pytest.param(edit(2, drop=["type"]), "done", ['"done"', "no type"], id="type-missing"),
        pytest.param(edit(1, text="   "), "plug", ['"plug"', "empty text"], id="empty-text"),
        pytest.param(edit(1, drop=["text"]), "plug", ['"plug"', "empty text"], id="text-missing"),
        pytest.param(edit(0, options=[]), "ask", ['"ask"', "empty options"], id="question-empty-options"),
        pytest.param(edit(0, drop=["options"]), "ask", ['"ask"', "empty options"], id="question-no-options"),
        pytest.param(edit(0, options=[{"label": "Yes", "next": "done"}]), "ask", ['"ask"', "only 1 option"],
                     id="question-one-option"),
        pytest.param(edit(0, options=["done", {"label": "No", "next": "plug"}]), "ask",
                     ['"ask"', "option #1", "not a mapping"], id="option-not-a-mapping"),
        pytest.param(edit(0, options=[{"next": "done"}, {"label": "No", "next": "plug"}]), "ask",
                     ['"ask"', "option #1", "no label"], id="option-without-label"),
        pytest.param(edit(0, options=[{"label": "Yes"}, {"label": "No", "next": "plug"}]), "ask",
                     ['"ask"', 'option "Yes"', "no next"], id="option-without-next"),
        pytest.param(edit(1, drop=["fixed"]), "plug", ['"plug"', "no fixed"], id="step-without-fixed"),
        pytest.param(edit(1, drop=["not_fixed"]), "plug", ['"plug"', "no not_fixed"], id="step-without-not-fixed"),
        pytest.param(replace_node(1, {"id": "plug", "type": "step", "text": "Plug it in.",
                                      True: "done", False: "help"}),
                     "plug", ['"plug"', "yes:/no:", "fixed: and not_fixed:"], id="step-with-yes-no"),
        pytest.param(edit(2, drop=["outcome"]), "done", ['"done"', "no outcome", "solved, escalate"],
                     id="solution-without-outcome"),
        pytest.param(edit(2, outcome="fixed"), "done", ['"done"', 'unknown outcome "fixed"'],
                     id="solution-unknown-outcome"),
        pytest.param(edit(2, articles="payment-methods"), "done", ['"done"', "articles", "list"],
                     id="articles-not-a-list"),
        pytest.param(edit(2, articles=["ok", 3]), "done", ['"done"', "articles"], id="articles-not-strings"),
        pytest.param(set_data(start="begin"), None, ['start node "begin"', "does not exist"], id="start-unknown"),
        pytest.param(edit(1, not_fixed="hlep"), "plug", ['"plug"', "not_fixed", 'unknown node "hlep"'],
                     id="step-unknown-target"),
        pytest.param(edit(0, options=[{"label": "Yes", "next": "dnoe"}, {"label": "No", "next": "plug"}]), "ask",
                     ['"ask"', 'option "Yes"', 'unknown node "dnoe"'], id="option-unknown-target"),
        pytest.param(add_node({"id": "orphan", "type": "solution", "outcome": "solved", "text": "Lost."}),
                     "orphan", ['"orphan"', "unreachable", 'start node "ask"'], id="unreachable-node"),
        pytest.param(spin_step(), "spin", ['"spin"', "never reaches a solution", 'loops back (through "spin")'],
                     id="self-loop-without-exit"),
        pytest.param(steps(edit(2, type="step", fixed="help", not_fixed="help", drop=["outcome"]),
                           edit(3, type="question", options=[{"label": "A", "next": "done"},
                                                             {"label": "B", "next": "ask"}], drop=["outcome"])),
                     None, ["no solution node"], id="no-solution-at-all"),
    ],
)
def test_broken_tree_reports_the_node_and_the_problem(change, node, keywords):
    problems = problems_of(change)
    assert len(problems) == 1, problems
    assert problems[0].node == node
    for keyword in keywords:
        assert keyword in problems[0].message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(edit(0, options=[{"label": "Yes", "next": "done"}, {"label": "No", "next": "plgu"},
                                      {"label": "I give up", "next": "help"}]),
                     [("ask", "unknown node"), ("plug", "unreachable")], id="typo-also-orphans-its-target"),
        pytest.param(steps(edit(0, text=""), edit(2, outcome="maybe"), edit(3, drop=["id"])),
                     [(None, "Node #4 has no id"), ("ask", "empty text"), ("done", "unknown outcome"),
                      ("ask", 'unknown node "help"'), ("plug", 'unknown node "help"')],
                     id="several-structural-problems"),
        pytest.param(steps(spin_step(), add_node({"id": "lost", "type": "solution", "outcome": "solved", "text": "x"})),
                     [("lost", "unreachable"), ("spin", "never reaches")], id="graph-problems-together"),
        pytest.param(steps(edit(1, type="stpe"),
                           add_node({"id": "ask", "type": "solution", "outcome": "solved", "text": "again"})),
                     [("ask", "appears twice"), ("plug", "unknown type")], id="no-cascade-from-unreadable-node"),
    ],
)
def test_every_problem_is_reported_once(change, expected):
    problems = problems_of(change)
    found = [(node, keyword) for p in problems for node, keyword in expected if p.node == node and keyword in p.message]
    assert sorted(found, key=repr) == sorted(expected, key=repr), problems
    assert len(problems) == len(expected), problems


def test_a_loop_without_exit_names_the_nodes_in_it():
    data = {"nodes": [
        {"id": "s", "type": "question", "text": "Start?",
         "options": [{"label": "Try", "next": "a"}, {"label": "Done", "next": "end"}]},
        {"id": "a", "type": "step", "text": "Try this.", "fixed": "b", "not_fixed": "b"},
        {"id": "b", "type": "question", "text": "And now?",
         "options": [{"label": "Again", "next": "a"}, {"label": "Once more", "next": "a"}]},
        {"id": "end", "type": "solution", "outcome": "solved", "text": "Done."},
    ]}
    with pytest.raises(TreeError) as caught:
        parse_tree(data)
    assert caught.value.problems == [Problem(
        "a", 'Node "a" never reaches a solution: every path from it loops back (through "a", "b").')]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(edit(1, not_fixed="plug"), id="step-retried-until-fixed"),
        pytest.param(edit(1, not_fixed="ask"), id="back-to-the-first-question"),
        pytest.param(edit(0, options=[{"label": "Yes", "next": "done"}, {"label": "Not sure", "next": "ask"},
                                      {"label": "No", "next": "plug"}, {"label": "Stop", "next": "help"}]),
                     id="question-asked-again"),
    ],
)
def test_loops_with_an_exit_are_fine(change):
    data = {"nodes": small_nodes()}
    change(data)
    assert validate(parse_tree(data)) == []


def test_sample_tree_parses_in_file_order():
    tree = load_tree(SAMPLE)
    assert tree.start == "method"
    assert list(tree.nodes)[:3] == ["method", "card-check", "other-card"]
    assert len(tree.nodes) == 9
    assert tree.node("card-check").options == [Option(FIXED_LABEL, "solved-card"),
                                               Option(NOT_FIXED_LABEL, "other-card")]
    assert tree.node("solved-bank").articles == ["bank-transfers", "payment-methods"]
    assert tree.node("contact-billing").outcome == "escalate"
    assert tree.node("nope") is None
    assert tree.edges()[:2] == [("method", "card-check", "Card"), ("method", "paypal-login", "PayPal")]
    assert [node.id for node in tree.solutions()] == ["solved-card", "solved-paypal", "solved-bank", "contact-billing"]


def test_start_defaults_to_the_first_node():
    assert parse_tree({"nodes": small_nodes()}).start == "ask"
    assert parse_tree({"start": None, "nodes": small_nodes()}).start == "ask"


def test_unquoted_yes_label_reads_as_yes():
    tree = load_tree("nodes:\n"
                     "  - {id: a, type: question, text: Q, options: [{label: Yes, next: b}, {label: no, next: b}]}\n"
                     "  - {id: b, type: solution, outcome: solved, text: S}\n")
    assert [option.label for option in tree.node("a").options] == ["Yes", "No"]


def test_step_written_with_yes_and_no_gets_a_hint():
    text = "nodes:\n  - id: a\n    type: step\n    text: Try.\n    yes: b\n    no: b\n" \
           "  - {id: b, type: solution, outcome: solved, text: S}\n"
    with pytest.raises(TreeError, match="write fixed: and not_fixed: instead"):
        load_tree(text)


def test_error_message_joins_every_problem():
    error = TreeError([Problem("a", "First."), Problem(None, "Second.")])
    assert str(error) == "First.; Second."
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        pytest.param("nodes:\n  - id: a\n   type: step\n", "Bad YAML at line 3", id="bad-indent"),
        pytest.param("nodes: [a, b\n", "Bad YAML at line", id="unclosed-list"),
        pytest.param("- id: a\n", "mapping", id="list-at-top"),
        pytest.param("", "mapping", id="empty-file"),
    ],
)
def test_load_tree_rejects_text_that_is_not_a_tree(text, keyword):
    with pytest.raises(TreeError) as caught:
        load_tree(text)
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].node is None
    assert keyword in caught.value.problems[0].message


def test_dump_round_trips_and_is_stable():
    tree = load_tree(SAMPLE)
    text = dump_tree(tree)
    assert load_tree(text) == tree
    assert dump_tree(load_tree(text)) == text
    assert parse_tree(tree_data(tree)) == tree
    assert "text: |" in text  # multi-line text stays a literal block
    assert "fixed: solved-card" in text and "yes:" not in text


@pytest.mark.parametrize(
    "text",
    ["yes", "no", "a: b", "# not a comment", "404", "ünïcode ✓ — “quotes”", "line one\n  indented\nlast\n",
     "trailing space \nnext line", "tab\there", "'single' and \"double\"", "ends without newline\nsecond",
     "- looks like a list\n- item", "  leading spaces\nsecond\n"],
)
def test_dump_round_trips_tricky_text(text):
    data = {"start": "404", "nodes": [
        {"id": "404", "type": "question", "text": text,
         "options": [{"label": "yes", "next": "on"}, {"label": text.splitlines()[0].strip() or "x", "next": "on"}]},
        {"id": "on", "type": "solution", "outcome": "solved", "text": text, "articles": ["null"]},
    ]}
    tree = parse_tree(data)
    dumped = dump_tree(tree)
    assert load_tree(dumped) == tree
    assert dump_tree(load_tree(dumped)) == dumped


def test_tree_data_uses_the_authoring_format():
    tree = Tree("a", {
        "a": Node("a", "step", "Try.", [Option(FIXED_LABEL, "b"), Option(NOT_FIXED_LABEL, "b")]),
        "b": Node("b", "solution", "Done.", [], outcome="solved", articles=["x"]),
    })
    assert tree_data(tree) == {"start": "a", "nodes": [
        {"id": "a", "type": "step", "text": "Try.", "fixed": "b", "not_fixed": "b"},
        {"id": "b", "type": "solution", "outcome": "solved", "text": "Done.", "articles": ["x"]},
    ]}
    assert yaml.safe_load(dump_tree(tree)) == tree_data(tree)


def test_replay_follows_a_valid_trail_with_a_loop():
    tree = load_tree(SAMPLE)
    path = replay(tree, ["card-check", "other-card", "card-check", "solved-card"])
    assert [node.id for node in path] == ["method", "card-check", "other-card", "card-check", "solved-card"]
    assert [node.id for node in replay(tree, [])] == ["method"]


def test_replay_accepts_a_trail_of_the_maximum_length():
    tree = load_tree(SAMPLE)
    trail = ["card-check", "other-card"] * (MAX_TRAIL // 2)
    assert len(replay(tree, trail)) == MAX_TRAIL + 1


@pytest.mark.parametrize(
    ("trail", "message"),
    [
        pytest.param(["card-check", "nowhere"], 'Unknown node "nowhere"', id="unknown-id"),
        pytest.param(["solved-card"], 'No answer of node "method" leads to "solved-card"', id="not-an-edge"),
        pytest.param(["card-check", "card-check"], "leads to", id="repeated-node-without-edge"),
        pytest.param(["method"], "leads to", id="start-again-without-edge"),
        pytest.param(["card-check", "other-card"] * (MAX_TRAIL // 2) + ["card-check"], "too long", id="too-long"),
    ],
)
def test_replay_rejects_bad_trails(trail, message):
    with pytest.raises(ValueError, match=message):
        replay(load_tree(SAMPLE), trail)


@pytest.mark.parametrize(
    ("from_id", "to_id", "label"),
    [
        ("method", "paypal-login", "PayPal"),
        ("card-check", "solved-card", FIXED_LABEL),
        ("card-check", "other-card", NOT_FIXED_LABEL),
        ("other-card", "card-check", "Yes, try it"),
        ("method", "solved-card", ""),
        ("nowhere", "method", ""),
    ],
)
def test_answer_between(from_id, to_id, label):
    assert answer_between(load_tree(SAMPLE), from_id, to_id) == label


def test_search_text_has_every_node_as_plain_words():
    text = search_text(load_tree(SAMPLE))
    for word in ["paying", "checkout", "expiry date", "CVC", "credit", "another card", "pending", "three working",
                 "went through", "PayPal payment", "arrived", "billing team", "Bank transfer", "No other card"]:
        assert word in text
    for markup in ["**", "](", "`", "##", "_credit_", "* Is", "https://"]:
        assert markup not in text
