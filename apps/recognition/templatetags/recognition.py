"""`{% latest_wins %}`: the home page's wins, so apps.goals shows them without importing this app."""

from django import template

from ..selectors import wins_visible_to

register = template.Library()
HOME_WINS = 5


@register.inclusion_tag("recognition/_wins.html", takes_context=True)
def latest_wins(context) -> dict:
    return {"wins": list(wins_visible_to(context["request"].user)[:HOME_WINS])}
