"""GET goals/parent-options/: the parent picker's matches as one types (htmx swaps them into the form)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import picker, selectors
from ..models import Layer
from .common import changeable_goal


@login_required
@require_GET
def parent_options(request):
    """?for=personal (a new personal goal of the viewer's), ?for=move&goal=<id> (a goal the viewer may change) or
    ?for=link&goal=<id> (the goal to link it to);
    ?parent_q= the words typed, ?parent= the goal picked so far. At most picker.MATCH_LIMIT radio buttons."""
    kind = request.GET.get("for")
    if kind == "personal":
        candidates, empty_label = picker.personal_candidates(request.user), picker.PERSONAL_EMPTY_LABEL
    elif kind == "move" and request.GET.get("goal", "").isdigit():
        goal = changeable_goal(request, int(request.GET["goal"]))
        candidates = picker.move_candidates(request.user, goal)
        empty_label = picker.MOVE_EMPTY_LABEL if goal.layer == Layer.PERSONAL else None
    elif kind == "link" and request.GET.get("goal", "").isdigit():
        goal = changeable_goal(request, int(request.GET["goal"]))
        candidates, empty_label = selectors.link_target_candidates(request.user, goal), None
    else:
        return HttpResponseBadRequest("Say which picker: ?for=personal, ?for=move&goal=<id> or ?for=link&goal=<id>.")
    selected = request.GET.get("parent")
    options, summary = picker.options(candidates, picker.clean_query(request.GET.get("parent_q", "")), selected)
    context = {
        "name": "parent",
        "options": options,
        "summary": summary,
        "empty_label": empty_label,
        "nothing_checked": not any(option.checked for option in options),
    }
    return render(request, "widgets/_search_options.html", context)
