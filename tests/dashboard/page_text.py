"""Reading dashboard pages as a person sees them: figure cards, tables and links, without markup."""
import csv
import html
import io
import re


def text_of(fragment):
    """Visible text: tags dropped, entities decoded, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _part(pattern, body):
    match = re.search(pattern, body, re.S)
    return text_of(match.group(1)) if match else None


def figure_cards(page):
    """{key: (value, change, target)} of the headline figure cards, as shown (the change without its arrow)."""
    cards = {}
    for key, body in re.findall(r'<dl class="figure-card" data-figure="([^"]+)">(.*?)</dl>', page, re.S):
        shown_change = _part(r'class="figure-change[^"]*">(?:<span aria-hidden="true">)?(.*?)</(?:span|dd)>', body)
        change = shown_change[2:] if shown_change and shown_change[:1] in "▲▼＝" else shown_change
        cards[key] = (_part(r'class="figure-value">(.*?)</dd>', body), change,
                      _part(r'class="figure-target[^"]*">(.*?)</dd>', body))
    return cards


def block(page, kind, key):
    """The HTML of one chart (kind "chart") or table (kind "table") section."""
    match = re.search(rf'<section class="dash-block dash-{kind}"[^>]*data-{kind}="{key}">(.*?)</section>', page, re.S)
    assert match, f"no {kind} {key!r} on the page"
    return match.group(1)


def table_rows(fragment):
    """The body rows of the first table in ``fragment``, each a list of cell texts."""
    body = re.search(r"<tbody>(.*?)</tbody>", fragment, re.S).group(1)
    return [[text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def csv_rows(response):
    """A CSV download as a list of rows."""
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))
