"""Every signal Tier0 sends, in one place. Receivers must accept **kwargs.

Connect with ``signal.connect(receiver)``; the sender is always the Flask app object
(``current_app._get_current_object()``), so a receiver can filter by app in tests.
"""
from blinker import Namespace

_signals = Namespace()

article_viewed = _signals.signal(
    "article-viewed",
    doc="Sent by kb.views after a public article page is served. kwargs: article_id, revision_id, visitor_key.",
)
revision_created = _signals.signal(
    "revision-created",
    doc="Sent by kb.services when an article gets a new revision. kwargs: article, revision.",
)
article_published = _signals.signal(
    "article-published",
    doc="Sent by kb.services when a revision becomes the public one. kwargs: article, revision.",
)
article_unpublished = _signals.signal(
    "article-unpublished",
    doc="Sent by kb.services when a published article stops being public (draft or archived). kwargs: article.",
)
content_synced = _signals.signal(
    "content-synced",
    doc="Sent by kb.sync after `flask kb sync` finished. kwargs: report (kb.sync.SyncReport).",
)
inquiry_created = _signals.signal(
    "inquiry-created",
    doc="Sent by the inquiries feature when a visitor opens a support inquiry (an escalation). "
        "kwargs: inquiry_id, visitor_key. The search feature marks that visitor's recent searches as escalated.",
)
inquiry_context = _signals.signal(
    "inquiry-context",
    doc="Sent by the inquiries feature while a visitor submits the contact form, to collect what features and "
        "plugins know about the visit. kwargs: visitor_id (the signed visitor cookie's id), article_id (or None). "
        "A receiver returns a dict merged into the inquiry's context (e.g. the feedback plugin's {'vote': ...}).",
)
