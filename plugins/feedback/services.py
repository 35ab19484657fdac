"""Votes, comments, moderation and topic requests: plain inputs in, rows out."""
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, time

from flask import current_app
from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.kb.models import Article, utcnow
from app.kb.services import public_articles
from plugins.feedback.models import REASONS, TOPIC_STATES, TopicRequest, Vote
from plugins.feedback.screening import flags_for

TOPIC_MAX_CHARS = 500


class FeedbackError(ValueError):
    """Input that cannot be stored; ``field`` names the form field, the message is for the visitor."""

    def __init__(self, message, field=""):
        super().__init__(message)
        self.field = field


@dataclass
class VoteInput:
    """A vote as submitted."""

    article_id: int
    revision_id: int
    helpful: bool
    reason: str = ""
    comment: str = ""


def voter_key(visitor_id):
    """HMAC of the visitor's random cookie id: recognizes a returning visitor without storing the id."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"feedback-voter:{visitor_id}".encode(), hashlib.sha256).hexdigest()[:32]


def public_article(article_id):
    """The public article with this id, or None."""
    return db.session.execute(public_articles().where(Article.id == article_id)).scalar_one_or_none()


def clean_vote(article_id, revision_id, helpful, reason, comment, max_chars):
    """A VoteInput from form values, or FeedbackError naming the field."""
    if helpful not in ("yes", "no"):
        raise FeedbackError("Choose Yes or No.", "helpful")
    try:
        revision_id = int(revision_id)
    except (TypeError, ValueError):
        raise FeedbackError("This page changed since you opened it; please reload and vote again.", "revision") from None
    article = public_article(article_id)
    if article is None:
        raise FeedbackError("That article is not available any more.", "article")
    if revision_id != article.published_revision_id:
        raise FeedbackError("This page changed since you opened it; please reload and vote again.", "revision")
    reason = (reason or "").strip()
    if reason and (helpful == "yes" or reason not in REASONS):
        raise FeedbackError("Choose one of the reasons listed.", "reason")
    comment = (comment or "").replace("\x00", "").strip()
    if len(comment) > max_chars:
        raise FeedbackError(f"Please keep your comment under {max_chars:,} characters "
                            f"(it has {len(comment):,}).", "comment")
    return VoteInput(article.id, revision_id, helpful == "yes", reason, comment)


def cast_vote(vote, key, flag_words=()):
    """Store or change this visitor's vote for the revision (one row per visitor and revision)."""
    flags = flags_for(vote.comment, flag_words) if vote.comment else []
    state = "none" if not vote.comment else ("flagged" if flags else "visible")
    now = utcnow()
    values = {"article_id": vote.article_id, "revision_id": vote.revision_id, "voter_key": key,
              "helpful": vote.helpful, "reason": vote.reason, "comment": vote.comment, "comment_state": state,
              "flags": ",".join(flags)[:300], "created_at": now, "updated_at": now}
    # Voting again changes the answer; a reason or comment already given is kept until a new one comes
    # (the first click sends only Yes/No), and a Yes clears the reason a No had.
    table = Vote.__table__
    changes = {"helpful": vote.helpful, "updated_at": now,
               "reason": vote.reason if (vote.reason or vote.helpful) else table.c.reason}
    if vote.comment:
        changes.update(comment=vote.comment, comment_state=state, flags=values["flags"])
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(Vote).values(**values).on_conflict_do_update(
        index_elements=["article_id", "revision_id", "voter_key"], set_=changes)
    db.session.execute(statement)
    db.session.commit()
    return db.session.execute(select(Vote).where(
        Vote.article_id == vote.article_id, Vote.revision_id == vote.revision_id, Vote.voter_key == key)).scalar_one()


def latest_vote(article_id, key):
    """This visitor's most recent vote on any revision of the article, or None."""
    return db.session.execute(select(Vote).where(Vote.article_id == article_id, Vote.voter_key == key)
                              .order_by(Vote.updated_at.desc(), Vote.id.desc()).limit(1)).scalar_one_or_none()


