"""Comments on the goal page: the list and its form, posted in place with htmx or as a plain form post."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..comments import comment_post, latest_comments
from ..forms import CommentForm, add_service_errors
from ..models import Goal
from .common import visible_goal

# The goal page shows the latest comments; the API pages through all of them.
SHOWN = 50


def comments_context(goal: Goal, form: CommentForm | None = None, *, saved: bool = False) -> dict:
    """What goals/_comments.html shows: the latest comments (two queries at most) and the form."""
    comments, older = latest_comments(goal, SHOWN)
    return {
        "comments": comments,
        "comments_older": older,
        "comment_form": form or CommentForm(prefix="comment"),
        "comment_saved": saved,
    }


@login_required
@require_POST
def goal_comment_post(request, pk: int):
    """Anyone who may see the goal comments on it (404 for anyone else, as the page)."""
    goal = visible_goal(request, pk)
    form = CommentForm(request.POST, prefix="comment")
    if form.is_valid():
        try:
            comment_post(actor=request.user, goal=goal, body=form.cleaned_data["body"])
        except ValidationError as exc:
            add_service_errors(form, exc)
    if request.htmx:
        # htmx swaps only 2xx answers: the errors come back in the list's place, next to the field.
        context = comments_context(goal, form if form.errors else None, saved=not form.errors)
        return render(request, "goals/_comments.html", {"goal": goal, **context})
    if form.errors:
        return render(request, "goals/comment_page.html", {"goal": goal, "form": form}, status=400)
    messages.success(request, "Comment posted.")
    return redirect(reverse("goals:detail", args=[goal.pk]) + "#comments")
