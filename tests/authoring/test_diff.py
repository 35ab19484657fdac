"""Revision diffs: which lines and words a writer sees as changed, and how the tables render them."""
import re
from types import SimpleNamespace

import pytest
from flask import render_template_string

from app.authoring.diff import diff_revisions, diff_stats


def revision(body="", title="Reset your password", summary="", meta=None):
    """A revision-like object with plain values."""
    return SimpleNamespace(title=title, summary=summary, body=body, meta=meta or {})


def marked(parts):
    """Parts as text with the highlighted pieces in [brackets], easy to compare in a table."""
    return "".join(f"[{text}]" if highlighted else text for text, highlighted in parts)


def shown(field):
    """(kind, old text, new text) per row, with highlights in [brackets]."""
    return [(row.kind, marked(row.old_parts), marked(row.new_parts)) for row in field.rows]


def body_diff(old_body, new_body, **kwargs):
    """The one FieldDiff for a change to the body alone."""
    (field,) = diff_revisions(revision(old_body), revision(new_body), **kwargs)
    assert field.name == "Body"
    return field


@pytest.mark.parametrize(
    ("old_body", "new_body", "rows"),
    [
        pytest.param(
            "Restart the router.\n",
            "Restart the modem.\n",
            [("changed", "Restart the [router].", "Restart the [modem].")],
            id="one word changed",
        ),
        pytest.param(
            "Open Settings.\nChoose Wi-Fi.",
            "Open Settings.\nChoose Wi-Fi.\nTurn it on.",
            [("equal", "Open Settings.", "Open Settings."), ("equal", "Choose Wi-Fi.", "Choose Wi-Fi."),
             ("added", "", "Turn it on.")],
            id="line added",
        ),
        pytest.param(
            "Open Settings.\nChoose Wi-Fi.\nTurn it on.",
            "Open Settings.\nTurn it on.",
            [("equal", "Open Settings.", "Open Settings."), ("removed", "Choose Wi-Fi.", ""),
             ("equal", "Turn it on.", "Turn it on.")],
            id="line removed",
        ),
        pytest.param(
            "Call the help desk before noon.",
            "Billing questions go to finance.",
            [("removed", "Call the help desk before noon.", ""), ("added", "", "Billing questions go to finance.")],
            id="very different lines become removed then added",
        ),
        pytest.param(
            "- Restart the router\n- Check the cable",
            "- Unplug the power\n- Restart the modem\n- Check the cable twice",
            [("added", "", "- Unplug the power"), ("changed", "- Restart the [router]", "- Restart the [modem]"),
             ("changed", "- Check the cable", "- Check the cable [twice]")],
            id="line inserted above edited lines pairs the alike lines",
        ),
        pytest.param(
            "Save the file",
            "Save the file  ",
            [("changed", "Save the file", "Save the file[  ]")],
            id="trailing whitespace is shown",
        ),
        pytest.param(
            "Prüfen Sie das Kabel 🔌",
            "Prüfen Sie den Stecker 🔌",
            [("changed", "Prüfen Sie [das Kabel] 🔌", "Prüfen Sie [den Stecker] 🔌")],
            id="unicode",
        ),
    ],
)
def test_body_rows(old_body, new_body, rows):
    """Each edit shows as the rows a writer expects, with only the changed words highlighted."""
    assert shown(body_diff(old_body, new_body)) == rows


def test_changed_row_keeps_line_numbers_of_both_sides():
    """A changed line after an inserted one carries its old and new line numbers."""
    field = body_diff("Intro\nRestart the router.", "Intro\nNew step.\nRestart the modem.")
    assert [(row.kind, row.old_number, row.new_number) for row in field.rows] == [
        ("equal", 1, 1),
        ("added", None, 2),
        ("changed", 2, 3),
    ]
    assert (field.added, field.removed) == (2, 1)


def test_identical_revisions_have_no_differences():
    """Nothing changed: no fields and no counts."""
    old = revision("Same body", meta={"duration": 10})
    new = revision("Same body", meta={"duration": 10})
    assert diff_revisions(old, new) == []
    assert diff_stats(old, new) == (0, 0)


