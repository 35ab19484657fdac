"""The feedback plugin: "Was this helpful?" on every page, comments with moderation, topic requests,
and the ratings panel for support leads. It reaches the core only through the plugin API."""
from datetime import timedelta
from urllib.parse import quote

from flask import Blueprint, current_app, g, render_template, session, url_for

from app.core import signals
from app.core.plugins import AttentionItem, Plugin

bp = Blueprint("feedback", __name__, template_folder="templates", static_folder="static", cli_group="feedback")
bp.cli.help = "Feedback votes and topic requests."

DEFAULT_FLAG_WORDS = ["idiot", "stupid", "scam", "fraud", "fuck", "shit", "bitch", "asshole", "kill"]


def contact_url_for(article):
    """The contact page, told which article the visitor comes from (a mailto: link is left as it is)."""
    base = current_app.config["CONTACT_URL"]
    if base.startswith("mailto:"):
        return base
    return f"{base}{'&' if '?' in base else '?'}article={quote(article.slug)}"


def _followup(article_id):
    """This visitor's pending follow-up (reason/comment form) for an article, on pages rendered for them only."""
    if g.get("rendering_shared_page"):
        return None  # the page is cached for everyone: nothing of this visitor may end up in it
    pending = session.get("feedback_followup")
    return pending if pending and pending.get("article_id") == article_id else None


def _widget(article, revision, compact=False, anchor="feedback", next_url=""):
    from plugins.feedback.models import REASONS

    return render_template("feedback/_widget.html", article=article, revision=revision, compact=compact,
                           anchor=anchor, reasons=REASONS, followup=_followup(article.id),
                           contact=contact_url_for(article), next_url=next_url,
                           max_chars=plugin.setting("comment_max_chars"))


def _article_footer(article, revision):
    return _widget(article, revision)


def _faq_item_footer(article, revision):
    return _widget(article, revision, compact=True, anchor=f"feedback-{article.slug}", next_url=url_for("kb.faq"))


def _head():
    return f'<link rel="stylesheet" href="{url_for("feedback.static", filename="feedback.css")}">'


def _scripts():
    return f'<script src="{url_for("feedback.static", filename="feedback.js")}" defer></script>'


def _footer_links():
    return f'<a href="{url_for("feedback.suggest_topic")}">Suggest a topic</a>'


def _search_no_results(query):
    return render_template("feedback/_no_results.html", query=query)


def _inquiry_context(sender, visitor_id=None, article_id=None, **kwargs):
    """The visitor's helpfulness vote on the article they came from, for the inquiry they are opening."""
    from plugins.feedback import services

    if not (visitor_id and article_id):
        return {}
    vote = services.latest_vote(article_id, services.voter_key(visitor_id))
    if vote is None:
        return {}
    from plugins.feedback.models import REASONS

    return {"vote": {"helpful": vote.helpful, "reason": vote.reason, "reason_label": REASONS.get(vote.reason, ""),
                     "revision_id": vote.revision_id}}


def _helpfulness_check(today):
    """Writers' "Needs attention": articles rated helpful less often than the target over the recent days."""
    from plugins.feedback import services

    days, target = plugin.setting("attention_days"), plugin.setting("satisfaction_target")
    since = today - timedelta(days=days - 1)  # the last `days` days, today included
    items = []
    for found in services.helpfulness_under_target(since, target, plugin.setting("attention_min_votes")):
        # Rounded down (in integers, no float error), so an article just under the target never reads as meeting it.
        percent = found.helpful * 100 // found.votes
        reason = f"{percent}% helpful ({found.votes} vote{'' if found.votes == 1 else 's'}), target {target * 100:g}%"
        items.append(AttentionItem(found.article_id, reason, f"{percent}%"))
    return items


class FeedbackPlugin(Plugin):
    """Registers the blueprint, the widget slots, the ratings panel and `flask feedback`."""

    name = "feedback"
    title = "Feedback"
    description = "Was this helpful? votes, comments, topic requests and the ratings panel."
    settings = {
        "satisfaction_target": 0.9,  # helpful share the trend chart is drawn against and "Needs attention" checks
        "attention_days": 90,  # "Needs attention" counts the votes of this many recent days
        "attention_min_votes": 5,  # ... and lists an article only with at least this many
        "comment_max_chars": 1000,
        "flag_words": DEFAULT_FLAG_WORDS,  # a comment containing one waits for review
        "vote_rate_limit": "10 per minute",  # per visitor and article; more gets a friendly 429
        "page_rate_limit": "120 per minute",  # per address and article (many visitors may share one)
        "client_rate_limit": "600 per hour",  # per address over all articles
        "topic_rate_limit": "5 per hour",
        "export_rate_limit": "30 per hour",
    }
    blueprint = bp

    def init_app(self, app):
        from plugins.feedback import cli, dashboard, lead_views, views  # noqa: F401  (routes and commands on bp)

        super().init_app(app)
        self.add_slot(app, "head", _head)
        self.add_slot(app, "scripts", _scripts)
        self.add_slot(app, "article_footer", _article_footer)
        self.add_slot(app, "faq_item_footer", _faq_item_footer)
        self.add_slot(app, "footer_links", _footer_links)
        self.add_slot(app, "search_no_results", _search_no_results)
        signals.inquiry_context.connect(_inquiry_context)
        self.add_panel(app, "ratings", "Article ratings", lead_views.render_panel,
                       url=lambda: url_for("feedback.ratings"), order=10)
        self.add_panel(app, "moderation", "Comments to review", views.render_moderation_panel,
                       url=lambda: url_for("feedback.moderation"), order=20)
        self.add_attention_check(app, "helpfulness", "Helpfulness under target", _helpfulness_check)
        self.add_dashboard_source(app, "ratings", overview=dashboard.overview, article=dashboard.article)


plugin = FeedbackPlugin()