def visitor_vote(article_id, revision_id, key):
    """This visitor's vote for the revision, or None."""
    return db.session.execute(select(Vote).where(
        Vote.article_id == article_id, Vote.revision_id == revision_id, Vote.voter_key == key)).scalar_one_or_none()


@dataclass
class Helpfulness:
    """An article's votes over a period and how many of them said helpful."""

    article_id: int
    votes: int
    helpful: int

    @property
    def share(self):
        """Helpful share 0..1 (0 without votes)."""
        return self.helpful / self.votes if self.votes else 0.0


def helpfulness_under_target(since, target, min_votes):
    """Helpfulness of articles (not archived) under ``target`` with ``min_votes`` votes since the day ``since``."""
    votes, helpful = func.count(Vote.id), func.sum(case((Vote.helpful, 1), else_=0))
    query = (select(Vote.article_id, votes, helpful).join(Article, Article.id == Vote.article_id)
             .where(Vote.created_at >= datetime.combine(since, time.min), Article.status != "archived")
             .group_by(Vote.article_id).having(votes >= max(1, min_votes)))
    found = [Helpfulness(article_id, count, int(yes or 0)) for article_id, count, yes in db.session.execute(query)]
    return sorted((h for h in found if h.share < target), key=lambda h: (h.share, -h.votes, h.article_id))


# -- moderation ----------------------------------------------------------------------------------
def moderation_queue(limit=200):
    """Flagged comments waiting for a decision, oldest first."""
    return db.session.execute(select(Vote).where(Vote.comment_state == "flagged")
                              .order_by(Vote.updated_at, Vote.id).limit(limit)).scalars().all()


def moderate(vote_id, action):
    """approve (show to staff), hide, or delete the comment (the vote itself stays counted)."""
    vote = db.session.get(Vote, vote_id)
    if vote is None or not vote.comment:
        raise FeedbackError("That comment does not exist any more.")
    if action == "approve":
        vote.comment_state = "visible"
    elif action == "hide":
        vote.comment_state = "hidden"
    elif action == "delete":
        vote.comment, vote.comment_state, vote.flags = "", "none", ""
    else:
        raise FeedbackError("Unknown action.")
    db.session.commit()
    return vote


# -- topic requests -------------------------------------------------------------------------------
def request_topic(text, email="", search_query="", key=""):
    """Store a topic request; FeedbackError naming the field on bad input."""
    text = " ".join((text or "").replace("\x00", "").split())
    email = (email or "").strip()
    if not text:
        raise FeedbackError("Tell us what you were looking for.", "text")
    if len(text) > TOPIC_MAX_CHARS:
        raise FeedbackError(f"Please keep it under {TOPIC_MAX_CHARS} characters (it has {len(text)}).", "text")
    if email and (len(email) > 254 or "@" not in email or " " in email or email.startswith("@") or email.endswith("@")):
        raise FeedbackError("That e-mail address does not look right (or leave it empty).", "email")
    topic = TopicRequest(text=text, email=email, search_query=(search_query or "")[:200], voter_key=key)
    db.session.add(topic)
    db.session.commit()
    return topic


def topic_requests(status=None, limit=500):
    """Topic requests, newest first, optionally of one status."""
    query = select(TopicRequest).order_by(TopicRequest.created_at.desc(), TopicRequest.id.desc()).limit(limit)
    if status:
        query = query.where(TopicRequest.status == status)
    return db.session.execute(query).scalars().all()


def set_topic_status(topic_id, status):
    """Move a topic request to open, planned, done or declined."""
    if status not in TOPIC_STATES:
        raise FeedbackError("Unknown status.")
    topic = db.session.get(TopicRequest, topic_id)
    if topic is None:
        raise FeedbackError("That topic request does not exist any more.")
    topic.status, topic.updated_at = status, utcnow()
    db.session.commit()
    return topic
