"""Comments on goals, and the `@username` mentions in them (DESIGN.md "Next additions": goals/{id}/comments/).

Who may comment is who may see the goal; archived goals take no new comments. A mention names a person by their
username, in any letter case, where it stands on its own: `@ann`, `(@ann)`, `@ann.` and `@ann's` mention ann, while
`ann@example.com` mentions nobody. Names that match no active person are left as plain text. A person named who may
not see the goal is neither stored, nor highlighted, nor told: a comment never tells anyone about a goal they cannot
see (and stores nothing about them). The people mentioned are handed to apps.goals.signals.comment_posted, inside the
transaction, the author left out; apps.notifications turns that into notifications.
"""

import re
from collections.abc import Iterable, Iterator

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.db.models.functions import Lower

from apps.core.history import record_change
from apps.core.models import ObjectChange
from apps.core.validation import check_text
from apps.org.models import Person

from . import permissions, signals
from .models import Goal, GoalComment

# `@` not preceded by anything that belongs to a word or an address (so `ann@example.com` is not a mention), then a
# username (letters, digits and . + - _, as Django allows, bar @) that ends on a letter or digit: `@ann.` is ann.
MENTION = re.compile(r"(?<![\w@.+-])@(\w(?:[\w.+-]*\w)?)")
# A comment that names more people than this is refused: a mention is a call for someone's attention, and every
# name costs a permission check.
MAX_MENTIONS = 20


def mentioned_names(body: str) -> list[str]:
    """The usernames `body` mentions, in order of first appearance, each once (compared without letter case)."""
    seen: dict[str, str] = {}
    for match in MENTION.finditer(body):
        seen.setdefault(match.group(1).lower(), match.group(1))
    return list(seen.values())


def split_mentions(body: str) -> Iterator[tuple[str, str | None]]:
    """`body` as (text, username or None) pieces: a piece with a username is a mention as written, `@` included."""
    position = 0
    for match in MENTION.finditer(body):
        if match.start() > position:
            yield body[position : match.start()], None
        yield match.group(0), match.group(1)
        position = match.end()
    if position < len(body):
        yield body[position:], None


def people_named(names: Iterable[str]) -> list[Person]:
    """The active people `names` stand for: the exact username first, else the one username equal to it without
    letter case (two people whose usernames differ only in case are named by their exact spelling alone)."""
    names = list(names)
    active = Person.objects.filter(is_active=True)
    found = {person.username: person for person in active.filter(username__in=names)}
    rest = {name.lower(): name for name in names if name not in found}
    if rest:
        matches: dict[str, list[Person]] = {}
        for person in active.annotate(folded=Lower("username")).filter(folded__in=rest):
            matches.setdefault(person.folded, []).append(person)
        found |= {rest[folded]: people[0] for folded, people in matches.items() if len(people) == 1}
    unique = {person.pk: person for name in names if (person := found.get(name)) is not None}
    return list(unique.values())


def _check_body(body) -> str:
    body = check_text(body, "body").strip()
    if not body:
        raise ValidationError({"body": "A comment needs some text."})
    if len(mentioned_names(body)) > MAX_MENTIONS:
        raise ValidationError({"body": f"Mention at most {MAX_MENTIONS} people in one comment."})
    return body


@transaction.atomic
def comment_post(*, actor: Person, goal: Goal, body: str) -> GoalComment:
    """Post `body` on `goal` as `actor`, who must be able to see it; tell the people it mentions who may see it."""
    if not permissions.can_view_goal(actor, goal):
        raise PermissionDenied("You may not see this goal.")
    if goal.is_archived:
        raise ValidationError({"goal": "This goal is archived: restore it before commenting on it."})
    body = _check_body(body)
    mentions = [person for person in people_named(mentioned_names(body)) if permissions.can_view_goal(person, goal)]
    comment = GoalComment.objects.create(goal=goal, author=actor, body=body)
    if mentions:
        comment.mentions.add(*mentions)
    changes = {"goal": [None, goal.pk], "body": [None, body], "mentions": [None, [p.pk for p in mentions]]}
    record_change(actor=actor, obj=comment, action=ObjectChange.Action.CREATE, changes=changes)
    mentioned = [person for person in mentions if person.pk != actor.pk]
    signals.comment_posted.send(sender=GoalComment, comment=comment, mentioned=mentioned)
    return comment


def comments_of(goal: Goal):
    """The goal's comments, oldest first, with what showing them reads (the author, the people mentioned)."""
    mentions = Prefetch("mentions", queryset=Person.objects.order_by("pk"))
    return goal.comments.select_related("author").prefetch_related(mentions).order_by("created", "id")


def latest_comments(goal: Goal, limit: int = 50) -> tuple[list[GoalComment], bool]:
    """The goal's latest `limit` comments, oldest first, and whether older ones were left out."""
    newest = list(comments_of(goal).order_by("-created", "-id")[: limit + 1])
    return newest[:limit][::-1], len(newest) > limit