def test_crlf_and_lf_bodies_are_the_same_text():
    """A body saved from Windows (CRLF) matches the same body with LF line ends."""
    assert diff_revisions(revision("Step one\r\nStep two\r\n"), revision("Step one\nStep two")) == []


def test_only_the_title_changed():
    """A title edit lists the Title field alone."""
    (field,) = diff_revisions(revision("Body", title="Reset password"), revision("Body", title="Reset your password"))
    assert field.name == "Title"
    assert shown(field) == [("changed", "Reset password", "Reset [your] password")]
    assert (field.added, field.removed) == (1, 1)


def test_settings_changes_are_listed_as_key_value_lines():
    """Tutorial settings diff as sorted "key: value" lines, lists joined with commas."""
    old = revision(meta={"duration": 10, "prerequisites": ["An account", "A phone"]})
    new = revision(meta={"duration": 15, "prerequisites": ["An account", "A phone", "Wi-Fi"], "difficulty": "easy"})
    (field,) = diff_revisions(old, new)
    assert field.name == "Settings"
    assert shown(field) == [
        ("added", "", "difficulty: easy"),
        ("changed", "duration: [10]", "duration: [15]"),
        ("changed", "prerequisites: An account, A phone", "prerequisites: An account, A phone[, Wi-Fi]"),
    ]


def test_fields_come_in_title_summary_body_settings_order():
    """Every changed field is listed, in the order of the editor."""
    old = revision("Old body", title="Old title", summary="Old summary", meta={"difficulty": "easy"})
    new = revision("New body", title="New title", summary="New summary", meta={"difficulty": "hard"})
    assert [field.name for field in diff_revisions(old, new)] == ["Title", "Summary", "Body", "Settings"]


@pytest.mark.parametrize("first", [None, revision(title="", meta={})], ids=["no revision", "empty revision"])
def test_first_revision_is_all_added(first):
    """Against nothing, every line of the first revision is added."""
    new = revision("Line one\nLine two", title="Welcome", meta={"duration": 5})
    diffs = diff_revisions(first, new)
    assert [(field.name, field.added, field.removed) for field in diffs] == [
        ("Title", 1, 0),
        ("Body", 2, 0),
        ("Settings", 1, 0),
    ]
    assert {row.kind for field in diffs for row in field.rows} == {"added"}
    assert diff_stats(first, new) == (4, 0)


def test_long_unchanged_runs_fold_into_skip_rows():
    """Three lines of context stay around a change; the rest is one row counting the hidden lines."""
    old_lines = [f"Line {n}" for n in range(1, 21)]
    new_lines = list(old_lines)
    new_lines[9] = "Line ten"
    field = body_diff("\n".join(old_lines), "\n".join(new_lines))
    assert [(row.kind, row.old_number, row.hidden) for row in field.rows] == [
        ("skip", 1, 6),
        ("equal", 7, 0),
        ("equal", 8, 0),
        ("equal", 9, 0),
        ("changed", 10, 0),
        ("equal", 11, 0),
        ("equal", 12, 0),
        ("equal", 13, 0),
        ("skip", 14, 7),
    ]


@pytest.mark.parametrize(
    ("gap", "skipped"),
    [(6, None), (7, None), (8, 2)],
    ids=["gap fully shown", "one line would hide: shown instead", "two lines hide"],
)
def test_unchanged_lines_between_two_changes(gap, skipped):
    """Between two changes, only the lines beyond three on each side fold away, and never a single line."""
    old_lines = ["First old"] + [f"Same {n}" for n in range(gap)] + ["Last old"]
    new_lines = ["First new"] + [f"Same {n}" for n in range(gap)] + ["Last new"]
    field = body_diff("\n".join(old_lines), "\n".join(new_lines))
    skips = [row.hidden for row in field.rows if row.kind == "skip"]
    assert skips == ([skipped] if skipped else [])
    assert sum(row.kind == "equal" for row in field.rows) == gap - (skipped or 0)


def test_diff_stats_add_up_the_fields():
    """The history list's +/- figures equal the sum of the fields' counts."""
    old = revision("a\nb\nc", title="Old", meta={"duration": 5})
    new = revision("a\nB\nc\nd", title="New", meta={"duration": 5})
    diffs = diff_revisions(old, new)
    assert diff_stats(old, new) == (sum(f.added for f in diffs), sum(f.removed for f in diffs)) == (3, 2)


