"""Reading the PDFs the app sends: text per page, the outline (bookmarks) and the links, with pypdf."""
import io
import re

import pytest
from pypdf import PdfReader

from app.kb.sync import sync_directory
from app.pdf import services
from tests.helpers import article_file, write

ARTICLE_BODY = """\
Refunds go back to the card you paid with. See [invoices](/articles/invoices) for your receipt,
[your account](/articles/account-basics) for settings, and [the policy](https://example.com/policy).
Jump to [how long it takes](#how-long-it-takes).

## When you can get a refund

| Upgrade | Refund window |
|---|---|
| Boost | 14 days |
| Featured | 7 days |

![Refund screen](/media/refund.png)

## How long it takes

```
REFUND-ID  1234-5678
```

<details><summary>Why so long?</summary>
<p>Banks batch refunds overnight.</p>
</details>
"""

TUTORIAL = """\
---
title: Renew an ad
kind: tutorial
summary: Keep an ad online for 30 more days.
time: 5 minutes
position: 4
---
Ads expire after 30 days.

## Open My ads

Go to **My ads** in the menu.

```video
url: https://youtu.be/dQw4w9WgXcQ
title: Renewing in 30 seconds
transcript: |
  Open My ads, then press Renew beside the ad.
```

## Press Renew

Press **Renew** beside the ad.
"""

TREE = """\
title: Payment failed
summary: Find out why a payment did not go through.
position: 3
start: how
nodes:
  - id: how
    type: question
    text: How did you pay?
    options:
      - label: By card
        next: card
      - label: By PayPal
        next: support
  - id: card
    type: step
    text: Check the expiry date of the card.
    fixed: done
    not_fixed: support
  - id: done
    type: solution
    outcome: solved
    text: Good, the payment works again.
  - id: support
    type: solution
    outcome: escalate
    text: We need to look at your account.
    articles: [invoices]
"""

PNG = bytes.fromhex(  # a 2×2 RGB image
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a730000001149444154789c63f8cfc0c0f01f"
    "8c8018001df003fdd3d07d260000000049454e44ae426082"
)


def make_site(root):
    """A small help center: Billing (article, article, troubleshooter, tutorial, FAQ, draft, archived), Account."""
    write(root, "_media/refund.png", "")
    (root / "_media" / "refund.png").write_bytes(PNG)
    write(root, "billing/_category.yml", "title: Billing\ndescription: Payments, refunds and invoices.\nposition: 1\n")
    write(root, "billing/refunds.md", article_file("Refunds", ARTICLE_BODY, summary="Money back for upgrades.",
                                                   position=1))
    write(root, "billing/invoices.md", article_file("Invoices", "## Download an invoice\n\nOpen **Payments**.",
                                                    position=2))
    write(root, "billing/payment-failed.tree.yml", TREE)
    write(root, "billing/renew-an-ad.md", TUTORIAL)
    write(root, "billing/is-it-free.md", article_file("Is posting free?", "Yes, for private sellers.", kind="faq"))
    write(root, "billing/secret-plans.md", article_file("Secret price plans", "Not yet.", status="draft"))
    write(root, "billing/old-prices.md", article_file("Old price list", "Gone.", status="archived"))
    write(root, "account/_category.yml", "title: Account\nposition: 2\n")
    write(root, "account/account-basics.md", article_file("Account basics", "## Your profile\n\nEdit it any time."))
    return root


@pytest.fixture
def site(app, tmp_path):
    """The small help center imported, with CONTENT_DIR pointing at it (so /media/ is its _media)."""
    root = make_site(tmp_path / "content")
    app.config["CONTENT_DIR"] = str(root)
    with app.app_context():
        report = sync_directory(root)
        assert not report.failed, report.failed
    return root


@pytest.fixture
def renders(monkeypatch):
    """The titles of the documents drawn, in order (each is a real render in the worker)."""
    drawn, draw = [], services.render_document

    def counting(html, blobs=None):
        drawn.append(re.search(r"<title>(.*?)</title>", html, re.S)[1])
        return draw(html, blobs)

    monkeypatch.setattr(services, "render_document", counting)
    return drawn


def reader(data):
    """A PdfReader over PDF bytes."""
    assert data.startswith(b"%PDF-"), data[:200]
    return PdfReader(io.BytesIO(data))


def page_texts(data):
    """The extracted text of each page, whitespace squeezed."""
    return [" ".join(page.extract_text().split()) for page in reader(data).pages]


def outline(data):
    """[(depth, title, page number from 1)] of the PDF's bookmarks, in order."""
    pdf = reader(data)
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, pdf.get_destination_page_number(item) + 1))

    walk(pdf.outline, 0)
    return found


def links(data):
    """[(page number, kind, target)]: kind "uri" (target the address) or "internal" (target the page number)."""
    pdf = reader(data)
    named = {name: pdf.get_destination_page_number(dest) + 1 for name, dest in pdf.named_destinations.items()}
    found = []
    for number, page in enumerate(pdf.pages, start=1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            if action is not None and action.get("/S") == "/URI":
                found.append((number, "uri", str(action["/URI"])))
            elif annotation.get("/Dest") is not None:
                found.append((number, "internal", named.get(str(annotation["/Dest"]))))
    return found
