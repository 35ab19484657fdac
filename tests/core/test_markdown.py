"""Markdown rendering and the nh3 sanitizer: nothing executable ever reaches a page."""
import html
import re

import pytest

from app.core.markdown import plain_text, render_markdown

PAYLOADS = [
    ("script tag", "<script>alert(1)</script>"),
    ("script in markdown paragraph", "Hello <script src=//evil.example/x.js></script> world"),
    ("img onerror", '<img src="x" onerror="alert(1)">'),
    ("svg onload", "<svg onload=alert(1)><circle r=1></svg>"),
    ("body onload", "<body onload=alert(1)>"),
    ("event handler on a link", '<a href="/ok" onclick="alert(1)">x</a>'),
    ("mouseover on a div", '<div onmouseover="alert(1)">hover</div>'),
    ("javascript link markdown", "[click](javascript:alert(1))"),
    ("javascript mixed case", "[click](JaVaScRiPt:alert(1))"),
    ("javascript with entity", '<a href="&#106;avascript:alert(1)">x</a>'),
    ("javascript with hex entity", '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>'),
    ("javascript with tab", '<a href="java\tscript:alert(1)">x</a>'),
    ("javascript with newline entity", '<a href="java&#10;script:alert(1)">x</a>'),
    ("javascript with leading space", '<a href=" javascript:alert(1)">x</a>'),
    ("vbscript link", '<a href="vbscript:msgbox(1)">x</a>'),
    ("data html link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    ("data image src", '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">'),
    ("markdown image javascript", "![x](javascript:alert(1))"),
    ("iframe", '<iframe src="https://evil.example"></iframe>'),
    ("object", '<object data="x.swf"></object>'),
    ("embed", '<embed src="x.swf">'),
    ("form", '<form action="https://evil.example"><input name="p"><button>Go</button></form>'),
    ("style tag", "<style>body{display:none}</style>"),
    ("style attribute", '<p style="background:url(javascript:alert(1))">x</p>'),
    ("meta refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example">'),
    ("base tag", '<base href="https://evil.example/">'),
    ("link stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">'),
    ("math xlink", '<math><a xlink:href="javascript:alert(1)">x</a></math>'),
    ("formaction", '<button formaction="javascript:alert(1)">x</button>'),
    ("srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'),
    ("id clobbering with quotes", '<h2 id="x\\" onfocus=alert(1) autofocus">t</h2>'),
    ("template tag", "<template><script>alert(1)</script></template>"),
    ("noscript breakout", '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>'),
]

DANGEROUS = [
    re.compile(r"<\s*(script|iframe|object|embed|form|style|meta|base|link|svg|math|template|input|button|noscript)\b", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"javascript:|vbscript:|data:", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"srcdoc|formaction|xlink:href", re.I),
]


@pytest.mark.parametrize("name, payload", PAYLOADS, ids=[p[0] for p in PAYLOADS])
def test_payload_is_neutralised(name, payload):
    output = render_markdown(payload).html
    decoded = html.unescape(output).replace("\t", "").replace("\n", "")
    # Only look inside tags: escaped text such as "&lt;script&gt;" is harmless and may stay.
    tags = " ".join(re.findall(r"<[^>]+>", output))
    for pattern in DANGEROUS:
        assert not pattern.search(tags), f"{pattern.pattern!r} survived in {output!r}"
    for href in re.findall(r'(?:href|src)="([^"]*)"', output):
        assert not re.match(r"\s*(javascript|vbscript|data):", html.unescape(href).replace("\t", ""), re.I)
    assert "alert(1)" not in " ".join(re.findall(r'="([^"]*)"', decoded))


@pytest.mark.parametrize(
    "source, expected",
    [
        ("| a | b |\n|---|--:|\n| 1 | 2 |", '<td align="right">2</td>'),
        ("```python\nprint('hi')\n```", "<pre><code"),
        ('!!! warning "Careful"\n    Read this.', '<div class="admonition warning">'),
        ("## Reset your password", '<h2 id="reset-your-password">'),
        ("[help](/articles/reset-password)", '<a href="/articles/reset-password" rel="noopener noreferrer">'),
        ("[mail](mailto:support@example.com)", 'href="mailto:support@example.com"'),
        ("1. one\n2. two", "<ol>"),
    ],
)
def test_supported_markdown_survives_sanitizing(source, expected):
    assert expected in render_markdown(source).html


def test_table_of_contents_lists_h2_and_h3_with_their_anchors():
    rendered = render_markdown("## Before you start\n\ntext\n\n### Fees & limits\n\nmore\n\n#### too deep\n")

    assert rendered.toc == ((2, "before-you-start", "Before you start"), (3, "fees-limits", "Fees & limits"))


def test_unknown_classes_are_dropped_but_admonition_classes_kept():
    output = render_markdown('<div class="admonition note evil-class">x</div>').html

    assert 'class="admonition note"' in output and "evil-class" not in output


def test_plain_text_is_tag_free_and_shortened_on_a_word():
    text = plain_text("## Title\n\nSome **bold** words & more words here", limit=25)

    assert text == "Title Some bold words &…"
