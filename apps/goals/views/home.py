"""Server-rendered pages. Thin: reads come from selectors, writes from services."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import selectors


@login_required
def home(request):
    """My work: what the signed-in person owns, with the line of sight up to the strategic intent."""
    goals = selectors.goals_owned_by(request.user)
    paths = selectors.paths_for(goals)
    my_goals = [(goal, selectors.line_of_sight(goal, paths)) for goal in goals]
    return render(
        request,
        "goals/home.html",
        {
            "my_goals": my_goals,
            "needs_checkin": [goal for goal in goals if selectors.needs_checkin(goal)],
            "intents": selectors.published_intents(),
        },
    )
