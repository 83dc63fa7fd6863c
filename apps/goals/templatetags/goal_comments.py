"""Showing a comment: its text escaped, line breaks kept, and the people it mentions highlighted."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from ..comments import split_mentions
from ..models import GoalComment

register = template.Library()


@register.filter
def comment_body(comment: GoalComment) -> SafeString:
    """The comment's body as HTML: every piece escaped; a mention of someone stored in `mentions` (people who may
    see the goal) highlighted with their name as its title; other `@names` left as the plain text they are."""
    named = {person.username.lower(): person for person in comment.mentions.all()}
    pieces = []
    for text, username in split_mentions(comment.body):
        person = named.get(username.lower()) if username else None
        if person is None:
            pieces.append(escape(text).replace("\n", "<br>"))
        else:
            pieces.append(format_html('<mark class="mention" title="{}">{}</mark>', str(person), text))
    return mark_safe("".join(pieces))  # every piece above is escaped
