"""What apps.goals tells (apps.goals.signals), stored as notifications in the sender's transaction.

The texts name people and goal titles only: a personal goal's why, identity and motivation are its owner's words
(DESIGN.md "Whose words are whose") and never appear in a notification or a mail, not even as a changed field."""

from uuid import uuid4

from apps.goals.models import PRIVATE_FIELDS

from . import services

Kind = services.Kind
ACTIONS = {
    "updated": "changed",
    "moved": "moved",
    "archived": "archived",
    "restored": "restored",
    "metric": "changed a metric of",
    "checkin": "checked in on",
}


def on_goal_changed(sender, *, goal, actor, action, changes=None, **kwargs) -> None:
    """Someone else changed my goal (the system's own changes, and mine, tell me nothing)."""
    if actor is None or actor.pk == goal.owner_id:
        return
    text = f"{actor} {ACTIONS.get(action, 'changed')} your goal “{goal.title}”"
    fields = [name.replace("_", " ") for name in (changes or {}) if name not in PRIVATE_FIELDS]
    if action == "updated" and fields:
        text += f" ({', '.join(sorted(fields))})"
    services.notify(
        person_id=goal.owner_id,
        kind=Kind.GOAL_CHANGED,
        text=text + ".",
        key=f"goal_changed:{goal.pk}:{uuid4().hex}",
        url=services.goal_path(goal.pk),
        goal_id=goal.pk,
    )


def on_comment_posted(sender, *, comment, mentioned, **kwargs) -> None:
    """Everyone a comment @mentions (the author is left out by the sender)."""
    goal = comment.goal
    url = f"{services.goal_path(goal.pk)}#comment-{comment.pk}"
    items = [
        services.Item(
            person_id=person.pk,
            kind=Kind.MENTIONED,
            text=f"{comment.author} mentioned you in a comment on “{goal.title}”.",
            key=f"mentioned:{comment.pk}",
            url=url,
            goal_id=goal.pk,
        )
        for person in mentioned
        if person.pk != comment.author_id
    ]
    services.notify_many(items)
