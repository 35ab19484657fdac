"""CSV exports of votes and topic requests, shared by the download views and `flask feedback export`."""
from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.core.csv_export import csv_line
from app.extensions import db
from app.kb.models import Article, Category
from plugins.feedback.models import REASONS, TopicRequest, Vote
from plugins.feedback.reports import ARTICLE_TITLE, VoteFilter, select_votes
from plugins.feedback.screening import mask_contacts

VOTE_COLUMNS = ["created_at", "updated_at", "article_slug", "article_title", "category", "revision_id",
                "helpful", "reason", "reason_label", "comment"]
TOPIC_COLUMNS = ["created_at", "updated_at", "status", "text", "search_query", "email"]
BATCH = 500


def _stamp(moment):
    """A UTC timestamp as spreadsheets read it."""
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def vote_records(filters=VoteFilter()):
    """Rows of the votes CSV, oldest first: no voter keys; only visible comments, masked."""
    query = select_votes(filters, Vote.created_at, Vote.updated_at, Article.slug, ARTICLE_TITLE, Category.title,
                         Vote.revision_id, Vote.helpful, Vote.reason, Vote.comment, Vote.comment_state)
    query = query.order_by(Vote.created_at, Vote.id).execution_options(yield_per=BATCH)
    for created, updated, slug, title, category, revision_id, helpful, reason, comment, state in \
            db.session.execute(query):
        shown = mask_contacts(comment) if state == "visible" else ""
        yield [_stamp(created), _stamp(updated), slug, title, category, revision_id, "yes" if helpful else "no",
               reason, REASONS.get(reason, reason), shown]


def topic_records(filters=VoteFilter()):
    """Rows of the topic requests CSV, oldest first (text masked like on the topics page)."""
    query = select(TopicRequest).order_by(TopicRequest.created_at, TopicRequest.id)
    if filters.start:
        query = query.where(TopicRequest.created_at >= datetime.combine(filters.start, time.min))
    if filters.end:
        query = query.where(TopicRequest.created_at < datetime.combine(filters.end + timedelta(days=1), time.min))
    for topic in db.session.execute(query.execution_options(yield_per=BATCH)).scalars():
        yield [_stamp(topic.created_at), _stamp(topic.updated_at), topic.status, mask_contacts(topic.text),
               topic.search_query, topic.email]


def votes_csv(filters=VoteFilter()):
    """The votes CSV, line by line (header first)."""
    yield csv_line(VOTE_COLUMNS)
    for record in vote_records(filters):
        yield csv_line(record)


def topics_csv(filters=VoteFilter()):
    """The topic requests CSV, line by line (header first)."""
    yield csv_line(TOPIC_COLUMNS)
    for record in topic_records(filters):
        yield csv_line(record)


EXPORTS = {"votes": votes_csv, "topics": topics_csv}


def export_filename(kind, filters=VoteFilter()):
    """feedback-votes[-category][-from-START][-to-END].csv"""
    parts = [f"feedback-{kind}"]
    if filters.category_slug and kind == "votes":
        parts.append(filters.category_slug)
    if filters.start:
        parts.append(f"from-{filters.start.isoformat()}")
    if filters.end:
        parts.append(f"to-{filters.end.isoformat()}")
    return "-".join(parts) + ".csv"