def test_five_thousand_line_body_diffs_with_context():
    """A very long body with blank lines between paragraphs diffs fully, folding the unchanged stretches."""
    paragraphs = [f"Paragraph {n} explains step {n} of the setup." for n in range(2500)]
    old_lines = [line for paragraph in paragraphs for line in (paragraph, "")]
    new_lines = list(old_lines)
    new_lines[2000] = "Paragraph 1000 explains step 1000 of the install."
    new_lines.insert(4000, "A brand new paragraph.")
    field = body_diff("\n".join(old_lines), "\n".join(new_lines))
    assert (field.added, field.removed) == (2, 1)
    assert [row.kind for row in field.rows].count("skip") == 3
    (changed,) = [row for row in field.rows if row.kind == "changed"]
    assert marked(changed.new_parts) == "Paragraph 1000 explains step 1000 of the [install]."


# Rendering


def render(macro, diffs, *labels):
    """HTML of a macro from authoring/_diff.html."""
    source = '{% from "authoring/_diff.html" import render_diff, render_diff_inline %}{{ ' + macro + "(diffs, *labels) }}"
    return render_template_string(source, diffs=diffs, labels=labels)


@pytest.mark.parametrize("macro", ["render_diff", "render_diff_inline"])
def test_rendered_text_is_escaped(ctx, macro):
    """Markup in a body shows as text, never as HTML."""
    diffs = diff_revisions(revision("Intro"), revision('Intro\n<script>alert("x")</script> <b>bold</b>'))
    html = render(macro, diffs, "Revision 1", "Revision 2")
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


@pytest.mark.parametrize("macro", ["render_diff", "render_diff_inline"])
def test_changed_words_are_wrapped_in_del_and_ins(ctx, macro):
    """Only the changed word is inside <del> (old) and <ins> (new), and screen readers hear which is which."""
    diffs = diff_revisions(revision("Restart the router <now>."), revision("Restart the modem <now>."))
    html = render(macro, diffs, "Revision 1", "Revision 2")
    assert re.findall(r"<del>(.*?)</del>", html) == ["router"]
    assert re.findall(r"<ins>(.*?)</ins>", html) == ["modem"]
    assert "&lt;now&gt;" in html
    assert 'class="visually-hidden">removed:' in html and 'class="visually-hidden">added:' in html


def test_side_by_side_table_has_labels_counts_and_row_classes(ctx):
    """Each field gets a heading with its counts and a captioned table headed by the two revision labels."""
    old_lines = [f"Line {n}" for n in range(1, 21)]
    new_lines = old_lines[:9] + ["Line ten, reworded"] + old_lines[10:] + ["Line 21"]
    diffs = diff_revisions(revision("\n".join(old_lines)), revision("\n".join(new_lines)))
    html = render("render_diff", diffs, "Revision 3 (published)", "Revision 4")
    assert "Body · " in html and "+2" in html and "−1" in html
    assert '<table class="diff diff-split">' in html and "<caption" in html
    assert ">Revision 3 (published)</th>" in html and ">Revision 4</th>" in html
    for kind in ("equal", "changed", "added", "skip"):
        assert f'class="diff-{kind}"' in html
    assert "6 unchanged lines not shown" in html


def test_inline_view_marks_lines_with_minus_and_plus(ctx):
    """The one-column view lists a changed line as its old text then its new text."""
    diffs = diff_revisions(revision("Keep\nRestart the router."), revision("Keep\nRestart the modem."))
    html = render("render_diff_inline", diffs)
    assert '<table class="diff diff-inline">' in html
    removed_at, added_at = html.index('class="diff-changed diff-removed"'), html.index('class="diff-changed diff-added"')
    assert removed_at < html.index("<del>router</del>") < added_at < html.index("<ins>modem</ins>")
    assert "−</span>" in html and "+</span>" in html


@pytest.mark.parametrize("macro", ["render_diff", "render_diff_inline"])
def test_same_text_says_so(ctx, macro):
    """With no differences the page says the revisions match instead of showing an empty table."""
    html = render(macro, [], "Revision 1", "Revision 2")
    assert "These two revisions have the same text." in html
    assert "<table" not in html
