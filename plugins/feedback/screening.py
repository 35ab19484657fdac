"""Comment screening: what sends a comment to the moderation queue, and masking contact details."""
import re

LINK = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|net|org|io|ru|cn|info|biz|xyz|top|co)\b(?:/\S*)?")
EMAIL = re.compile(r"(?i)\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b")
# A + and 7 or more digits, or 9 or more digits (so dates and order numbers are not phones), allowing
# spaces, dots, dashes and parentheses between them.
PHONE = re.compile(r"(?<![\w+])(?:\+\(?\d(?:[\s().-]*\d){6,}|\(?\d(?:[\s().-]*\d){8,})(?![\w])")


def flags_for(comment, words=()):
    """Why a comment needs review: ["word:…", "link", "email", "phone"]; empty when it may be shown."""
    flags = []
    lowered = comment.lower()
    for word in words:
        word = str(word).strip().lower()
        if word and re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered):
            flags.append(f"word:{word}")
    if EMAIL.search(comment):
        flags.append("email")
    if LINK.search(EMAIL.sub(" ", comment)):
        flags.append("link")
    if PHONE.search(comment):
        flags.append("phone")
    return flags


def mask_contacts(text):
    """The text with e-mail addresses and phone numbers replaced by placeholders (for display)."""
    text = EMAIL.sub("[e-mail hidden]", text or "")
    return PHONE.sub("[phone hidden]", text)
